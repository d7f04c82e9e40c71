"""backtest reports

Revision ID: 0004_backtest
Revises: 0003_service
Create Date: 2026-11-22
"""

from collections.abc import Sequence

revision: str = "0004_backtest"
down_revision: str | None = "0003_service"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
