"""each saved model's prediction for a history, stored once

Revision ID: 0009_model_forecasts
Revises: 0008_model_artefacts
Create Date: 2026-12-01

Only adds the table: the first process that needs a forecast after the upgrade makes and
stores it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jinlotto.db.base import UTCDateTime

revision: str = "0009_model_forecasts"
down_revision: str | None = "0008_model_artefacts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "model_forecasts",
        sa.Column("model_name", sa.String(length=128), nullable=False),
        sa.Column("draws", sa.Integer(), nullable=False),
        sa.Column("newest_draw_no", sa.Integer(), nullable=False),
        sa.Column("probabilities", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_name"],
            ["model_artefacts.model_name"],
            name=op.f("fk_model_forecasts_model_name_model_artefacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "model_name", "draws", "newest_draw_no", name=op.f("pk_model_forecasts")
        ),
    )


def downgrade() -> None:
    op.drop_table("model_forecasts")
