"""model files stored in the database

Revision ID: 0008_model_artefacts
Revises: 0007_rate_limits
Create Date: 2026-12-01

Only adds the table: model files already in a machine's MODEL_DIR stay there, and so does the
activation that names one. ``jinlotto models import`` stores them (a process that needs the
active model and finds only its local file stores it by itself).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jinlotto.db.base import UTCDateTime

revision: str = "0008_model_artefacts"
down_revision: str | None = "0007_rate_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "model_artefacts",
        sa.Column("model_name", sa.String(length=128), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("model_name", name=op.f("pk_model_artefacts")),
    )


def downgrade() -> None:
    op.drop_table("model_artefacts")
