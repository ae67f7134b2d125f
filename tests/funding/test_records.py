"""Adjust records, balances, account changes and customer balances (A.9–A.12) after a funding scenario."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from huaweicloudsdkbss.v2 import (
    CustomerInfoV2,
    ListCustomersBalancesDetailRequest,
    ListPartnerAccountChangeRecordsRequest,
    ListPartnerAdjustRecordsRequest,
    ListPartnerBalancesRequest,
    QueryCustomersBalancesReq,
)
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from sqlalchemy import or_, select

from partnerhub.db.session import session_scope
from partnerhub.funding.repository import FundingRecordsRepository, TransferFilter
from partnerhub.ledger.accounts import partner_cash
from partnerhub.ledger.models import LedgerTransfer
from tests.funding.helpers import fund_request, reclaim_request, reseller_fund_request, top_up
from tests.support import Env, PartnerHandle, bss_client, make_customer, make_partner

START = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
"""23:30 on 1 March in UTC+8; the reclaim happens after midnight UTC+8, on 2 March."""


@dataclass
class Scenario:
    partner: PartnerHandle
    client: Any
    first: str
    second: str
    referral: str
    fundings: list[str]
    reclaim: str


def scenario(env: Env) -> Scenario:
    """Top up 100; fund first 30, second 20; reclaim 5 from first (55 left with the partner)."""
    env.clock.set(START)
    partner = make_partner(env, "solution_provider")
    first = make_customer(env, partner, name="first-customer")
    second = make_customer(env, partner, name="second-customer")
    referral = make_customer(env, partner, association_type=1)
    top_up(env, partner, "100")
    client = bss_client(env, partner)
    fundings = []
    for customer, amount in ((first, 30), (second, 20)):
        env.clock.advance(60)
        fundings.append(client.update_customer_account_amount(fund_request(customer, amount)).transfer_id)
    env.clock.advance(timedelta(minutes=28))
    reclaim = client.reclaim_to_partner_account(reclaim_request(first, 5)).trans_id
    return Scenario(partner, client, first, second, referral, fundings, reclaim)


def adjust_records(client: Any, **filters: Any) -> Any:
    return client.list_partner_adjust_records(ListPartnerAdjustRecordsRequest(**filters))


def test_adjust_records_newest_first_with_filters(env: Env) -> None:
    s = scenario(env)
    listed = adjust_records(s.client)
    assert listed.total_count == 3
    assert [r.trans_id for r in listed.records] == [s.reclaim, s.fundings[1], s.fundings[0]]
    newest = listed.records[0]
    assert (newest.customer_id, newest.customer_name, newest.operation_type, newest.amount) == (
        s.first,
        "first-customer",
        "SOURCE_OPERATION_BERETRIEVE",
        "5.00",
    )
    assert (newest.currency, newest.measure_id, newest.operation_time) == ("CNY", 1, "2026-03-01T16:00:00Z")
    assert listed.records[2].operation_type == "SOURCE_OPERATION_BEADJUST"
    assert listed.records[2].amount == "30.00"

    assert adjust_records(s.client, customer_id=s.first).total_count == 2
    assert adjust_records(s.client, operation_type="SOURCE_OPERATION_BEADJUST").total_count == 2
    assert adjust_records(s.client, operation_type="SOURCE_OPERATION_BEUNBIND").total_count == 0
    assert [r.trans_id for r in adjust_records(s.client, trans_id=s.fundings[1]).records] == [s.fundings[1]]
    window = adjust_records(
        s.client, operation_time_begin="2026-03-01T15:32:00Z", operation_time_end="2026-03-01T15:59:59Z"
    )
    assert [r.trans_id for r in window.records] == [s.fundings[1]]
    page = adjust_records(s.client, offset=1, limit=1)
    assert (page.total_count, [r.trans_id for r in page.records]) == (3, [s.fundings[1]])
    assert adjust_records(s.client, customer_id="", operation_type="").total_count == 3


def test_adjust_records_of_someone_elses_customer_are_empty(env: Env) -> None:
    s = scenario(env)
    other = make_partner(env, "solution_provider")
    listed = adjust_records(bss_client(env, other), customer_id=s.first)
    assert (listed.total_count, listed.records) == (0, [])


@pytest.mark.parametrize(
    "filters",
    [
        {"operation_type": "SOURCE_OPERATION_OTHER"},
        {"limit": 101},
        {"limit": 0},
        {"offset": -1},
        {"operation_time_begin": "2026-03-01 15:00:00"},
    ],
)
def test_adjust_records_bad_filters(env: Env, filters: dict[str, Any]) -> None:
    partner = make_partner(env, "solution_provider")
    with pytest.raises(ClientRequestException) as raised:
        adjust_records(bss_client(env, partner), **filters)
    assert (raised.value.status_code, raised.value.error_code) == (400, "CBC.0100")


def test_partner_balance(env: Env) -> None:
    s = scenario(env)
    balances = s.client.list_partner_balances(ListPartnerBalancesRequest()).account_balances
    assert len(balances) == 1
    cash = balances[0]
    assert (cash.account_type, Decimal(str(cash.amount)), cash.currency, cash.measure_id) == (
        1,
        Decimal("55"),
        "CNY",
        1,
    )
    assert Decimal(str(cash.designated_amount)) == 0 and Decimal(str(cash.credit_amount)) == 0
    assert cash.account_id

    fresh = make_partner(env, "solution_provider")
    empty = bss_client(env, fresh).list_partner_balances(ListPartnerBalancesRequest()).account_balances
    assert Decimal(str(empty[0].amount)) == 0


def changes(client: Any, balance_type: str | None = "BALANCE_TYPE_DEBIT", **filters: Any) -> Any:
    request = ListPartnerAccountChangeRecordsRequest(balance_type=balance_type, **filters)
    return client.list_partner_account_change_records(request)


def test_account_change_records(env: Env) -> None:
    s = scenario(env)
    listed = changes(s.client)
    assert (listed.total_count, listed.currency) == (4, "CNY")
    rows = [
        (r.trade_id, r.type, r.change_amount, r.balance_after_change, r.customer_id, r.account_name)
        for r in listed.records
    ]
    assert rows[:3] == [
        (s.reclaim, "1", "5.00", "55.00", s.first, "first-customer"),
        (s.fundings[1], "2", "20.00", "50.00", s.second, "second-customer"),
        (s.fundings[0], "2", "30.00", "70.00", s.first, "first-customer"),
    ]
    recharge = listed.records[3]
    assert (recharge.type, recharge.change_amount, recharge.balance_after_change) == ("1", "100.00", "100.00")
    assert recharge.trade_detail_type == "SOURCE_OPERAIION_RECHARGE" and recharge.customer_id is None
    assert listed.records[0].trade_detail_type == "SOURCE_OPERATION_BERETRIEVE"
    assert listed.records[0].trade_time == "2026-03-01T16:00:00Z"

    assert changes(s.client, trade_type="RECHARGE").total_count == 1
    assert changes(s.client, trade_type="BEADJUST").total_count == 2
    assert changes(s.client, trade_type="DEDEUCT").total_count == 0
    assert changes(s.client, "BALANCE_TYPE_CREDIT").total_count == 0
    # UTC+8 dates: the reclaim (16:00 UTC) is already on 2 March; everything else on 1 March.
    second_day = changes(s.client, trade_time_begin="2026-03-02", trade_time_end="2026-03-02")
    assert [r.trade_id for r in second_day.records] == [s.reclaim]
    assert changes(s.client, trade_time_begin="2026-03-01", trade_time_end="2026-03-01").total_count == 3
    assert changes(s.client, limit=2, offset=2).records[0].trade_id == s.fundings[0]


def test_account_change_default_window_is_the_last_year(env: Env) -> None:
    s = scenario(env)
    env.clock.set(START + timedelta(days=365))  # 2027-03-01 23:30 UTC+8: from 2026-03-01
    assert changes(s.client).total_count == 4
    env.clock.set(START + timedelta(days=366))  # from 2026-03-02: only the reclaim
    assert [r.trade_id for r in changes(s.client).records] == [s.reclaim]
    env.clock.set(START + timedelta(days=367))
    assert changes(s.client).total_count == 0


@pytest.mark.parametrize(
    "arguments",
    [
        {"balance_type": None},
        {"balance_type": "CASH"},
        {"trade_type": "GIFT"},
        {"trade_time_begin": "2026/03/01"},
        {"trade_time_begin": "2026-03-05", "trade_time_end": "2026-03-01"},
    ],
)
def test_account_change_bad_filters(env: Env, arguments: dict[str, Any]) -> None:
    partner = make_partner(env, "solution_provider")
    with pytest.raises(ClientRequestException) as raised:
        changes(bss_client(env, partner), **{"balance_type": "BALANCE_TYPE_DEBIT", **arguments})
    assert (raised.value.status_code, raised.value.error_code) == (400, "CBC.0100")


def test_customer_balances_only_own_resale_customers(env: Env) -> None:
    s = scenario(env)
    never_funded = make_customer(env, s.partner)
    foreign = make_customer(env, make_partner(env, "solution_provider"))
    wanted = [s.first, s.second, s.referral, foreign, "0" * 32, never_funded, s.first]
    request = ListCustomersBalancesDetailRequest(
        body=QueryCustomersBalancesReq(customer_infos=[CustomerInfoV2(customer_id=c) for c in wanted])
    )
    balances = s.client.list_customers_balances_detail(request).customer_balances
    assert [(b.customer_id, Decimal(str(b.amount))) for b in balances] == [
        (s.first, Decimal("25")),
        (s.second, Decimal("20")),
        (never_funded, Decimal("0")),
    ]
    assert {(b.currency, b.measure_id, Decimal(str(b.debt_amount))) for b in balances} == {
        ("CNY", 1, Decimal(0))
    }


def test_distributor_sees_reseller_fundings_and_reseller_books(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    reseller_customer = make_customer(env, reseller, name="reseller-customer")
    top_up(env, distributor, "100")
    client = bss_client(env, distributor)
    to_reseller = client.update_indirect_partner_account(reseller_fund_request(reseller.id, 40)).transfer_id
    to_customer = client.update_customer_account_amount(
        fund_request(reseller_customer, 15, indirect_partner_id=reseller.id)
    ).transfer_id

    own = adjust_records(client)
    assert [(r.trans_id, r.customer_id) for r in own.records] == [(to_reseller, reseller.id)]
    assert own.records[0].customer_name == reseller.login
    resellers = adjust_records(client, indirect_partner_id=reseller.id)
    assert [(r.trans_id, r.customer_id) for r in resellers.records] == [(to_customer, reseller_customer)]
    assert (
        adjust_records(bss_client(env, reseller)).total_count == 1
    )  # being funded is not an adjust of its own

    balance = client.list_partner_balances(ListPartnerBalancesRequest(indirect_partner_id=reseller.id))
    assert Decimal(str(balance.account_balances[0].amount)) == Decimal("25")
    received = changes(bss_client(env, reseller), trade_type="BEADJUST")
    assert [(r.trade_id, r.type) for r in received.records] == [(to_customer, "2"), (to_reseller, "1")]
    assert changes(client, indirect_partner_id=reseller.id).total_count == 2

    provider = make_partner(env, "solution_provider")
    with pytest.raises(ClientRequestException) as raised:
        bss_client(env, provider).list_partner_balances(
            ListPartnerBalancesRequest(indirect_partner_id=reseller.id)
        )
    assert raised.value.error_code == "CBC.99000037"


def test_account_change_pages_merge_both_sides_in_order(env: Env) -> None:
    """Every page of the account's transfers, debits and credits merged newest first (ties at the same
    moment by insertion order), equals the same slice of a naive sort of all of them."""
    env.clock.set(START)
    partner = make_partner(env, "solution_provider")
    customers = [make_customer(env, partner) for _ in range(3)]
    top_up(env, partner, "100")
    client = bss_client(env, partner)
    for round_ in range(4):
        for customer in customers:
            client.update_customer_account_amount(fund_request(customer, 2))
            if round_ % 2:
                client.reclaim_to_partner_account(reclaim_request(customer, 1))
        if round_ != 1:  # two rounds share one moment: the order falls back to insertion order
            env.clock.advance(60)
    account = partner_cash(partner.id).id
    with session_scope(env.ctx.sessions) as session:
        naive = list(
            session.scalars(
                select(LedgerTransfer.transaction_id)
                .where(
                    or_(
                        LedgerTransfer.debit_account_id == account,
                        LedgerTransfer.credit_account_id == account,
                    )
                )
                .order_by(LedgerTransfer.created_at.desc(), LedgerTransfer.id.desc())
            )
        )
        records = FundingRecordsRepository(session)
        window = TransferFilter(begin=START - timedelta(days=1), end=START + timedelta(days=1))
        for offset in range(0, len(naive) + 2):
            total, views = records.account_changes(account, window, offset=offset, limit=4)
            assert total == len(naive) == 19
            assert [view.transaction_id for view in views] == naive[offset : offset + 4]
