"""Trained models: their files (artefacts) and an append-only log of which one is active, shared
by every process on every machine."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from jinlotto.db.base import Base, written_by


class ModelActivationRecord(Base):
    """One activation of a model; the newest row not rolled back names the active model."""

    __tablename__ = "model_activations"
    __table_args__ = (written_by("jinlotto.services.models"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    model_name: Mapped[str] = mapped_column(String(128), index=True)
    activated_at: Mapped[datetime]
    rolled_back_at: Mapped[datetime | None]


class ModelArtefactRecord(Base):
    """A saved model: its joblib file's bytes, their sha256 and the metadata written with it.

    A name is saved once and never changes, so a name identifies its bytes everywhere.
    ``content`` is only loaded when asked for (a model is a few MB).
    """

    __tablename__ = "model_artefacts"
    __table_args__ = (written_by("jinlotto.services.models"),)

    model_name: Mapped[str] = mapped_column(String(128), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_at: Mapped[datetime]
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class ModelForecastRecord(Base):
    """A saved model's prediction for the draw after one history (its draw count and newest
    draw): ``probabilities`` holds six rows of 45 little-endian float64, position by position.
    Computed once by whichever process first has the model and the history; a name's
    artefact never changes, so neither does its forecast for a history."""

    __tablename__ = "model_forecasts"
    __table_args__ = (written_by("jinlotto.services.models"),)

    model_name: Mapped[str] = mapped_column(
        String(128), ForeignKey("model_artefacts.model_name", ondelete="CASCADE"), primary_key=True
    )
    draws: Mapped[int] = mapped_column(Integer, primary_key=True)
    newest_draw_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    probabilities: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
