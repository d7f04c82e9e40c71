"""Daily fixed number recommendations."""

import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request, Response

from jinlotto.api.deps import read_visitor, set_visitor_cookie
from jinlotto.api.limits import rate_limited
from jinlotto.api.metrics import RECOMMENDATIONS
from jinlotto.api.openapi import error_responses
from jinlotto.api.schemas import (
    FilterLimit,
    PredictRequest,
    PredictResponse,
    Relaxed,
    StrategiesResponse,
    StrategyRead,
)
from jinlotto.api.state import ServiceState
from jinlotto.domain.schedule import scheduled_date
from jinlotto.services.recommend import (
    DailyRecommendation,
    RecommendOptions,
    daily_key,
    daily_recommendation,
)
from jinlotto.services.recommender import FALLBACK_STRATEGY, Recommender
from jinlotto.strategies.filters import LIMITS, MAX_FIXED, Filters
from jinlotto.strategies.registry import MODEL_STRATEGIES, available

router = APIRouter(prefix="/api", tags=["recommendations"])

HONEST_LINES = [
    "Every combination has the same 1 in 8,145,060 chance of 1st prize; no strategy changes it.",
    "Confidence measures how strongly the strategy agrees with itself, not a chance of winning.",
]


# This is the hottest route: it reads the state and the visitor directly instead of through
# dependencies, and writes its JSON once (the response model still documents it).
@router.post(
    "/predict",
    response_model=PredictResponse,
    dependencies=[rate_limited("predict")],
    responses=error_responses(404),
)
async def predict(body: PredictRequest, request: Request) -> Response:
    """Today's games for this visitor (the same all day for the same options)."""
    state: ServiceState = request.app.state.service
    visitor = read_visitor(request)
    options, options_key = _options(body.strategy, json.dumps(body.filters, sort_keys=True))
    key = daily_key(visitor.key, options_key, datetime.now(UTC))
    daily = state.recommendations.get(key)
    if daily is None:  # read, or generate and store; the answer is then cached
        daily = await daily_recommendation(
            state.database,
            state.recommender,
            state.writer,
            key=key,
            options=options,
            new_visitor=visitor.is_new,
        )
        state.recommendations.put(key, daily)
    RECOMMENDATIONS.labels(daily.strategy, "generated" if daily.generated_now else "stored").inc()
    payload = _payload(daily, body.num_sets, reasoning=state.settings.show_reasoning)
    response = Response(payload.model_dump_json(), media_type="application/json")
    set_visitor_cookie(response, visitor, state.settings)
    return response


@lru_cache(maxsize=256)
def _options(strategy: str | None, filters_json: str) -> tuple[RecommendOptions, str]:
    """Validated options and their key, remembered for the common option sets."""
    mapping: dict[str, Any] = json.loads(filters_json)
    filters = Filters.from_mapping(mapping)
    options = RecommendOptions(strategy=strategy, filters=filters)
    return options, options.key()


@router.get("/strategies")
def strategies(request: Request) -> StrategiesResponse:
    """The strategies, which can answer now, the default, and what each filter value may be."""
    recommender: Recommender = request.app.state.service.recommender
    default = recommender.default_strategy()
    model_ready = default != FALLBACK_STRATEGY
    return StrategiesResponse(
        default=default,
        strategies=[
            StrategyRead(name=name, available=model_ready or name not in MODEL_STRATEGIES)
            for name in available()
        ],
        max_fixed=MAX_FIXED,
        filters={name: FilterLimit(min=low, max=high) for name, (low, high) in LIMITS.items()},
    )


def _payload(daily: DailyRecommendation, num_sets: int, *, reasoning: bool) -> PredictResponse:
    games = daily.games[:num_sets]
    relaxed = (
        Relaxed(stage=daily.relaxation_stage, dropped=list(daily.relaxed))
        if daily.relaxed
        else None
    )
    return PredictResponse(
        sets=[game["numbers"] for game in games],
        confidence_scores=[game["confidence"] for game in games],
        analysis_summary=[game["analysis"] for game in games],
        strategy=daily.strategy,
        model_version=daily.model_version,
        generated_for=daily.generated_for,
        draw_no=daily.draw_no,
        draw_date=scheduled_date(daily.draw_no),
        relaxed=relaxed,
        reasoning=_reasoning(daily) if reasoning else [],
    )


def _reasoning(daily: DailyRecommendation) -> list[str]:
    model = f", model {daily.model_version}" if daily.model_version else ""
    lines = [f"Strategy {daily.strategy}{model}"]
    if daily.relaxed:
        lines.append("Relaxed to find enough games: " + ", ".join(daily.relaxed))
    return lines + HONEST_LINES
