"""Liveness and readiness, a trivial version endpoint, and Prometheus metrics."""

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response

from jinlotto import __version__
from jinlotto.api import metrics
from jinlotto.api.deps import StateDep, bearer_matches
from jinlotto.api.schemas import HealthResponse
from jinlotto.errors import AuthenticationError
from jinlotto.services.draws import NO_DATA_MESSAGE, freshness

router = APIRouter(tags=["health"])


@router.get(
    "/api/health",
    responses={503: {"model": HealthResponse, "description": "The database is unreachable"}},
)
async def health(state: StateDep, response: Response) -> HealthResponse:
    """Database reachable, draws stored, active model; 503 when the database is unreachable."""
    facts = await state.health.facts()
    if not facts.reachable:
        response.status_code = 503
    fresh = freshness(facts.latest_draw_no, datetime.now(UTC))
    return HealthResponse(
        status="ok" if facts.reachable else "unavailable",
        database=facts.reachable,
        draws=facts.draws,
        latest_draw_no=facts.latest_draw_no,
        latest_draw_date=facts.latest_draw_date,
        next_draw_no=fresh.next_draw_no,
        missing_recent=fresh.missing_recent if facts.reachable else None,
        stale=fresh.stale if facts.reachable else None,
        active_model=facts.active_model,
        ml_enabled=state.settings.enable_ml,
        hint=NO_DATA_MESSAGE if facts.reachable and not facts.draws else None,
    )


@router.get("/api/version")
async def version() -> dict[str, str]:
    """The running version (no I/O)."""
    return {"version": __version__}


@router.get("/metrics", include_in_schema=False)
def prometheus(state: StateDep, request: Request) -> Response:
    """Metrics in the Prometheus text format (behind ``METRICS_TOKEN`` when it is set)."""
    token = state.settings.metrics_token
    if token is not None and token.get_secret_value() and not bearer_matches(request, token):
        raise AuthenticationError("/metrics needs 'Authorization: Bearer <METRICS_TOKEN>'")
    return Response(metrics.render(state.metrics_state), media_type=metrics.METRICS_CONTENT_TYPE)
