"""foundation: partners, keys, tokens, customers, rate limits

Revision ID: 20261129_0001
Revises: (none)
Create Date: 2026-11-29 16:09:56.013470
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261129_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_auth_tokens")),
    )
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_tokens_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_auth_tokens_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "partners",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("account_name", sa.String(length=64), nullable=False),
        sa.Column("account_name_key", sa.String(length=64), nullable=False),
        sa.Column("mobile", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=256), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("xaccount_type", sa.String(length=64), nullable=False),
        sa.Column("step_up_required", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("associated_on", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["partners.id"], name=op.f("fk_partners_parent_id_partners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("account_name_key", name=op.f("uq_partners_account_name_key")),
    )
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partners_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "rate_limit_windows",
        sa.Column("bucket", sa.String(length=200), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", name=op.f("pk_rate_limit_windows")),
    )
    with op.batch_alter_table("rate_limit_windows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rate_limit_windows_window_start"), ["window_start"], unique=False
        )

    op.create_table(
        "access_keys",
        sa.Column("access_key", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("secret_sealed", sa.String(length=512), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_access_keys_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("access_key", name=op.f("pk_access_keys")),
    )
    with op.batch_alter_table("access_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_keys_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "customers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("domain_name", sa.String(length=64), nullable=False),
        sa.Column("domain_name_key", sa.String(length=64), nullable=False),
        sa.Column("mobile_country", sa.String(length=8), nullable=True),
        sa.Column("mobile", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=256), nullable=True),
        sa.Column("email_key", sa.String(length=256), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("xaccount_id", sa.String(length=128), nullable=False),
        sa.Column("xaccount_type", sa.String(length=64), nullable=False),
        sa.Column("owner_partner_id", sa.String(length=32), nullable=False),
        sa.Column("customer_type", sa.Integer(), nullable=False),
        sa.Column("verified_status", sa.Integer(), nullable=False),
        sa.Column("real_name", sa.String(length=255), nullable=True),
        sa.Column("freeze_type", sa.String(length=32), nullable=True),
        sa.Column("label", sa.String(length=64), nullable=True),
        sa.Column("customer_level", sa.String(length=8), nullable=True),
        sa.Column("close_marketing", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_partner_id"], ["partners.id"], name=op.f("fk_customers_owner_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("domain_name_key", name=op.f("uq_customers_domain_name_key")),
        sa.UniqueConstraint(
            "owner_partner_id",
            "xaccount_type",
            "xaccount_id",
            name=op.f("uq_customers_owner_partner_id_xaccount_type_xaccount_id"),
        ),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_email_key", ["email_key"], unique=False)
        batch_op.create_index("ix_customers_mobile", ["mobile"], unique=False)
        batch_op.create_index(batch_op.f("ix_customers_owner_partner_id"), ["owner_partner_id"], unique=False)

    op.create_table(
        "associations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("association_type", sa.Integer(), nullable=False),
        sa.Column("associated_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active_customer_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_associations_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_associations_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_associations")),
        sa.UniqueConstraint("active_customer_id", name=op.f("uq_associations_active_customer_id")),
    )
    with op.batch_alter_table("associations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_associations_associated_on"), ["associated_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_associations_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_associations_partner_id"), ["partner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("associations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_associations_partner_id"))
        batch_op.drop_index(batch_op.f("ix_associations_customer_id"))
        batch_op.drop_index(batch_op.f("ix_associations_associated_on"))

    op.drop_table("associations")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_owner_partner_id"))
        batch_op.drop_index("ix_customers_mobile")
        batch_op.drop_index("ix_customers_email_key")

    op.drop_table("customers")
    with op.batch_alter_table("access_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_keys_partner_id"))

    op.drop_table("access_keys")
    with op.batch_alter_table("rate_limit_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limit_windows_window_start"))

    op.drop_table("rate_limit_windows")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partners_parent_id"))

    op.drop_table("partners")
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_tokens_subject_id"))
        batch_op.drop_index(batch_op.f("ix_auth_tokens_expires_at"))

    op.drop_table("auth_tokens")
