"""console: server-side sessions of the web partner center

Revision ID: 20261201_0010
Revises: 20261201_0009

Only a keyed hash of each session's random id is stored; the row carries the partner, the sign-in time, the
last request's time (idle expiry), the absolute expiry and a one-shot flash message.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0010"
down_revision = "20261201_0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flash", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_console_sessions_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_console_sessions")),
    )
    op.create_index(op.f("ix_console_sessions_partner_id"), "console_sessions", ["partner_id"], unique=False)
    op.create_index(op.f("ix_console_sessions_expires_at"), "console_sessions", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_console_sessions_expires_at"), table_name="console_sessions")
    op.drop_index(op.f("ix_console_sessions_partner_id"), table_name="console_sessions")
    op.drop_table("console_sessions")
