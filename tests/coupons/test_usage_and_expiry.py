"""Spending vouchers and expiring them through the operator CLI, observed through the official SDK."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from huaweicloudsdkbss.v2 import ListPartnerCouponsRecordRequest

from partnerhub.db.session import session_scope
from partnerhub.ledger.accounts import PLATFORM_VOUCHER
from partnerhub.ledger.service import balance_of
from partnerhub.quotas.models import quota_account
from tests.quotas.helpers import (
    cash_of,
    coupon_of,
    fund_customer,
    grant,
    issue,
    issue_one,
    quota_of,
    reclaim,
    sdk_error,
    utc,
)
from tests.support import Env, bss_client, make_customer, make_partner

Cli = Callable[..., tuple[int, str]]


def charge(cli: Cli, customer: str, amount: str, *extra: str) -> dict[str, object]:
    code, output = cli("usage", "record", "--customer", customer, "--amount", amount, *extra, "--json")
    assert code == 0, output
    result = json.loads(output)
    assert isinstance(result, dict)
    return result


def test_coupons_pay_first_earliest_expiry_first_then_cash(env: Env, cli: Cli) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "1000.00")
    customer = make_customer(env, partner)
    now = env.clock.now().replace(microsecond=0)
    late = issue(env, partner, quota_id, [customer], Decimal("50"), expire_time=utc(now + timedelta(days=20)))
    early = issue(
        env, partner, quota_id, [customer], Decimal("30"), expire_time=utc(now + timedelta(days=10))
    )
    late_id, early_id = late.coupon_infos[0].coupon_id, early.coupon_infos[0].coupon_id
    fund_customer(env, partner, customer, 10_000)

    first = charge(cli, customer, "40.00")
    assert first["coupons"] == [
        {"coupon_id": early_id, "amount": "30.00"},
        {"coupon_id": late_id, "amount": "10.00"},
    ]
    assert first["cash"] == "0.00"
    used_up, partly = coupon_of(env, partner, early_id), coupon_of(env, partner, late_id)
    assert (used_up.status, used_up.balance) == (3, Decimal("0.00"))
    assert (partly.status, partly.balance) == (2, Decimal("40.00"))
    assert used_up.last_used_time is not None

    second = charge(cli, customer, "55.50")
    assert second["coupons"] == [{"coupon_id": late_id, "amount": "40.00"}] and second["cash"] == "15.50"
    assert cash_of(env, customer) == 10_000 - 1550
    assert coupon_of(env, partner, late_id).status == 3
    # Spending never touches the quota.
    assert quota_of(env, partner, quota_id).balance == Decimal("920.00")


def test_service_restricted_coupons_pay_only_matching_charges(env: Env, cli: Cli) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "1000.00")
    customer = make_customer(env, partner)
    ecs = issue(
        env, partner, quota_id, [customer], Decimal("20"), cloud_service_types=["hws.service.type.ec2"]
    )
    ecs_id = ecs.coupon_infos[0].coupon_id
    fund_customer(env, partner, customer, 5_000)

    unmatched = charge(cli, customer, "5.00", "--service-type", "hws.service.type.obs")
    assert unmatched["coupons"] == [] and unmatched["cash"] == "5.00"
    untyped = charge(cli, customer, "5.00")
    assert untyped["coupons"] == []
    matched = charge(cli, customer, "5.00", "--service-type", "hws.service.type.ec2")
    assert matched["coupons"] == [{"coupon_id": ecs_id, "amount": "5.00"}]
    # An unrestricted coupon pays for anything.
    anything = issue_one(env, partner, quota_id, customer, "1.00")
    paid = charge(cli, customer, "1.00", "--service-type", "hws.service.type.obs")
    assert paid["coupons"] == [{"coupon_id": anything, "amount": "1.00"}]


def test_a_charge_that_cannot_be_covered_moves_nothing(env: Env, cli: Cli) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "1000.00")
    customer = make_customer(env, partner)
    coupon_id = issue_one(env, partner, quota_id, customer, "10.00")
    fund_customer(env, partner, customer, 500)

    code, output = cli("usage", "record", "--customer", customer, "--amount", "15.01")

    assert code == 2 and "CBC.5003" in output
    assert coupon_of(env, partner, coupon_id).balance == Decimal("10.00")
    assert cash_of(env, customer) == 500
    assert charge(cli, customer, "15.00")["cash"] == "5.00"
    code, output = cli("usage", "record", "--customer", "0" * 32, "--amount", "1")
    assert code == 2 and "CBC.0100" in output


def test_expiry_sweep_returns_coupon_and_quota_value_to_the_platform(env: Env, cli: Cli) -> None:
    partner = make_partner(env)
    now = env.clock.now().replace(microsecond=0)
    quota_id = grant(env, partner, "300.00", expires=now + timedelta(days=30))
    customer = make_customer(env, partner)
    short = issue(
        env, partner, quota_id, [customer], Decimal("100"), expire_time=utc(now + timedelta(days=5))
    )
    short_id = short.coupon_infos[0].coupon_id
    long_id = issue_one(env, partner, quota_id, customer, "50.00")  # expires with the quota
    charge(cli, customer, "20.00")  # from the short coupon, which expires first

    env.clock.advance(timedelta(days=6))
    # Before the sweep the expired coupon already reads as expired and cannot be reclaimed.
    assert coupon_of(env, partner, short_id).status == 4
    assert sdk_error(lambda: reclaim(env, partner, short_id)).error_code == "CBC.99000048"

    code, output = cli("expire", "--json")
    assert code == 0, output
    swept = json.loads(output)
    assert swept == {
        "quotas": [],
        "coupons": [{"coupon_id": short_id, "returned": "80.00"}],
        "association_requests": 0,
    }
    assert (coupon_of(env, partner, short_id).status, coupon_of(env, partner, short_id).balance) == (
        4,
        Decimal("0.00"),
    )
    records = (
        bss_client(env, partner)
        .list_partner_coupons_record(ListPartnerCouponsRecordRequest(operation_types=["4"]))
        .records
    )
    assert [(r.coupon_id, r.operation_amount) for r in records] == [(short_id, Decimal("80.00"))]

    env.clock.advance(timedelta(days=30))
    assert quota_of(env, partner, quota_id).quota_status == 3  # read as expired before the sweep
    assert quota_of(env, partner, quota_id, quota_status_list=[3]).quota_id == quota_id
    code, output = cli("expire", "--json")
    assert code == 0, output
    assert json.loads(output) == {
        "quotas": [{"quota_id": quota_id, "returned": "150.00"}],
        "coupons": [{"coupon_id": long_id, "returned": "50.00"}],
        "association_requests": 0,
    }
    quota = quota_of(env, partner, quota_id)
    assert (quota.quota_status, quota.balance) == (3, Decimal("0.00"))
    with session_scope(env.ctx.sessions) as session:
        assert balance_of(session, quota_account(quota_id)) == 0
        # All granted value is back at the platform: 20.00 as spent, the rest as expired.
        assert balance_of(session, PLATFORM_VOUCHER) == 0
    code, output = cli("expire", "--json")
    assert json.loads(output) == {"quotas": [], "coupons": [], "association_requests": 0}


def test_quota_grant_command(env: Env, cli: Cli) -> None:
    partner = make_partner(env)
    code, output = cli(
        "quota",
        "grant",
        "--partner",
        partner.id,
        "--amount",
        "5000.00",
        "--min-face",
        "10",
        "--max-face",
        "500",
        "--service-types",
        "hws.service.type.ec2,hws.service.type.ebs",
        "--expires",
        "2099-01-01T00:00:00Z",
        "--json",
    )
    assert code == 0, output
    granted = json.loads(output)
    quota = quota_of(env, partner, granted["quota_id"])
    assert (quota.balance, quota.quota_value, quota.quota_status, quota.expire_time) == (
        Decimal("5000.00"),
        Decimal("5000.00"),
        0,
        "2099-01-01T00:00:00Z",
    )
    limits = {(info.limit_key, value.value1) for info in quota.limit_infos for value in info.limit_values}
    assert limits == {
        ("cloudServiceType", "hws.service.type.ec2"),
        ("cloudServiceType", "hws.service.type.ebs"),
        ("minFaceValue", "10.00"),
        ("maxFaceValue", "500.00"),
    }
    default = json.loads(
        cli("quota", "grant", "--partner", partner.id, "--amount", "1", "--type", "1", "--json")[1]
    )
    assert default["quota_type"] == 1
    assert default["expire_time"] == utc(env.clock.now() + timedelta(days=365))

    for bad in (
        ["--partner", "0" * 32, "--amount", "1"],
        ["--partner", partner.id, "--amount", "0"],
        ["--partner", partner.id, "--amount", "1", "--expires", "2000-01-01T00:00:00Z"],
        ["--partner", partner.id, "--amount", "1", "--effective", "nonsense"],
        ["--partner", partner.id, "--amount", "1", "--min-face", "9", "--max-face", "8"],
    ):
        code, output = cli("quota", "grant", *bad)
        assert code == 2 and "CBC.0100" in output, bad
