"""Queries on ledger accounts and transfers. Writes go only through ``ledger.service``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, exists, func, insert, literal, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from partnerhub.ledger.accounts import AccountKey, OwnerKind
from partnerhub.ledger.models import LedgerAccount, LedgerTransfer

_RANKS = {OwnerKind.PARTNER.value: 1, OwnerKind.PLATFORM.value: 2}
LOCK_RANK = case(_RANKS, value=LedgerAccount.owner_kind, else_=0)
"""Accounts are locked by (rank, id): customers', quotas' and coupons' (one writer each, rarely contended)
first, partners' (the hot rows: every funding of a partner's customers debits the same one) after them, the
platform's last. The hottest row is then the last a transaction locks, so it is held the shortest time."""


def lock_order(key: AccountKey) -> tuple[int, str]:
    """``LOCK_RANK`` and the id, in Python: the order ``LedgerRepository.lock`` takes row locks in."""
    return _RANKS.get(key.owner_kind.value, 0), key.id


@dataclass(frozen=True)
class LockedAccount:
    id: str
    asset: str
    balance_minor: int
    may_go_negative: bool


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self, account_ids: Iterable[str]) -> dict[str, LockedAccount]:
        """Row-lock the existing accounts among ``account_ids`` in lock order (no-op locking on SQLite, whose
        ``BEGIN IMMEDIATE`` already serializes writers). Every writer locks in this one order, so two
        transfers over the same accounts can wait for each other but never deadlock."""
        rows = self.session.execute(
            select(
                LedgerAccount.id,
                LedgerAccount.asset,
                LedgerAccount.balance_minor,
                LedgerAccount.may_go_negative,
            )
            .where(LedgerAccount.id.in_(sorted(set(account_ids))))
            .order_by(LOCK_RANK, LedgerAccount.id)
            .with_for_update()
        ).all()
        return {
            row.id: LockedAccount(row.id, row.asset, int(row.balance_minor), bool(row.may_go_negative))
            for row in rows
        }

    def existing_ids(self, account_ids: Iterable[str]) -> set[str]:
        """Which of the accounts exist (a plain read: no locks)."""
        return set(
            self.session.scalars(select(LedgerAccount.id).where(LedgerAccount.id.in_(list(account_ids))))
        )

    def create_missing(self, keys: Iterable[AccountKey], now: datetime) -> None:
        """Insert the accounts with balance 0 unless they exist, in one multi-row statement (in lock order);
        concurrent creators do not collide."""
        rows = [
            {
                "id": key.id,
                "owner_kind": key.owner_kind.value,
                "owner_id": key.owner_id,
                "purpose": key.purpose.value,
                "asset": key.asset.value,
                "balance_minor": 0,
                "may_go_negative": key.may_go_negative,
                "created_at": now,
            }
            for key in sorted(keys, key=lock_order)
        ]
        if not rows:
            return
        dialect = self.session.get_bind().dialect.name
        insert_into = postgresql_insert if dialect == "postgresql" else sqlite_insert
        self.session.execute(insert_into(LedgerAccount).values(rows).on_conflict_do_nothing())

    def credit_many(self, amounts: Mapping[str, int]) -> dict[str, int]:
        """Add each positive amount to its account in one statement; the new balances by account id."""
        if not amounts:
            return {}
        delta = case(amounts, value=LedgerAccount.id, else_=0)
        rows = self.session.execute(
            update(LedgerAccount)
            .where(LedgerAccount.id.in_(sorted(amounts)))
            .values(balance_minor=LedgerAccount.balance_minor + delta)
            .returning(LedgerAccount.id, LedgerAccount.balance_minor)
            .execution_options(synchronize_session=False)
        ).all()
        return {row.id: int(row.balance_minor) for row in rows}

    def add_transfers(self, rows: Sequence[Mapping[str, object]]) -> None:
        """Many transfer rows in one multi-row INSERT."""
        if rows:
            self.session.execute(insert(LedgerTransfer), list(rows))

    def move(self, values: Mapping[str, Any]) -> tuple[int, int, int] | None:
        """PostgreSQL: debit, credit and the transfer row in one statement (one round trip), so a transfer
        holds the row lock it takes here — on the hottest of its accounts, which the caller locks last —
        for one round trip less than three. ``values`` are the transfer row's columns but the balances.
        The debit is conditional (``may_go_negative OR balance_minor >= amount``), the credit happens only
        if the debit did, and the row is written only if both did: None means the debit could not pay and
        nothing changed. Otherwise (transfer id, debit balance after, credit balance after)."""
        amount = int(values["amount_minor"])
        debited = (
            update(LedgerAccount)
            .where(
                LedgerAccount.id == values["debit_account_id"],
                or_(LedgerAccount.may_go_negative.is_(True), LedgerAccount.balance_minor >= amount),
            )
            .values(balance_minor=LedgerAccount.balance_minor - amount)
            .returning(LedgerAccount.balance_minor)
            .cte("debited")
        )
        credited = (
            update(LedgerAccount)
            .where(LedgerAccount.id == values["credit_account_id"], exists().select_from(debited))
            .values(balance_minor=LedgerAccount.balance_minor + amount)
            .returning(LedgerAccount.balance_minor)
            .cte("credited")
        )
        columns = [name for name in values if name not in ("debit_balance_after", "credit_balance_after")]
        row = select(
            *(literal(values[name], getattr(LedgerTransfer, name).type) for name in columns),
            debited.c.balance_minor,
            credited.c.balance_minor,
        ).select_from(debited.join(credited, true()))  # one row each, or none
        statement = (
            insert(LedgerTransfer)
            .from_select([*columns, "debit_balance_after", "credit_balance_after"], row)
            .returning(
                LedgerTransfer.id, LedgerTransfer.debit_balance_after, LedgerTransfer.credit_balance_after
            )
            .add_cte(debited)
            .add_cte(credited)
        )
        written = self.session.execute(statement).one_or_none()
        if written is None:
            return None
        return int(written[0]), int(written[1]), int(written[2])

    def add_to_balance(self, account_id: str, delta: int) -> int | None:
        """Apply ``delta`` and return the new balance; None when the account may not go negative and a
        debit would take it below zero (the conditional update is the last word, whatever was read)."""
        statement = update(LedgerAccount).where(LedgerAccount.id == account_id)
        if delta < 0:
            statement = statement.where(
                or_(LedgerAccount.may_go_negative.is_(True), LedgerAccount.balance_minor >= -delta)
            )
        new_balance = self.session.execute(
            statement.values(balance_minor=LedgerAccount.balance_minor + delta)
            .returning(LedgerAccount.balance_minor)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        return None if new_balance is None else int(new_balance)

    def add_transfer(self, transfer: LedgerTransfer) -> None:
        self.session.add(transfer)
        self.session.flush()

    def balance(self, account_id: str) -> int | None:
        value = self.session.scalar(select(LedgerAccount.balance_minor).where(LedgerAccount.id == account_id))
        return None if value is None else int(value)

    def balances(self, account_ids: Iterable[str]) -> dict[str, int]:
        rows = self.session.execute(
            select(LedgerAccount.id, LedgerAccount.balance_minor).where(
                LedgerAccount.id.in_(list(account_ids))
            )
        ).all()
        return {row.id: int(row.balance_minor) for row in rows}

    def by_transaction_id(self, transaction_id: str) -> LedgerTransfer | None:
        return self.session.scalars(
            select(LedgerTransfer).where(LedgerTransfer.transaction_id == transaction_id)
        ).one_or_none()

    # --- verification -------------------------------------------------------------------------------

    def all_accounts(self) -> Sequence[LedgerAccount]:
        # populate_existing: balances change through Core UPDATEs, so loaded objects may be stale.
        return self.session.scalars(
            select(LedgerAccount).order_by(LedgerAccount.id).execution_options(populate_existing=True)
        ).all()

    def debit_totals(self) -> dict[str, int]:
        rows = self.session.execute(
            select(LedgerTransfer.debit_account_id, func.sum(LedgerTransfer.amount_minor)).group_by(
                LedgerTransfer.debit_account_id
            )
        ).all()
        return {account_id: int(total) for account_id, total in rows}

    def credit_totals(self) -> dict[str, int]:
        rows = self.session.execute(
            select(LedgerTransfer.credit_account_id, func.sum(LedgerTransfer.amount_minor)).group_by(
                LedgerTransfer.credit_account_id
            )
        ).all()
        return {account_id: int(total) for account_id, total in rows}

    def transfer_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(LedgerTransfer)) or 0)

    def transfers_with_foreign_asset(self) -> int:
        """Transfers whose asset differs from either account's asset (never, unless rows were edited)."""
        debit = select(LedgerAccount.asset).where(LedgerAccount.id == LedgerTransfer.debit_account_id)
        credit = select(LedgerAccount.asset).where(LedgerAccount.id == LedgerTransfer.credit_account_id)
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(LedgerTransfer)
                .where(
                    or_(
                        LedgerTransfer.asset != debit.scalar_subquery(),
                        LedgerTransfer.asset != credit.scalar_subquery(),
                    )
                )
            )
            or 0
        )
