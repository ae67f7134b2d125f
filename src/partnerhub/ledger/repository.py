"""Queries on ledger accounts and transfers. Writes go only through ``ledger.service``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from partnerhub.ledger.accounts import AccountKey
from partnerhub.ledger.models import LedgerAccount, LedgerTransfer


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
        """Row-lock the existing accounts among ``account_ids`` in id order (no-op locking on SQLite, whose
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
            .order_by(LedgerAccount.id)
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

    def create_if_missing(self, key: AccountKey, now: datetime) -> None:
        """Insert the account with balance 0 unless it exists; concurrent creators do not collide."""
        values = {
            "id": key.id,
            "owner_kind": key.owner_kind.value,
            "owner_id": key.owner_id,
            "purpose": key.purpose.value,
            "asset": key.asset.value,
            "balance_minor": 0,
            "may_go_negative": key.may_go_negative,
            "created_at": now,
        }
        dialect = self.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        self.session.execute(insert(LedgerAccount).values(**values).on_conflict_do_nothing())

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
