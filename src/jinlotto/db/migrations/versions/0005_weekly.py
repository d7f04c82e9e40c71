"""graded recommendations, saved tickets, accuracy record, weekly job runs

Revision ID: 0005_weekly
Revises: 0004_backtest
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jinlotto.db.base import UTCDateTime

revision: str = "0005_weekly"
down_revision: str | None = "0004_backtest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recommendations") as batch:
        batch.add_column(sa.Column("results", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("graded_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_recommendations_draw_no", ["draw_no"])
    op.create_table(
        "saved_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visitor_key", sa.String(length=64), nullable=False),
        sa.Column("draw_no", sa.Integer(), nullable=False),
        sa.Column("games", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.Column("graded_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_tickets")),
    )
    op.create_index(
        "ix_saved_tickets_visitor_created", "saved_tickets", ["visitor_key", "created_at"]
    )
    op.create_index("ix_saved_tickets_draw_no", "saved_tickets", ["draw_no"])
    op.create_table(
        "accuracy_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_no", sa.Integer(), nullable=False),
        sa.Column("strategy", sa.String(length=32), nullable=False),
        sa.Column("model_version", sa.String(length=128), nullable=False),
        sa.Column("games", sa.Integer(), nullable=False),
        sa.Column("matches", sa.Integer(), nullable=False),
        *(sa.Column(f"rank{rank}", sa.Integer(), nullable=False) for rank in range(1, 6)),
        sa.Column("graded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accuracy_draws")),
        sa.UniqueConstraint(
            "draw_no", "strategy", "model_version", name=op.f("uq_accuracy_draws_draw_no")
        ),
    )
    op.create_table(
        "weekly_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_no", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_runs")),
    )
    op.create_index("ix_weekly_runs_draw_no", "weekly_runs", ["draw_no"])


def downgrade() -> None:
    op.drop_index("ix_weekly_runs_draw_no", table_name="weekly_runs")
    op.drop_table("weekly_runs")
    op.drop_table("accuracy_draws")
    op.drop_index("ix_saved_tickets_draw_no", table_name="saved_tickets")
    op.drop_index("ix_saved_tickets_visitor_created", table_name="saved_tickets")
    op.drop_table("saved_tickets")
    with op.batch_alter_table("recommendations") as batch:
        batch.drop_index("ix_recommendations_draw_no")
        batch.drop_column("graded_at")
        batch.drop_column("results")
