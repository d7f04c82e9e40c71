"""Daily fixed number recommendations."""

from datetime import UTC, datetime

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from jinlotto.api.deps import SettingsDep, StateDep, VisitorDep
from jinlotto.api.metrics import RECOMMENDATIONS
from jinlotto.api.schemas import PredictRequest, PredictResponse
from jinlotto.services.recommend import (
    DailyRecommendation,
    RecommendOptions,
    daily_key,
    daily_recommendation,
)
from jinlotto.strategies.filters import Filters

router = APIRouter(prefix="/api", tags=["recommendations"])

HONEST_LINES = [
    "Every combination has the same 1 in 8,145,060 chance of 1st prize; no strategy changes it.",
    "Confidence measures how strongly the strategy agrees with itself, not a chance of winning.",
]


@router.post("/predict")
async def predict(
    body: PredictRequest, state: StateDep, settings: SettingsDep, visitor: VisitorDep
) -> PredictResponse:
    """Today's games for this visitor (the same all day for the same options)."""
    filters = Filters.from_mapping(body.filters)
    filters.validate()
    options = RecommendOptions(strategy=body.strategy, filters=filters)
    key = daily_key(visitor.key, options, datetime.now(UTC))
    daily = state.recommendations.get(key)
    if daily is None:  # read or generate off the event loop; the answer is then cached
        daily = await run_in_threadpool(
            daily_recommendation,
            state.database,
            state.engine,
            key=key,
            options=options,
            new_visitor=visitor.is_new,
        )
        state.recommendations.put(key, daily)
    RECOMMENDATIONS.labels(daily.strategy, "generated" if daily.generated_now else "stored").inc()
    games = daily.games[: body.num_sets]
    return PredictResponse(
        sets=[game["numbers"] for game in games],
        confidence_scores=[game["confidence"] for game in games],
        analysis_summary=[game["analysis"] for game in games],
        strategy=daily.strategy,
        model_version=daily.model_version,
        generated_for=daily.generated_for,
        draw_no=daily.draw_no,
        reasoning=_reasoning(daily) if settings.show_reasoning else [],
    )


def _reasoning(daily: DailyRecommendation) -> list[str]:
    lines = [
        f"Strategy {daily.strategy}"
        + (f", model {daily.model_version}" if daily.model_version else "")
    ]
    if daily.relaxed:
        lines.append("Relaxed to find enough games: " + ", ".join(daily.relaxed))
    return lines + HONEST_LINES
