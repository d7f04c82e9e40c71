"""Model activations: an append-only log whose newest row not rolled back names the active model."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from jinlotto.db.models import ModelActivationRecord


def _live() -> Select[ModelActivationRecord]:
    """Activations not rolled back, newest first (the first names the active model)."""
    return (
        select(ModelActivationRecord)
        .where(ModelActivationRecord.rolled_back_at.is_(None))
        .order_by(ModelActivationRecord.id.desc())
    )


def current(session: Session) -> ModelActivationRecord | None:
    """The activation that names the active model, if any."""
    return session.scalars(_live().limit(1)).first()


def live(session: Session) -> Sequence[ModelActivationRecord]:
    """Every activation not rolled back, newest first."""
    return session.scalars(_live()).all()


def add(session: Session, name: str, *, now: datetime) -> ModelActivationRecord:
    """Append an activation of ``name``."""
    record = ModelActivationRecord(model_name=name, activated_at=now)
    session.add(record)
    session.flush()
    return record
