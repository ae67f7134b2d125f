"""vouchers: quota and coupon metadata and their issue/reclaim/expiry records

Revision ID: 20261129_0005
Revises: 20261129_0004

The value of quotas and coupons lives in the ledger (asset CNY-VOUCHER); these tables hold owners, validity,
limits and status. Record ids are sequences so lists keep insertion order within one second.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261129_0005"
down_revision = "20261129_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coupon_quotas",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("parent_quota_id", sa.String(length=32), nullable=True),
        sa.Column("issuer_partner_id", sa.String(length=32), nullable=True),
        sa.Column("quota_type", sa.Integer(), nullable=False),
        sa.Column("quota_value_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("effective_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expire_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("min_face_minor", sa.BigInteger(), nullable=True),
        sa.Column("max_face_minor", sa.BigInteger(), nullable=True),
        sa.Column("service_types", sa.String(length=1024), nullable=True),
        sa.Column("product_ids", sa.String(length=1024), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_partner_id"], ["partners.id"], name=op.f("fk_coupon_quotas_issuer_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["parent_quota_id"],
            ["coupon_quotas.id"],
            name=op.f("fk_coupon_quotas_parent_quota_id_coupon_quotas"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_coupon_quotas_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_quotas")),
    )
    op.create_index(op.f("ix_coupon_quotas_expire_time"), "coupon_quotas", ["expire_time"], unique=False)
    op.create_index(
        op.f("ix_coupon_quotas_issuer_partner_id"), "coupon_quotas", ["issuer_partner_id"], unique=False
    )
    op.create_index(
        op.f("ix_coupon_quotas_parent_quota_id"), "coupon_quotas", ["parent_quota_id"], unique=False
    )
    op.create_index(op.f("ix_coupon_quotas_partner_id"), "coupon_quotas", ["partner_id"], unique=False)
    op.create_table(
        "coupon_quota_records",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("indirect_partner_id", sa.String(length=32), nullable=False),
        sa.Column("quota_id", sa.String(length=32), nullable=False),
        sa.Column("parent_quota_id", sa.String(length=32), nullable=False),
        sa.Column("operation_type", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("result", sa.Integer(), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("remark", sa.String(length=256), nullable=True),
        sa.Column("operation_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["indirect_partner_id"],
            ["partners.id"],
            name=op.f("fk_coupon_quota_records_indirect_partner_id_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_quota_id"],
            ["coupon_quotas.id"],
            name=op.f("fk_coupon_quota_records_parent_quota_id_coupon_quotas"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_coupon_quota_records_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["quota_id"], ["coupon_quotas.id"], name=op.f("fk_coupon_quota_records_quota_id_coupon_quotas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_quota_records")),
    )
    op.create_index(
        op.f("ix_coupon_quota_records_indirect_partner_id"),
        "coupon_quota_records",
        ["indirect_partner_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_coupon_quota_records_operation_time"),
        "coupon_quota_records",
        ["operation_time"],
        unique=False,
    )
    op.create_index(
        op.f("ix_coupon_quota_records_partner_id"), "coupon_quota_records", ["partner_id"], unique=False
    )
    op.create_index(
        op.f("ix_coupon_quota_records_quota_id"), "coupon_quota_records", ["quota_id"], unique=False
    )
    op.create_table(
        "coupons",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("quota_id", sa.String(length=32), nullable=False),
        sa.Column("quota_type", sa.Integer(), nullable=False),
        sa.Column("coupon_type", sa.Integer(), nullable=False),
        sa.Column("face_value_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("effective_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expire_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("service_types", sa.String(length=1024), nullable=True),
        sa.Column("product_ids", sa.String(length=1024), nullable=True),
        sa.Column("memo", sa.String(length=512), nullable=True),
        sa.Column("reclaimed_minor", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reclaimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_coupons_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_coupons_partner_id_partners")),
        sa.ForeignKeyConstraint(
            ["quota_id"], ["coupon_quotas.id"], name=op.f("fk_coupons_quota_id_coupon_quotas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupons")),
    )
    op.create_index(op.f("ix_coupons_created_at"), "coupons", ["created_at"], unique=False)
    op.create_index(op.f("ix_coupons_customer_id"), "coupons", ["customer_id"], unique=False)
    op.create_index(op.f("ix_coupons_partner_id"), "coupons", ["partner_id"], unique=False)
    op.create_index(op.f("ix_coupons_quota_id"), "coupons", ["quota_id"], unique=False)
    op.create_index("ix_coupons_status_expire_time", "coupons", ["status", "expire_time"], unique=False)
    op.create_table(
        "coupon_records",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("operation_type", sa.Integer(), nullable=False),
        sa.Column("quota_id", sa.String(length=32), nullable=False),
        sa.Column("quota_type", sa.Integer(), nullable=False),
        sa.Column("coupon_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("result", sa.Integer(), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("remark", sa.String(length=512), nullable=True),
        sa.Column("operation_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coupon_id"], ["coupons.id"], name=op.f("fk_coupon_records_coupon_id_coupons")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_coupon_records_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_coupon_records_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["quota_id"], ["coupon_quotas.id"], name=op.f("fk_coupon_records_quota_id_coupon_quotas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_records")),
    )
    op.create_index(op.f("ix_coupon_records_coupon_id"), "coupon_records", ["coupon_id"], unique=False)
    op.create_index(op.f("ix_coupon_records_customer_id"), "coupon_records", ["customer_id"], unique=False)
    op.create_index(
        op.f("ix_coupon_records_operation_time"), "coupon_records", ["operation_time"], unique=False
    )
    op.create_index(op.f("ix_coupon_records_partner_id"), "coupon_records", ["partner_id"], unique=False)
    op.create_index(op.f("ix_coupon_records_quota_id"), "coupon_records", ["quota_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_coupon_records_quota_id"), table_name="coupon_records")
    op.drop_index(op.f("ix_coupon_records_partner_id"), table_name="coupon_records")
    op.drop_index(op.f("ix_coupon_records_operation_time"), table_name="coupon_records")
    op.drop_index(op.f("ix_coupon_records_customer_id"), table_name="coupon_records")
    op.drop_index(op.f("ix_coupon_records_coupon_id"), table_name="coupon_records")
    op.drop_table("coupon_records")
    op.drop_index("ix_coupons_status_expire_time", table_name="coupons")
    op.drop_index(op.f("ix_coupons_quota_id"), table_name="coupons")
    op.drop_index(op.f("ix_coupons_partner_id"), table_name="coupons")
    op.drop_index(op.f("ix_coupons_customer_id"), table_name="coupons")
    op.drop_index(op.f("ix_coupons_created_at"), table_name="coupons")
    op.drop_table("coupons")
    op.drop_index(op.f("ix_coupon_quota_records_quota_id"), table_name="coupon_quota_records")
    op.drop_index(op.f("ix_coupon_quota_records_partner_id"), table_name="coupon_quota_records")
    op.drop_index(op.f("ix_coupon_quota_records_operation_time"), table_name="coupon_quota_records")
    op.drop_index(op.f("ix_coupon_quota_records_indirect_partner_id"), table_name="coupon_quota_records")
    op.drop_table("coupon_quota_records")
    op.drop_index(op.f("ix_coupon_quotas_partner_id"), table_name="coupon_quotas")
    op.drop_index(op.f("ix_coupon_quotas_parent_quota_id"), table_name="coupon_quotas")
    op.drop_index(op.f("ix_coupon_quotas_issuer_partner_id"), table_name="coupon_quotas")
    op.drop_index(op.f("ix_coupon_quotas_expire_time"), table_name="coupon_quotas")
    op.drop_table("coupon_quotas")
