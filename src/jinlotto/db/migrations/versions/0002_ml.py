"""model activation history

Revision ID: 0002_ml
Revises: 0001_draws
Create Date: 2026-11-22
"""

from collections.abc import Sequence

revision: str = "0002_ml"
down_revision: str | None = "0001_draws"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
