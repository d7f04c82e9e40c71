"""Liveness and readiness, a trivial version endpoint, and Prometheus metrics."""

from fastapi import APIRouter, Response
from sqlalchemy.exc import SQLAlchemyError

from jinlotto import __version__
from jinlotto.api import metrics
from jinlotto.api.deps import StateDep
from jinlotto.api.schemas import HealthResponse
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.services.engine import NO_DATA_MESSAGE
from jinlotto.services.models import active_model_name

router = APIRouter(tags=["health"])


@router.get("/api/health")
def health(state: StateDep, response: Response) -> HealthResponse:
    """Database reachable, draws stored, active model; 503 when the database is unreachable."""
    try:
        with state.database.sessions() as session:
            count, _, latest, _ = draw_repo.summary(session)
            model = active_model_name(session)
    except SQLAlchemyError:
        response.status_code = 503
        return HealthResponse(
            status="unavailable",
            database=False,
            draws=None,
            latest_draw_no=None,
            active_model=None,
            ml_enabled=state.settings.enable_ml,
        )
    return HealthResponse(
        status="ok",
        database=True,
        draws=count,
        latest_draw_no=latest,
        active_model=model,
        ml_enabled=state.settings.enable_ml,
        hint=None if count else NO_DATA_MESSAGE,
    )


@router.get("/api/version")
def version() -> dict[str, str]:
    """The running version (no I/O)."""
    return {"version": __version__}


@router.get("/metrics", include_in_schema=False)
def prometheus(state: StateDep) -> Response:
    """Metrics in the Prometheus text format."""
    return Response(metrics.render(state.metrics_state), media_type=metrics.METRICS_CONTENT_TYPE)
