"""The FastAPI application: ``create_app(settings)`` and the lifespan that owns its resources."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from jinlotto import __version__
from jinlotto.api.errors import install_error_handlers
from jinlotto.api.metrics import MetricsMiddleware, ServiceStateCollector
from jinlotto.api.probe import HealthProbe
from jinlotto.api.routes import routers
from jinlotto.api.security import SecurityHeadersMiddleware
from jinlotto.api.state import ServiceState
from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.domain.schedule import DRAW_TIME, KST
from jinlotto.services import notify
from jinlotto.services.draws import NO_DATA_MESSAGE
from jinlotto.services.models import active_model_name
from jinlotto.services.recommend import RecommendationCache
from jinlotto.services.recommender import Recommender

logger = logging.getLogger(__name__)


def create_app(settings: Settings) -> FastAPI:
    """A configured application; the database opens when it starts serving."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await run_in_threadpool(_start, settings)
        app.state.service = state
        try:
            yield
        finally:
            state.database.close()

    app = FastAPI(
        title="JinLotto",
        version=__version__,
        description=(
            "Lotto 6/45 history, ticket checking and number recommendations. Every combination "
            "has the same 1 in 8,145,060 chance of 1st prize; no strategy changes it."
        ),
        lifespan=lifespan,
    )
    install_error_handlers(app)
    for router in routers:
        app.include_router(router)
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def _start(settings: Settings) -> ServiceState:
    database = Database.open(settings)
    recommender = Recommender(
        settings,
        database,
        alert=lambda text: notify.send_slack(settings, text),
        train_when_missing=True,
    )
    state = ServiceState(
        settings=settings,
        database=database,
        recommender=recommender,
        metrics_state=ServiceStateCollector(lambda: _metrics_state(database)),
        recommendations=RecommendationCache(settings.recommendation_cache_size),
        health=HealthProbe(
            database,
            deadline_seconds=settings.health_timeout_seconds,
            refresh_seconds=settings.state_refresh_seconds,
        ),
    )
    with database.sessions() as session:
        count, _, latest, _ = draw_repo.summary(session)
    if count:
        logger.info("serving %d stored draws (newest %d)", count, latest)
    else:
        logger.warning(NO_DATA_MESSAGE)
    if settings.warmup_on_startup:
        recommender.warm_up()
    return state


def _metrics_state(database: Database) -> tuple[str | None, datetime | None]:
    with database.sessions() as session:
        record = draw_repo.latest(session)
        model = active_model_name(session)
    drawn_at = datetime.combine(record.draw_date, DRAW_TIME, tzinfo=KST) if record else None
    return model, drawn_at.astimezone(UTC) if drawn_at else None
