"""Model forecasts: a saved model's prediction for one history, stored once."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jinlotto.db.models import ModelForecastRecord

_TABLE = ModelForecastRecord.__table__
_INSERTS = {
    dialect.dialect.name: dialect.insert(_TABLE).on_conflict_do_nothing()
    for dialect in (postgresql, sqlite)
}


def find(session: Session, name: str, *, draws: int, newest_draw_no: int) -> bytes | None:
    """The stored probabilities of model ``name`` for the history of ``draws`` draws ending at
    ``newest_draw_no``."""
    return session.scalar(
        select(ModelForecastRecord.probabilities).where(
            ModelForecastRecord.model_name == name,
            ModelForecastRecord.draws == draws,
            ModelForecastRecord.newest_draw_no == newest_draw_no,
        )
    )


def add_if_absent(
    session: Session,
    name: str,
    *,
    draws: int,
    newest_draw_no: int,
    probabilities: bytes,
    now: datetime,
) -> None:
    """Store a forecast unless one is stored for the same model and history (they are equal)."""
    values = {
        "model_name": name,
        "draws": draws,
        "newest_draw_no": newest_draw_no,
        "probabilities": probabilities,
        "created_at": now,
    }
    session.execute(_INSERTS[session.get_bind().dialect.name], values)
