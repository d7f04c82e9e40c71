"""Model artefacts: each saved model's file bytes, sha256 and metadata, one row per name."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jinlotto.db.models import ModelArtefactRecord


def get(session: Session, name: str) -> ModelArtefactRecord | None:
    """The row of model ``name`` without its bytes (they load on first access)."""
    return session.get(ModelArtefactRecord, name)


def content(session: Session, name: str) -> bytes | None:
    """The file bytes of model ``name``."""
    return session.scalar(
        select(ModelArtefactRecord.content).where(ModelArtefactRecord.model_name == name)
    )


def every(session: Session) -> Sequence[ModelArtefactRecord]:
    """Every row without its bytes, newest first."""
    query = select(ModelArtefactRecord).order_by(
        ModelArtefactRecord.saved_at.desc(), ModelArtefactRecord.model_name.desc()
    )
    return session.scalars(query).all()


def names(session: Session) -> set[str]:
    """The name of every stored model."""
    return set(session.scalars(select(ModelArtefactRecord.model_name)))


def add(
    session: Session,
    name: str,
    *,
    sha256: str,
    details: dict[str, Any],
    content: bytes,
    now: datetime,
) -> ModelArtefactRecord:
    """Store model ``name``; a name already stored raises ``IntegrityError`` on flush."""
    record = ModelArtefactRecord(
        model_name=name,
        sha256=sha256,
        size_bytes=len(content),
        details=details,
        saved_at=now,
        content=content,
    )
    session.add(record)
    session.flush()
    return record
