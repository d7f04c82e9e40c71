"""draws table

Revision ID: 0001_draws
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from jinlotto.db.base import UTCDateTime

revision: str = "0001_draws"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    tier_columns = []
    for rank in range(1, 6):
        tier_columns.append(sa.Column(f"tier{rank}_winners", sa.Integer(), nullable=True))
        tier_columns.append(sa.Column(f"tier{rank}_prize", sa.BigInteger(), nullable=True))
    op.create_table(
        "draws",
        sa.Column("draw_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("draw_date", sa.Date(), nullable=False),
        *(sa.Column(f"n{i}", sa.SmallInteger(), nullable=False) for i in range(1, 7)),
        sa.Column("bonus_no", sa.SmallInteger(), nullable=False),
        *tier_columns,
        sa.Column("total_sales", sa.BigInteger(), nullable=True),
        sa.Column("first_auto", sa.Integer(), nullable=True),
        sa.Column("first_semi_auto", sa.Integer(), nullable=True),
        sa.Column("first_manual", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("draw_no >= 1", name=op.f("ck_draws_draw_no_positive")),
        sa.CheckConstraint(
            "n1 < n2 AND n2 < n3 AND n3 < n4 AND n4 < n5 AND n5 < n6",
            name=op.f("ck_draws_ascending"),
        ),
        sa.CheckConstraint("n1 >= 1 AND n6 <= 45", name=op.f("ck_draws_numbers_range")),
        sa.CheckConstraint("bonus_no BETWEEN 1 AND 45", name=op.f("ck_draws_bonus_range")),
        sa.PrimaryKeyConstraint("draw_no", name=op.f("pk_draws")),
    )
    op.create_index(op.f("ix_draws_draw_date"), "draws", ["draw_date"])


def downgrade() -> None:
    op.drop_index(op.f("ix_draws_draw_date"), table_name="draws")
    op.drop_table("draws")
