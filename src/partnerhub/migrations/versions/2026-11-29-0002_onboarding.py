"""onboarding: verification codes, outbox, real-name applications

Revision ID: 20261129_0002
Revises: 20261129_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261129_0002"
down_revision = "20261129_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("scene", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=256), nullable=False),
        sa.Column("recipient_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_messages_message_id")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_messages_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_recipient_hash"), ["recipient_hash"], unique=False
        )

    op.create_table(
        "realname_applications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("identify_type", sa.Integer(), nullable=False),
        sa.Column("verified_type", sa.Integer(), nullable=True),
        sa.Column("name_sealed", sa.Text(), nullable=False),
        sa.Column("number_sealed", sa.Text(), nullable=False),
        sa.Column("number_hash", sa.String(length=64), nullable=False),
        sa.Column("bank_account_sealed", sa.Text(), nullable=True),
        sa.Column("attachments", sa.Text(), nullable=False),
        sa.Column("is_review", sa.Integer(), nullable=False),
        sa.Column("review_result", sa.Integer(), nullable=False),
        sa.Column("opinion", sa.String(length=1024), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_realname_applications_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_realname_applications_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_realname_applications")),
    )
    with op.batch_alter_table("realname_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_realname_applications_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index("ix_realname_applications_number_hash", ["number_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_realname_applications_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "verification_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scene", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target_hash", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=True),
        sa.Column("customer_id", sa.String(length=32), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("failed_checks", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consumed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_verification_codes_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_verification_codes_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_codes")),
    )
    with op.batch_alter_table("verification_codes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_verification_codes_customer_created", ["customer_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_verification_codes_partner_created", ["partner_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_verification_codes_target_created", ["target_hash", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("verification_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_verification_codes_target_created")
        batch_op.drop_index("ix_verification_codes_partner_created")
        batch_op.drop_index("ix_verification_codes_customer_created")

    op.drop_table("verification_codes")
    with op.batch_alter_table("realname_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_realname_applications_partner_id"))
        batch_op.drop_index("ix_realname_applications_number_hash")
        batch_op.drop_index(batch_op.f("ix_realname_applications_customer_id"))

    op.drop_table("realname_applications")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_recipient_hash"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_created_at"))

    op.drop_table("outbox_messages")
