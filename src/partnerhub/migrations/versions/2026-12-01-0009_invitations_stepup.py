"""invitations and step-up: reseller invitation links, the partners' API step-up toggle and channel

Revision ID: 20261201_0009
Revises: 20261201_0007

``reseller_invitations.token_hash`` is a keyed hash of the link's token (the token is never stored).
Existing partners get ``step_up_api`` off and ``step_up_channel`` ``mobile``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0009"
down_revision = "20261201_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("step_up_api", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(
            sa.Column(
                "step_up_channel", sa.String(length=16), server_default=sa.text("'mobile'"), nullable=False
            )
        )
    op.create_table(
        "reseller_invitations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("distributor_id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("receiver_type", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("codes_sent", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reseller_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["distributor_id"], ["partners.id"], name=op.f("fk_reseller_invitations_distributor_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["reseller_id"], ["partners.id"], name=op.f("fk_reseller_invitations_reseller_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reseller_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_reseller_invitations_token_hash")),
    )
    op.create_index(
        op.f("ix_reseller_invitations_distributor_id_created_at"),
        "reseller_invitations",
        ["distributor_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_reseller_invitations_distributor_id_created_at"), table_name="reseller_invitations"
    )
    op.drop_table("reseller_invitations")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_column("step_up_channel")
        batch_op.drop_column("step_up_api")
