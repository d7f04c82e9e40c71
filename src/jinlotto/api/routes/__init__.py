"""HTTP routes, one module per resource; ``create_app`` includes every router listed here."""

from fastapi import APIRouter

from jinlotto.api.routes import (
    accuracy,
    analysis,
    data,
    draws,
    evidence,
    feedback,
    health,
    me,
    predict,
    tickets,
    web,
)

routers: list[APIRouter] = [
    health.router,
    predict.router,
    tickets.router,
    draws.router,
    data.router,
    analysis.router,
    evidence.router,
    accuracy.router,
    me.router,
    feedback.router,
    web.router,
]
