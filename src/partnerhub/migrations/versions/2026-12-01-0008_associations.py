"""associations: association requests, association records, invitations to re-associate, notifications

Revision ID: 20261201_0008
Revises: 20261201_0010

``association_requests.pending_customer_id`` is unique: it holds the customer id while the request is
pending, so a customer has at most one pending request (NULLs never collide on either engine).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0008"
down_revision = "20261201_0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("notification_id", sa.String(length=32), nullable=False),
        sa.Column("recipient_kind", sa.String(length=16), nullable=False),
        sa.Column("recipient_id", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=48), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("request_id", sa.String(length=32), nullable=True),
        sa.Column("customer_id", sa.String(length=32), nullable=True),
        sa.Column("is_read", sa.Boolean(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("notification_id", name=op.f("uq_notifications_notification_id")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_recipient", ["recipient_kind", "recipient_id", "created_at"], unique=False
        )

    op.create_table(
        "association_invitations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=True),
        sa.Column("association_type", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expire_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_association_invitations_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_association_invitations_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_association_invitations")),
    )
    with op.batch_alter_table("association_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_association_invitations_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_association_invitations_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "association_requests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("association_id", sa.String(length=32), nullable=False),
        sa.Column("request_type", sa.String(length=16), nullable=False),
        sa.Column("target_association_type", sa.Integer(), nullable=True),
        sa.Column("initiator", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pending_customer_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expire_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.String(length=256), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["association_id"],
            ["associations.id"],
            name=op.f("fk_association_requests_association_id_associations"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_association_requests_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_association_requests_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_association_requests")),
        sa.UniqueConstraint("pending_customer_id", name=op.f("uq_association_requests_pending_customer_id")),
    )
    with op.batch_alter_table("association_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_association_requests_association_id"), ["association_id"], unique=False
        )
        batch_op.create_index(
            "ix_association_requests_customer_id_created_at", ["customer_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_association_requests_partner_id_created_at", ["partner_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_association_requests_status_expire_at", ["status", "expire_at"], unique=False
        )

    op.create_table(
        "association_records",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("record_id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.String(length=32), nullable=True),
        sa.Column("operation_type", sa.String(length=16), nullable=False),
        sa.Column("initiator", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=256), nullable=True),
        sa.Column("association_type", sa.Integer(), nullable=False),
        sa.Column("operate_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_association_records_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_association_records_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["association_requests.id"],
            name=op.f("fk_association_records_request_id_association_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_association_records")),
        sa.UniqueConstraint("record_id", name=op.f("uq_association_records_record_id")),
    )
    with op.batch_alter_table("association_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_association_records_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(
            "ix_association_records_partner_id_operate_time", ["partner_id", "operate_time"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_association_records_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("association_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_association_records_request_id"))
        batch_op.drop_index("ix_association_records_partner_id_operate_time")
        batch_op.drop_index(batch_op.f("ix_association_records_customer_id"))

    op.drop_table("association_records")
    with op.batch_alter_table("association_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_association_requests_status_expire_at")
        batch_op.drop_index("ix_association_requests_partner_id_created_at")
        batch_op.drop_index("ix_association_requests_customer_id_created_at")
        batch_op.drop_index(batch_op.f("ix_association_requests_association_id"))

    op.drop_table("association_requests")
    with op.batch_alter_table("association_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_association_invitations_partner_id"))
        batch_op.drop_index(batch_op.f("ix_association_invitations_customer_id"))

    op.drop_table("association_invitations")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_recipient")

    op.drop_table("notifications")
