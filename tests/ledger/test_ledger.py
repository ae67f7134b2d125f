"""The ledger service, its constraints and ``verify`` against the real database engines."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from partnerhub.db.session import session_scope
from partnerhub.ledger.accounts import (
    PLATFORM_CASH,
    PLATFORM_VOUCHER,
    AccountKey,
    Asset,
    OwnerKind,
    Purpose,
    TransferKind,
    customer_funded,
    new_transaction_id,
    partner_cash,
)
from partnerhub.ledger.models import LedgerAccount, LedgerTransfer
from partnerhub.ledger.service import InsufficientFunds, balance_of, balances_of, transfer
from partnerhub.ledger.verify import verify_ledger
from tests.support import Env


def move(
    env: Env, debit: AccountKey, credit: AccountKey, amount: int, kind: TransferKind = TransferKind.TOPUP
) -> str:
    now = env.ctx.clock.now()
    with session_scope(env.ctx.sessions) as session:
        row = transfer(
            session,
            debit=debit,
            credit=credit,
            amount_minor=amount,
            kind=kind,
            transaction_id=new_transaction_id("TS", now),
            at=now,
            operator="test",
        )
        return row.transaction_id


def test_transfer_moves_both_balances_and_records_them(env: Env) -> None:
    partner, customer = partner_cash("p" * 32), customer_funded("c" * 32)
    move(env, PLATFORM_CASH, partner, 10_000)
    transaction_id = move(env, partner, customer, 2_550, TransferKind.FUND_CUSTOMER)
    with session_scope(env.ctx.sessions) as session:
        assert balances_of(session, [PLATFORM_CASH, partner, customer]) == {
            PLATFORM_CASH: -10_000,
            partner: 7_450,
            customer: 2_550,
        }
        row = session.scalars(
            select(LedgerTransfer).where(LedgerTransfer.transaction_id == transaction_id)
        ).one()
        assert (row.debit_account_id, row.credit_account_id, row.amount_minor, row.asset) == (
            partner.id,
            customer.id,
            2_550,
            "CNY",
        )
        assert (row.debit_balance_after, row.credit_balance_after, row.kind) == (
            7_450,
            2_550,
            "fund_customer",
        )
        accounts = {a.id: a for a in session.scalars(select(LedgerAccount))}
        assert accounts[PLATFORM_CASH.id].may_go_negative and not accounts[partner.id].may_go_negative
        assert verify_ledger(session).ok


def test_insufficient_funds_change_nothing(env: Env) -> None:
    partner, customer = partner_cash("p" * 32), customer_funded("c" * 32)
    move(env, PLATFORM_CASH, partner, 100)
    with pytest.raises(InsufficientFunds) as raised:
        move(env, partner, customer, 101)
    assert (raised.value.available_minor, raised.value.wanted_minor) == (100, 101)
    with pytest.raises(InsufficientFunds):
        move(env, customer_funded("never"), partner, 1)
    with session_scope(env.ctx.sessions) as session:
        assert balance_of(session, partner) == 100
        assert balance_of(session, customer) is None  # nothing was opened for a failed transfer
        assert balance_of(session, customer_funded("never")) is None


@pytest.mark.parametrize("amount", [0, -5, True])
def test_only_positive_integer_amounts(env: Env, amount: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        move(env, PLATFORM_CASH, partner_cash("p" * 32), amount)


def test_assets_never_mix_and_accounts_differ(env: Env) -> None:
    quota = AccountKey(OwnerKind.QUOTA, "q1", Purpose.VOUCHER, Asset.CNY_VOUCHER)
    with pytest.raises(ValueError, match="CNY"):
        move(env, PLATFORM_CASH, quota, 1)
    with pytest.raises(ValueError, match="two different"):
        move(env, PLATFORM_CASH, PLATFORM_CASH, 1)
    move(env, PLATFORM_VOUCHER, quota, 500)
    with session_scope(env.ctx.sessions) as session:
        report = verify_ledger(session)
    assert report.ok and report.asset_sums == {"CNY-VOUCHER": 0}


def test_database_refuses_a_negative_balance_and_a_non_positive_transfer(env: Env) -> None:
    partner = partner_cash("p" * 32)
    move(env, PLATFORM_CASH, partner, 100)
    with pytest.raises(IntegrityError), session_scope(env.ctx.sessions) as session:
        session.execute(update(LedgerAccount).where(LedgerAccount.id == partner.id).values(balance_minor=-1))
    now = env.ctx.clock.now()
    with pytest.raises(IntegrityError), session_scope(env.ctx.sessions) as session:
        session.add(
            LedgerTransfer(
                transaction_id="bad",
                kind="topup",
                asset="CNY",
                debit_account_id=PLATFORM_CASH.id,
                credit_account_id=partner.id,
                amount_minor=0,
                debit_balance_after=0,
                credit_balance_after=0,
                operator="test",
                created_at=now,
            )
        )
    with session_scope(env.ctx.sessions) as session:
        assert verify_ledger(session).ok


def test_verify_reports_a_tampered_balance(env: Env) -> None:
    partner = partner_cash("p" * 32)
    move(env, PLATFORM_CASH, partner, 100)
    with session_scope(env.ctx.sessions) as session:
        session.execute(update(LedgerAccount).where(LedgerAccount.id == partner.id).values(balance_minor=150))
    with session_scope(env.ctx.sessions) as session:
        report = verify_ledger(session)
    assert not report.ok
    problems = {problem["problem"] for problem in report.problems}
    assert problems == {"cached balance differs from its transfers", "balances do not sum to zero"}
    assert report.asset_sums == {"CNY": 50}


def test_account_ids_are_derived_and_stable() -> None:
    assert partner_cash("abc").id == partner_cash("abc").id
    assert partner_cash("abc").id != customer_funded("abc").id
    assert len({PLATFORM_CASH.id, PLATFORM_VOUCHER.id}) == 2
    ids = {new_transaction_id("AD", datetime(2026, 1, 1)) for _ in range(1000)}
    assert len(ids) == 1000 and all(i.startswith("AD260101000000") and len(i) == 26 for i in ids)
