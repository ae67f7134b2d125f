"""transfer time indexes: each account's transfers in time order, per side

Revision ID: 20261202_0013
Revises: 20261202_0012

The account-change records list (every transfer in or out of a partner's cash account, newest first) reads
the debit side and the credit side each as one index range in time order and merges them, instead of
collecting every transfer of the account and sorting it (issue 12: 15 s a page at 1M transfers on SQLite).
The two composite indexes replace the single-column ones on the same leading column.
"""

from __future__ import annotations

from alembic import op

revision = "20261202_0013"
down_revision = "20261202_0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_ledger_transfers_debit_time", "ledger_transfers", ["debit_account_id", "created_at", "id"]
    )
    op.create_index(
        "ix_ledger_transfers_credit_time", "ledger_transfers", ["credit_account_id", "created_at", "id"]
    )
    op.drop_index("ix_ledger_transfers_debit_account_id", table_name="ledger_transfers")
    op.drop_index("ix_ledger_transfers_credit_account_id", table_name="ledger_transfers")


def downgrade() -> None:
    op.create_index("ix_ledger_transfers_credit_account_id", "ledger_transfers", ["credit_account_id"])
    op.create_index("ix_ledger_transfers_debit_account_id", "ledger_transfers", ["debit_account_id"])
    op.drop_index("ix_ledger_transfers_credit_time", table_name="ledger_transfers")
    op.drop_index("ix_ledger_transfers_debit_time", table_name="ledger_transfers")
