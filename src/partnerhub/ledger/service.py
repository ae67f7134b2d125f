"""The only code that moves money: ``transfer()`` debits one account and credits another, atomically.

How a transfer stays correct under concurrency:
1. missing accounts are opened first, then accounts are row-locked in one global lock order — customers',
   quotas' and coupons' accounts first, partners' after them, the platform's last, by id within each
   (``repository.LOCK_RANK``) — so concurrent transfers over shared accounts queue instead of deadlocking
   (opening after locking could take a lock out of order); on SQLite ``BEGIN IMMEDIATE`` already
   serializes writers. On PostgreSQL a transfer locks its first account with ``SELECT … FOR UPDATE`` and
   the last (usually a hot partner account) by the one statement that debits, credits and writes the
   transfer row, so the hot row is held from that statement to commit and no longer;
2. the debit's balance is checked under that lock, and the debit itself is a conditional
   ``UPDATE … WHERE may_go_negative OR balance_minor >= :amount`` — the CHECK constraint
   ``may_go_negative OR balance_minor >= 0`` is the last line of defence;
3. both balance updates and the transfer row are written in the caller's transaction: the caller's commit
   makes all of it visible at once, and a rollback leaves nothing behind.
The service never commits. A transfer that raises leaves no partial effect in the session.

A transaction that makes several transfers must call ``lock_accounts`` with every account it will touch
*before* the first transfer, so all its locks are taken in one id-ordered step (the association effects
do). A fan-out from one account to many (batch funding) is ``transfer_many``: the same rules, leg by leg,
in a constant number of statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.ledger.accounts import AccountKey, TransferKind, new_transaction_id
from partnerhub.ledger.models import LedgerTransfer
from partnerhub.ledger.repository import LedgerRepository, LockedAccount, lock_order
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
    _check_leg(debit, credit, amount_minor)
    ledger = LedgerRepository(session)
    present = ledger.existing_ids([debit.id, credit.id])
    if debit.id not in present and not debit.may_go_negative:
        raise InsufficientFunds(debit, 0, amount_minor)
    ledger.create_missing([key for key in (debit, credit) if key.id not in present], at)
    values: dict[str, Any] = {
        "transaction_id": transaction_id,
        "kind": kind.value,
        "asset": debit.asset.value,
        "debit_account_id": debit.id,
        "credit_account_id": credit.id,
        "amount_minor": amount_minor,
        "reference": reference,
        "operator": operator,
        "request_id": request_id_var.get(),
        "idempotency_key": idempotency_key,
        "memo": memo,
        "created_at": at,
    }
    if session.get_bind().dialect.name == "postgresql":
        return _move_in_one_statement(ledger, debit, credit, values)
    locked = ledger.lock([debit.id, credit.id])
    source = locked[debit.id]
    if not source.may_go_negative and source.balance_minor < amount_minor:
        raise InsufficientFunds(debit, source.balance_minor, amount_minor)
    debit_after = ledger.add_to_balance(debit.id, -amount_minor)
    if debit_after is None:  # unreachable under the write lock; the conditional update guards regardless
        raise InsufficientFunds(debit, source.balance_minor, amount_minor)
    credit_after = ledger.add_to_balance(credit.id, amount_minor)
    assert credit_after is not None
    row = LedgerTransfer(**values, debit_balance_after=debit_after, credit_balance_after=credit_after)
    ledger.add_transfer(row)
    return row


def _move_in_one_statement(
    ledger: LedgerRepository, debit: AccountKey, credit: AccountKey, values: dict[str, Any]
) -> LedgerTransfer:
    """PostgreSQL: lock the first account in lock order, then debit, credit and write the row in one
    statement, which locks the other (the hotter: a partner's or the platform's) until commit. The returned
    row is not in the session (it was written by that statement); read its columns, do not add it."""
    amount_minor = int(values["amount_minor"])
    first = min(debit, credit, key=lock_order)
    locked = ledger.lock([first.id])[first.id]
    if first == debit and not locked.may_go_negative and locked.balance_minor < amount_minor:
        raise InsufficientFunds(debit, locked.balance_minor, amount_minor)
    written = ledger.move(values)
    if written is None:
        raise InsufficientFunds(debit, ledger.balance(debit.id) or 0, amount_minor)
    transfer_id, debit_after, credit_after = written
    return LedgerTransfer(
        id=transfer_id, **values, debit_balance_after=debit_after, credit_balance_after=credit_after
    )


@dataclass(frozen=True)
class Leg:
    """One credit of a fan-out (``transfer_many``)."""

    credit: AccountKey
    amount_minor: int
    transaction_id: str


@dataclass(frozen=True)
class Moved:
    """A leg that moved: its transfer as written."""

    leg: Leg
    debit_balance_after: int
    credit_balance_after: int


def transfer_many(
    session: Session,
    *,
    debit: AccountKey,
    legs: Sequence[Leg],
    kind: TransferKind,
    at: datetime,
    operator: str,
    reference: str | None = None,
    idempotency_key: str | None = None,
) -> list[Moved | InsufficientFunds]:
    """``transfer`` from one debit account to many distinct credit accounts, leg by leg in order, in a
    constant number of statements (batch funding: 100 legs cost what one transfer costs, not 100×).

    Each leg is exactly what ``transfer`` would write, in the same order: a leg the debit cannot pay at that
    point (its balance after the legs before it) is answered with ``InsufficientFunds`` and moves nothing;
    the later legs still try. Missing credit accounts are opened and all are locked in one id-ordered step,
    the debit's balance is read once under that lock for the whole run, the debit is one conditional
    update of the total, the credits one update, the transfer rows one multi-row insert."""
    credits = [leg.credit for leg in legs]
    for leg in legs:
        _check_leg(debit, leg.credit, leg.amount_minor)
    if len({credit.id for credit in credits}) != len(credits):
        raise ValueError("each credit account may appear once in a fan-out")
    if not legs:
        return []
    ledger = LedgerRepository(session)
    present = ledger.existing_ids([debit.id, *(credit.id for credit in credits)])
    debit_missing = debit.id not in present and not debit.may_go_negative  # it cannot pay: not opened
    opening = [key for key in credits if key.id not in present]
    if debit.id not in present and not debit_missing:
        opening.append(debit)
    ledger.create_missing(opening, at)
    locked = ledger.lock([debit.id, *(credit.id for credit in credits)])
    if debit_missing:
        return [InsufficientFunds(debit, 0, leg.amount_minor) for leg in legs]
    running = locked[debit.id].balance_minor
    outcomes: list[tuple[Leg, int] | InsufficientFunds] = []
    for leg in legs:
        if not debit.may_go_negative and running < leg.amount_minor:
            outcomes.append(InsufficientFunds(debit, running, leg.amount_minor))
            continue
        running -= leg.amount_minor
        outcomes.append((leg, running))
    moving = [outcome for outcome in outcomes if isinstance(outcome, tuple)]
    if not moving:
        return [outcome for outcome in outcomes if isinstance(outcome, InsufficientFunds)]
    total = sum(leg.amount_minor for leg, _ in moving)
    debit_after = ledger.add_to_balance(debit.id, -total)
    if debit_after != running:  # unreachable under the lock; the conditional update guards regardless
        raise InsufficientFunds(debit, locked[debit.id].balance_minor, total)
    credited = ledger.credit_many({leg.credit.id: leg.amount_minor for leg, _ in moving})
    request_id = request_id_var.get()
    ledger.add_transfers(
        [
            {
                "transaction_id": leg.transaction_id,
                "kind": kind.value,
                "asset": debit.asset.value,
                "debit_account_id": debit.id,
                "credit_account_id": leg.credit.id,
                "amount_minor": leg.amount_minor,
                "debit_balance_after": balance_after,
                "credit_balance_after": credited[leg.credit.id],
                "reference": reference,
                "operator": operator,
                "request_id": request_id,
                "idempotency_key": idempotency_key,
                "memo": None,
                "created_at": at,
            }
            for leg, balance_after in moving
        ]
    )
    return [
        outcome
        if isinstance(outcome, InsufficientFunds)
        else Moved(outcome[0], outcome[1], credited[outcome[0].credit.id])
        for outcome in outcomes
    ]


def _check_leg(debit: AccountKey, credit: AccountKey, amount_minor: int) -> None:
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise ValueError("a transfer moves a positive integer amount of minor units")
    if debit == credit:
        raise ValueError("a transfer needs two different accounts")
    if debit.asset is not credit.asset:
        raise ValueError(f"cannot transfer between {debit.asset} and {credit.asset}")


def lock_accounts(
    session: Session, accounts: Iterable[AccountKey], *, at: datetime
) -> dict[str, LockedAccount]:
    """Open the accounts that are missing (balance 0), then row-lock them all in id order.

    For transactions that make several transfers: call it once, before the first transfer, with every
    account involved; the transfers then wait for nothing, and locks are never taken out of order.
    """
    keys = {key.id: key for key in accounts}
    ledger = LedgerRepository(session)
    present = ledger.existing_ids(keys)
    ledger.create_missing([key for account_id, key in keys.items() if account_id not in present], at)
    return ledger.lock(keys)


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
