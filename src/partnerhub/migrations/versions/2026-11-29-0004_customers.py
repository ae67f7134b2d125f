"""customers: freeze / unfreeze history (who, when, how, why)

Revision ID: 20261129_0004
Revises: 20261129_0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261129_0004"
down_revision = "20261129_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_freeze_events",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("operator_partner_id", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("freeze_type", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_customer_freeze_events_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["operator_partner_id"],
            ["partners.id"],
            name=op.f("fk_customer_freeze_events_operator_partner_id_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_customer_freeze_events_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_freeze_events")),
    )
    with op.batch_alter_table("customer_freeze_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customer_freeze_events_customer_id"), ["customer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("customer_freeze_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_freeze_events_customer_id"))
    op.drop_table("customer_freeze_events")
