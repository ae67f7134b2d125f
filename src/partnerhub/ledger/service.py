"""The only code that moves money: ``transfer()`` debits one account and credits another, atomically.

How a transfer stays correct under concurrency:
1. missing accounts are opened first, then both accounts are row-locked in id order
   (``SELECT … ORDER BY id FOR UPDATE``), so concurrent transfers over shared accounts queue instead of
   deadlocking (opening after locking could take a lock out of order); on SQLite ``BEGIN IMMEDIATE``
   already serializes writers;
2. the debit's balance is checked under that lock, and the debit itself is a conditional
   ``UPDATE … WHERE may_go_negative OR balance_minor >= :amount`` — the CHECK constraint
   ``may_go_negative OR balance_minor >= 0`` is the last line of defence;
3. both balance updates and the transfer row are written in the caller's transaction: the caller's commit
   makes all of it visible at once, and a rollback leaves nothing behind.
The service never commits. A transfer that raises leaves no partial effect in the session.

A transaction that makes several transfers must call ``lock_accounts`` with every account it will touch
*before* the first transfer, so all its locks are taken in one id-ordered step (batch funding does).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from partnerhub.ledger.accounts import AccountKey, TransferKind, new_transaction_id
from partnerhub.ledger.models import LedgerTransfer
from partnerhub.ledger.repository import LedgerRepository
from partnerhub.logs import request_id_var


class InsufficientFunds(Exception):
    """The debit account (one that may not go negative) holds less than the amount."""

    def __init__(self, account: AccountKey, available_minor: int, wanted_minor: int) -> None:
        super().__init__(f"{account} holds {available_minor}, {wanted_minor} wanted")
        self.account = account
        self.available_minor = available_minor
        self.wanted_minor = wanted_minor


def transfer(
    session: Session,
    *,
    debit: AccountKey,
    credit: AccountKey,
    amount_minor: int,
    kind: TransferKind,
    transaction_id: str,
    at: datetime,
    operator: str,
    reference: str | None = None,
    idempotency_key: str | None = None,
    memo: str | None = None,
) -> LedgerTransfer:
    """Move ``amount_minor`` of the accounts' asset from ``debit`` to ``credit``; raise InsufficientFunds
    (and change nothing) when ``debit`` may not go negative and holds less. Missing accounts are opened with
    balance 0, except a debit account that may not go negative: it cannot pay, so nothing is created."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise ValueError("a transfer moves a positive integer amount of minor units")
    if debit == credit:
        raise ValueError("a transfer needs two different accounts")
    if debit.asset is not credit.asset:
        raise ValueError(f"cannot transfer between {debit.asset} and {credit.asset}")
    ledger = LedgerRepository(session)
    present = ledger.existing_ids([debit.id, credit.id])
    if debit.id not in present and not debit.may_go_negative:
        raise InsufficientFunds(debit, 0, amount_minor)
    for key in (debit, credit):
        if key.id not in present:
            ledger.create_if_missing(key, at)
    locked = ledger.lock([debit.id, credit.id])
    source = locked[debit.id]
    if not source.may_go_negative and source.balance_minor < amount_minor:
        raise InsufficientFunds(debit, source.balance_minor, amount_minor)
    debit_after = ledger.add_to_balance(debit.id, -amount_minor)
    if debit_after is None:  # unreachable under the row lock; the conditional update guards regardless
        raise InsufficientFunds(debit, source.balance_minor, amount_minor)
    credit_after = ledger.add_to_balance(credit.id, amount_minor)
    assert credit_after is not None
    row = LedgerTransfer(
        transaction_id=transaction_id,
        kind=kind.value,
        asset=debit.asset.value,
        debit_account_id=debit.id,
        credit_account_id=credit.id,
        amount_minor=amount_minor,
        debit_balance_after=debit_after,
        credit_balance_after=credit_after,
        reference=reference,
        operator=operator,
        request_id=request_id_var.get(),
        idempotency_key=idempotency_key,
        memo=memo,
        created_at=at,
    )
    ledger.add_transfer(row)
    return row


def lock_accounts(session: Session, accounts: Iterable[AccountKey], *, at: datetime) -> None:
    """Open the accounts that are missing (balance 0), then row-lock them all in id order.

    For transactions that make several transfers: call it once, before the first transfer, with every
    account involved; the transfers then wait for nothing, and locks are never taken out of order.
    """
    keys = {key.id: key for key in accounts}
    ledger = LedgerRepository(session)
    present = ledger.existing_ids(keys)
    for account_id, key in sorted(keys.items()):
        if account_id not in present:
            ledger.create_if_missing(key, at)
    ledger.lock(keys)


def balance_of(session: Session, account: AccountKey) -> int | None:
    """The account's balance in minor units; None when the account was never opened."""
    return LedgerRepository(session).balance(account.id)


def balances_of(session: Session, accounts: Iterable[AccountKey]) -> dict[AccountKey, int]:
    """Balances of the accounts that exist; never-opened accounts are absent from the result."""
    keys = list(accounts)
    found = LedgerRepository(session).balances(key.id for key in keys)
    return {key: found[key.id] for key in keys if key.id in found}


def drain(
    session: Session,
    *,
    account: AccountKey,
    into: AccountKey,
    kind: TransferKind,
    prefix: str,
    at: datetime,
    operator: str,
    reference: str | None = None,
) -> int:
    """Move whatever ``account`` holds into ``into``; returns the amount moved (0 moves nothing)."""
    amount = balance_of(session, account) or 0
    if amount > 0:
        transfer(
            session,
            debit=account,
            credit=into,
            amount_minor=amount,
            kind=kind,
            transaction_id=new_transaction_id(prefix, at),
            at=at,
            operator=operator,
            reference=reference,
        )
    return amount
