"""Funding and reclaiming customers (A.7, A.8) through the official SDK against the live server."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from sqlalchemy import update

from partnerhub.customers.models import Customer
from partnerhub.db.session import session_scope
from tests.funding.helpers import (
    ADJUST_PATH,
    customer_balance,
    fund_request,
    ledger_report,
    partner_balance,
    reclaim_request,
    top_up,
    transfer_count,
)
from tests.support import Env, bss_client, make_customer, make_partner, signed_call


def refused(call: Any, *args: Any) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as raised:
        call(*args)
    return raised.value


def test_fund_then_reclaim_moves_money_both_ways(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "100.00")
    client = bss_client(env, partner)

    funded = client.update_customer_account_amount(fund_request(customer, Decimal("30.50")))
    assert funded.status_code == 200
    assert re.fullmatch(r"AD\d{12}[0-9a-f]{12}", funded.transfer_id)
    assert partner_balance(env, partner) == Decimal("69.50")
    assert customer_balance(env, customer) == Decimal("30.50")

    reclaimed = client.reclaim_to_partner_account(reclaim_request(customer, Decimal("10")))
    assert reclaimed.status_code == 200
    assert re.fullmatch(r"RE\d{12}[0-9a-f]{12}", reclaimed.trans_id)
    assert reclaimed.trans_id != funded.transfer_id
    assert partner_balance(env, partner) == Decimal("79.50")
    assert customer_balance(env, customer) == Decimal("20.50")
    assert ledger_report(env).ok


def test_amount_as_numeric_string_is_accepted(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "5")
    response = signed_call(env, partner, "POST", ADJUST_PATH, {"customer_id": customer, "amount": "1.25"})
    assert response.status_code == 200, response.text
    assert customer_balance(env, customer) == Decimal("1.25")


def test_insufficient_partner_balance(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "10.00")
    error = refused(
        bss_client(env, partner).update_customer_account_amount, fund_request(customer, Decimal("10.01"))
    )
    assert (error.status_code, error.error_code) == (400, "CBC.99005003")
    assert partner_balance(env, partner) == Decimal("10.00")
    assert customer_balance(env, customer) is None


def test_partner_without_any_account_is_insufficient(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    error = refused(bss_client(env, partner).update_customer_account_amount, fund_request(customer, 1))
    assert error.error_code == "CBC.99005003"


def test_referral_customer_cannot_be_funded_or_reclaimed(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner, association_type=1)
    top_up(env, partner, "10")
    client = bss_client(env, partner)
    for call, request in (
        (client.update_customer_account_amount, fund_request(customer, 1)),
        (client.reclaim_to_partner_account, reclaim_request(customer, 1)),
    ):
        error = refused(call, request)
        assert (error.status_code, error.error_code) == (400, "CBC.5021")
    assert transfer_count(env) == 1  # only the top-up


def test_frozen_customer_cannot_be_funded_but_can_be_reclaimed(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "10")
    client = bss_client(env, partner)
    client.update_customer_account_amount(fund_request(customer, 4))
    with session_scope(env.ctx.sessions) as session:
        session.execute(update(Customer).where(Customer.id == customer).values(freeze_type="ACCOUNT"))

    error = refused(client.update_customer_account_amount, fund_request(customer, 1))
    assert (error.status_code, error.error_code) == (400, "CBC.8214")
    assert client.reclaim_to_partner_account(reclaim_request(customer, 4)).status_code == 200
    assert customer_balance(env, customer) == Decimal("0.00")


def test_another_partners_customer_looks_missing(env: Env) -> None:
    partner, other = make_partner(env, "solution_provider"), make_partner(env, "solution_provider")
    foreign = make_customer(env, other)
    top_up(env, partner, "10")
    top_up(env, other, "10")
    bss_client(env, other).update_customer_account_amount(fund_request(foreign, 5))
    client = bss_client(env, partner)
    for customer_id in (foreign, "0" * 32):
        for call, request in (
            (client.update_customer_account_amount, fund_request(customer_id, 1)),
            (client.reclaim_to_partner_account, reclaim_request(customer_id, 1)),
        ):
            error = refused(call, request)
            assert (error.status_code, error.error_code) == (400, "CBC.99000035")
    assert customer_balance(env, foreign) == Decimal("5.00")


def test_reclaim_more_than_the_customer_holds(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "10")
    client = bss_client(env, partner)
    client.update_customer_account_amount(fund_request(customer, Decimal("3.00")))
    error = refused(client.reclaim_to_partner_account, reclaim_request(customer, Decimal("3.01")))
    assert (error.status_code, error.error_code) == (400, "CBC.99005003")
    assert customer_balance(env, customer) == Decimal("3.00")


def test_reclaim_from_a_customer_never_funded(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    error = refused(bss_client(env, partner).reclaim_to_partner_account, reclaim_request(customer, 1))
    assert (error.status_code, error.error_code) == (400, "CBC.99000047")


@pytest.mark.parametrize(
    ("amount", "why"),
    [
        # The SDK sends no X-Language: the details come in the default zh-cn, like the rest of the message.
        (0, "必须大于 0"),
        (Decimal("-1.00"), "必须大于 0"),
        (Decimal("1.005"), "最多 2 位小数"),
        ("abc", "数字"),
        (Decimal("100000000.01"), "不能超过 100000000"),
        (True, "数字"),
        (None, "amount"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(env: Env, amount: Any, why: str) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "10")
    client = bss_client(env, partner)
    for call, request in (
        (client.update_customer_account_amount, fund_request(customer, amount)),
        (client.reclaim_to_partner_account, reclaim_request(customer, amount)),
    ):
        error = refused(call, request)
        assert (error.status_code, error.error_code) == (400, "CBC.0100")
        assert "amount" in error.error_msg and why in error.error_msg
    assert transfer_count(env) == 1


def test_error_message_follows_the_language_header(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    english = signed_call(
        env,
        partner,
        "POST",
        ADJUST_PATH,
        {"customer_id": customer, "amount": 1},
        extra_headers={"X-Language": "en-us"},
    )
    assert english.status_code == 400
    assert english.json() == {"error_code": "CBC.99005003", "error_msg": "Insufficient balance: amount"}


def test_distributor_funds_and_reclaims_its_resellers_customer_with_reseller_money(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    customer = make_customer(env, reseller)
    top_up(env, distributor, "100")
    top_up(env, reseller, "20")
    client = bss_client(env, distributor)

    client.update_customer_account_amount(fund_request(customer, 15, indirect_partner_id=reseller.id))
    assert partner_balance(env, reseller) == Decimal("5.00")
    assert partner_balance(env, distributor) == Decimal("100.00")
    error = refused(
        client.update_customer_account_amount, fund_request(customer, 6, indirect_partner_id=reseller.id)
    )
    assert error.error_code == "CBC.99005003"  # the reseller's balance, not the distributor's

    client.reclaim_to_partner_account(reclaim_request(customer, 15, indirect_partner_id=reseller.id))
    assert partner_balance(env, reseller) == Decimal("20.00")
    # Without indirect_partner_id the customer is not the distributor's own.
    error = refused(client.update_customer_account_amount, fund_request(customer, 1))
    assert error.error_code == "CBC.99000035"


def test_indirect_partner_id_must_be_the_callers_own_reseller(env: Env) -> None:
    distributor, other = make_partner(env, "distributor"), make_partner(env, "distributor")
    foreign_reseller = make_partner(env, "reseller", parent=other)
    customer = make_customer(env, foreign_reseller)
    provider = make_partner(env, "solution_provider")
    for caller in (distributor, provider):
        error = refused(
            bss_client(env, caller).update_customer_account_amount,
            fund_request(customer, 1, indirect_partner_id=foreign_reseller.id),
        )
        assert (error.status_code, error.error_code) == (400, "CBC.99000037")
