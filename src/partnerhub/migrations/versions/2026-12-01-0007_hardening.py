"""hardening: password-login throttles, and the client's own request id beside the server's in audit events

Revision ID: 20261201_0007
Revises: 20261129_0006

``login_throttles`` counts password-login attempts per account and per client address (keyed hashes, never
the login or address in clear) with the lock-out they earned. ``audit_events.client_request_id`` keeps a
client's ``X-Request-Id``; ``request_id`` is always the server's own.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0007"
down_revision = "20261129_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_throttles_last_attempt_at"), ["last_attempt_at"], unique=False
        )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_request_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("client_request_id")
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttles_last_attempt_at"))
    op.drop_table("login_throttles")
