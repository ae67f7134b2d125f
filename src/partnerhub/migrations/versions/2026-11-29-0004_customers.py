"""customers: additions for create / list / freeze (filled in by the customer work, if any)

Revision ID: 20261129_0004
Revises: 20261129_0003
"""

from __future__ import annotations

revision = "20261129_0004"
down_revision = "20261129_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
