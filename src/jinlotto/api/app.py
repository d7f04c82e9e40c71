"""The FastAPI application: ``create_app(settings)`` and the lifespan that owns its resources."""

import logging
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp

from jinlotto import __version__
from jinlotto.api.errors import TooLargeAsJsonMiddleware, install_error_handlers
from jinlotto.api.metrics import (
    SLACK_FAILURES,
    MetricsMiddleware,
    ServiceStateCollector,
    StateSnapshot,
)
from jinlotto.api.openapi import install_openapi
from jinlotto.api.probe import HealthProbe
from jinlotto.api.routes import routers
from jinlotto.api.routes.data import admin_router
from jinlotto.api.security import SecurityHeadersMiddleware
from jinlotto.api.state import ServiceState
from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.db.repositories import weekly_runs as run_repo
from jinlotto.domain.schedule import DRAW_TIME, KST
from jinlotto.services.draws import NO_DATA_MESSAGE
from jinlotto.services.models import active_model_name
from jinlotto.services.notify import Notifier
from jinlotto.services.ratelimit import RateLimiter
from jinlotto.services.recommend import RecommendationCache, RecommendationWriter
from jinlotto.services.recommender import Recommender
from jinlotto.services.scheduler import WeeklyScheduler
from jinlotto.services.weekly import WeeklyRunner

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
            await run_in_threadpool(_stop, state)

    app = JinlottoAPI(
        title="JinLotto",
        version=__version__,
        description=(
            "Lotto 6/45 history, ticket checking and number recommendations. Every combination "
            "has the same 1 in 8,145,060 chance of 1st prize; no strategy changes it."
        ),
        lifespan=lifespan,
        max_body_size=settings.max_json_body_bytes,  # routes taking files raise their own cap
        docs_url="/docs" if settings.api_docs else None,
        redoc_url="/redoc" if settings.api_docs else None,
        # The service exports Prometheus metrics (api/metrics.py); FastAPI's OpenTelemetry
        # hooks would otherwise look up the environment on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_error_handlers(app)
    for router in routers:
        app.include_router(router)
    if settings.admin_token is not None and settings.admin_token.get_secret_value():
        app.include_router(admin_router)  # absent otherwise: 404 like any unknown path
    install_openapi(app)
    app.add_middleware(MetricsMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["content-type", "authorization"],
        )
    return app


class JinlottoAPI(FastAPI):
    """FastAPI with the security headers and the JSON 413 outermost, so that they apply to
    every response, even those of Starlette's error and body-limit middleware (which sit
    outside any ``add_middleware`` one)."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(TooLargeAsJsonMiddleware(super().build_middleware_stack()))


def _start(settings: Settings) -> ServiceState:
    database = Database.open(settings)
    notifier = Notifier(settings, on_failure=lambda reason: SLACK_FAILURES.labels(reason).inc())

    def model_fallback(model: str, problem: str) -> None:
        notifier.notify("model_fallback", model=model, problem=problem)

    recommender = Recommender(settings, database, alert=model_fallback, train_when_missing=True)
    state = ServiceState(
        settings=settings,
        database=database,
        recommender=recommender,
        metrics_state=ServiceStateCollector(lambda: _metrics_state(database)),
        recommendations=RecommendationCache(settings.recommendation_cache_size),
        writer=RecommendationWriter(database, wait_seconds=settings.database_pool_timeout_seconds),
        health=HealthProbe(
            database,
            deadline_seconds=settings.health_timeout_seconds,
            refresh_seconds=settings.state_refresh_seconds,
        ),
        notifier=notifier,
        limiter=RateLimiter(settings, database),
    )
    if settings.environment == "production" and settings.api_docs:
        logger.warning("API documentation is public at /docs and /redoc (API_DOCS=false hides it)")
    with database.sessions() as session:
        count, _, latest, _ = draw_repo.summary(session)
    if count:
        logger.info("serving %d stored draws (newest %d)", count, latest)
    else:
        logger.warning(NO_DATA_MESSAGE)
    if settings.warmup_on_startup:
        recommender.warm_up()
    if settings.scheduler_enabled:
        state.scheduler = WeeklyScheduler(WeeklyRunner(database, settings, notifier))
        state.scheduler.start()
    notifier.notify(
        "server_started",
        version=__version__,
        host=socket.gethostname(),
        pid=os.getpid(),
        draws=count,
    )
    return state


def _stop(state: ServiceState) -> None:
    if state.scheduler is not None:
        state.scheduler.shutdown()
    state.notifier.notify("server_stopped", host=socket.gethostname(), pid=os.getpid())
    state.notifier.close(timeout=state.settings.slack_timeout_seconds)
    state.database.close()


def _metrics_state(database: Database) -> StateSnapshot:
    with database.sessions() as session:
        record = draw_repo.latest(session)
        model = active_model_name(session)
        last_run = run_repo.latest(session)
        last_success = run_repo.latest(session, outcome="done")
    drawn_at = datetime.combine(record.draw_date, DRAW_TIME, tzinfo=KST) if record else None
    details = last_success.details if last_success is not None else {}
    return StateSnapshot(
        model_version=model,
        latest_draw_at=drawn_at.astimezone(UTC) if drawn_at else None,
        weekly_outcome=last_run.outcome if last_run is not None else None,
        weekly_success_at=last_success.finished_at if last_success is not None else None,
        weekly_graded={
            "recommendation": int(details.get("graded_recommended_games", 0)),
            "ticket": int(details.get("graded_ticket_games", 0)),
        },
    )
