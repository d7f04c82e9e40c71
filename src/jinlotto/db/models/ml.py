"""Which trained model is active: an append-only log of activations shared by every process."""

from datetime import datetime

from sqlalchemy import Integer, String
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
