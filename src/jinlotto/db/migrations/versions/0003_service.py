"""recommendations, feedback and job locks

Revision ID: 0003_service
Revises: 0002_ml
Create Date: 2026-11-22
"""

from collections.abc import Sequence

revision: str = "0003_service"
down_revision: str | None = "0002_ml"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
