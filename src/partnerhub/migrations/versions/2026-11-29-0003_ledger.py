"""ledger: accounts, transfers, idempotency records (filled in by the money work)

Revision ID: 20261129_0003
Revises: 20261129_0002
"""

from __future__ import annotations

revision = "20261129_0003"
down_revision = "20261129_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
