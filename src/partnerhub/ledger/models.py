"""Double-entry ledger tables: accounts with cached balances, and append-only transfers between them.

Invariants (checked by ``partnerhub ledger verify``):
* every transfer moves a positive amount of one asset from its debit account to its credit account;
* per asset, all balances sum to zero (platform accounts go negative by exactly what was issued);
* each account's cached ``balance_minor`` equals its credits minus its debits;
* only accounts with ``may_go_negative`` (the platform's) ever hold a negative balance (CHECK constraint).
Only ``partnerhub.ledger.service`` writes these tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
_SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")


class LedgerAccount(Base):
    __tablename__ = "ledger_accounts"
    __table_args__ = (
        UniqueConstraint("owner_kind", "owner_id", "purpose", "asset"),
        CheckConstraint("may_go_negative OR balance_minor >= 0", name="balance_not_negative"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    """Derived from (owner, purpose, asset), so an account's id is known before the account exists."""
    owner_kind: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(32))
    asset: Mapped[str] = mapped_column(String(16))
    balance_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    may_go_negative: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LedgerTransfer(Base):
    __tablename__ = "ledger_transfers"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        # An account's transfers in time order, one index per side (the account-change records list reads
        # each side as one range and merges them; ledger verify groups by each side).
        Index("ix_ledger_transfers_debit_time", "debit_account_id", "created_at", "id"),
        Index("ix_ledger_transfers_credit_time", "credit_account_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(_SEQUENCE, primary_key=True, autoincrement=True)
    """Insertion order; ties in ``created_at`` are broken by it."""
    transaction_id: Mapped[str] = mapped_column(String(40), unique=True)
    """The readable id the API returns (``AD…`` adjust, ``RE…`` reclaim, ``RC…`` top-up)."""
    kind: Mapped[str] = mapped_column(String(32), index=True)
    asset: Mapped[str] = mapped_column(String(16))
    debit_account_id: Mapped[str] = mapped_column(ForeignKey("ledger_accounts.id"))
    credit_account_id: Mapped[str] = mapped_column(ForeignKey("ledger_accounts.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    debit_balance_after: Mapped[int] = mapped_column(BigInteger)
    credit_balance_after: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(64), index=True)
    """The business object the transfer belongs to (a batch, a coupon, a quota), when there is one."""
    operator: Mapped[str] = mapped_column(String(64))
    """Who caused it: ``partner:<id>`` for API calls, ``operator`` for the CLI."""
    request_id: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    memo: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
