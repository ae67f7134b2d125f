"""audit: the append-only, per-partner hash-chained audit log and its chain heads

Revision ID: 20261129_0006
Revises: 20261129_0005

``hash = sha256(prev_hash + canonical JSON of the event's fields)``; ``audit_heads`` keeps each partner's
last hash and event id and is row-locked by writers so concurrent events chain in order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261129_0006"
down_revision = "20261129_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_kind", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(
        op.f("ix_audit_events_partner_id_created_at"),
        "audit_events",
        ["partner_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "audit_heads",
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_audit_heads")),
    )


def downgrade() -> None:
    op.drop_table("audit_heads")
    op.drop_index(op.f("ix_audit_events_partner_id_created_at"), table_name="audit_events")
    op.drop_table("audit_events")
