"""onboarding: verification codes, outbox, real-name applications (filled in by the onboarding work)

Revision ID: 20261129_0002
Revises: 20261129_0001
"""

from __future__ import annotations

revision = "20261129_0002"
down_revision = "20261129_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
