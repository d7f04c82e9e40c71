"""backtest reports

Revision ID: 0004_backtest
Revises: 0003_service
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jinlotto.db.base import UTCDateTime

revision: str = "0004_backtest"
down_revision: str | None = "0003_service"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "backtest_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_draw", sa.Integer(), nullable=False),
        sa.Column("last_draw", sa.Integer(), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("strategies", sa.String(length=256), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backtest_reports")),
    )
    op.create_index(op.f("ix_backtest_reports_created_at"), "backtest_reports", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_backtest_reports_created_at"), table_name="backtest_reports")
    op.drop_table("backtest_reports")
