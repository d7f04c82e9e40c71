"""model activation history

Revision ID: 0002_ml
Revises: 0001_draws
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jinlotto.db.base import UTCDateTime

revision: str = "0002_ml"
down_revision: str | None = "0001_draws"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "model_activations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("model_name", sa.String(length=128), nullable=False),
        sa.Column("activated_at", UTCDateTime(), nullable=False),
        sa.Column("rolled_back_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_activations")),
    )
    op.create_index(op.f("ix_model_activations_model_name"), "model_activations", ["model_name"])


def downgrade() -> None:
    op.drop_index(op.f("ix_model_activations_model_name"), table_name="model_activations")
    op.drop_table("model_activations")
