"""Listing issued coupons (SPEC A.15) and their records (SPEC A.16) with every filter."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from huaweicloudsdkbss.v2 import ListPartnerCouponsRecordRequest

from partnerhub.quotas.models import QuotaType
from tests.quotas.helpers import coupons_of, grant, issue, issue_one, reclaim, sdk_error, utc
from tests.support import Env, PartnerHandle, bss_client, make_customer, make_partner, signed_call


def records_of(env: Env, partner: PartnerHandle, **filters: object) -> Any:
    return bss_client(env, partner).list_partner_coupons_record(ListPartnerCouponsRecordRequest(**filters))


def test_issued_coupon_filters(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    start = env.clock.now().replace(microsecond=0)
    voucher_quota = grant(env, partner, "1000.00")
    cash_quota = grant(env, partner, "1000.00", quota_type=QuotaType.CASH_COUPON)
    alice, bob = make_customer(env, partner), make_customer(env, partner)
    first = issue_one(env, partner, voucher_quota, alice, "10.00")
    env.clock.advance(timedelta(hours=1))
    second = issue_one(env, partner, voucher_quota, bob, "20.00")
    cash = issue(env, partner, cash_quota, [bob], Decimal("30"), expire_time=utc(start + timedelta(days=3)))
    cash_id = cash.coupon_infos[0].coupon_id
    reclaim(env, partner, second)
    issue_one(env, other, grant(env, other, "10.00"), make_customer(env, other), "1.00")

    def ids(**filters: object) -> set[str]:
        return {c.coupon_id for c in coupons_of(env, partner, limit=100, **filters).user_coupons}

    assert ids() == {first, second, cash_id}
    assert ids(customer_id=bob) == {second, cash_id}
    assert ids(customer_id="") == set()
    assert ids(coupon_id=first) == {first}
    assert ids(coupon_type=4) == {cash_id}
    assert ids(coupon_type=1) == {first, second}
    assert ids(status=5) == {second}
    assert ids(status=2) == {first, cash_id}
    assert ids(create_time_begin=utc(start + timedelta(minutes=30))) == {second, cash_id}
    assert ids(create_time_end=utc(start + timedelta(minutes=30))) == {first}
    assert ids(expire_time_end=utc(start + timedelta(days=4))) == {cash_id}
    assert ids(expire_time_begin=utc(start + timedelta(days=4))) == {first, second}
    assert ids(effective_time_begin=utc(start)) == {first, second, cash_id}
    assert ids(effective_time_end=utc(start - timedelta(seconds=1))) == set()
    assert ids(order_id="ORDER1") == set()
    page = coupons_of(env, partner, offset=1, limit=1)
    assert page.total_count == 3 and len(page.user_coupons) == 1
    assert coupons_of(env, partner).user_coupons[-1].coupon_id == first  # newest first


@pytest.mark.parametrize(
    "query",
    [
        [("coupon_id", "")],
        [("order_id", "")],
        [("status", "9")],
        [("coupon_type", "2")],
        [("limit", "0")],
        [("limit", "101")],
        [("offset", "-1")],
        [("offset", "")],
        [("create_time_begin", "2026-01-01")],
    ],
)
def test_issued_coupon_parameter_errors(env: Env, query: list[tuple[str, str]]) -> None:
    response = signed_call(
        env, make_partner(env), "GET", "/v2/promotions/benefits/partner-coupons", query=query
    )
    assert (response.status_code, response.json()["error_code"]) == (400, "CBC.0100")


def test_expired_coupons_read_as_expired_before_the_sweep(env: Env) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "100.00")
    customer = make_customer(env, partner)
    soon = env.clock.now().replace(microsecond=0) + timedelta(days=1)
    response = issue(env, partner, quota_id, [customer], Decimal("10"), expire_time=utc(soon))
    coupon_id = response.coupon_infos[0].coupon_id
    env.clock.advance(timedelta(days=2))

    listed = coupons_of(env, partner).user_coupons
    assert [(c.coupon_id, c.status) for c in listed] == [(coupon_id, 4)]
    assert coupons_of(env, partner, status=4).total_count == 1
    assert coupons_of(env, partner, status=2).total_count == 0
    # Two years after expiry a coupon is no longer listed.
    env.clock.advance(timedelta(days=731))
    assert coupons_of(env, partner).total_count == 0


def test_coupon_record_filters(env: Env) -> None:
    partner = make_partner(env)
    start = env.clock.now().replace(microsecond=0)
    quota_id = grant(env, partner, "1000.00")
    cash_quota = grant(env, partner, "100.00", quota_type=QuotaType.CASH_COUPON)
    alice, bob = make_customer(env, partner), make_customer(env, partner)
    first = issue(env, partner, quota_id, [alice], Decimal("10"), memo="welcome").coupon_infos[0].coupon_id
    env.clock.advance(timedelta(hours=1))
    second = issue_one(env, partner, quota_id, bob, "20.00")
    reclaim(env, partner, second)
    third = issue_one(env, partner, cash_quota, bob, "5.00")

    def ops(**filters: object) -> list[tuple[str, str]]:
        return [
            (r.coupon_id, r.operation_type) for r in records_of(env, partner, limit=100, **filters).records
        ]

    assert ops() == [(third, "1"), (second, "2"), (second, "1"), (first, "1")]
    assert ops(operation_types=["2"]) == [(second, "2")]
    assert ops(operation_types=["1", "2"], customer_id=bob) == [(third, "1"), (second, "2"), (second, "1")]
    assert ops(customer_id="") == []
    assert ops(coupon_ids=[first, third]) == [(third, "1"), (first, "1")]
    assert ops(quota_id=cash_quota) == [(third, "1")]
    assert ops(quota_id="") == []
    assert ops(quota_type=1) == [(third, "1")]
    assert ops(result="0") == ops()
    assert ops(result="-1") == []
    assert ops(result="7") == ops()
    assert ops(operation_time_end=utc(start + timedelta(minutes=30))) == [(first, "1")]
    assert ops(operation_time_begin=utc(start + timedelta(minutes=30))) == ops()[:3]
    record = records_of(env, partner, coupon_ids=[first]).records[0]
    assert (record.operation_amount, record.quota_id, record.quota_type, record.result, record.remark) == (
        Decimal("10.00"),
        quota_id,
        0,
        "0",
        "welcome",
    )
    assert records_of(env, partner, limit=1, offset=1).total_count == 4
    assert records_of(env, make_partner(env)).total_count == 0


@pytest.mark.parametrize(
    "query",
    [
        [("operation_types", "0")],
        [("operation_types", "x")],
        [("quota_type", "")],
        [("quota_type", "3")],
        [("operation_time_begin", "")],
        [("limit", "500")],
    ],
)
def test_coupon_record_parameter_errors(env: Env, query: list[tuple[str, str]]) -> None:
    path = "/v2/promotions/benefits/partner-coupons/records/query"
    response = signed_call(env, make_partner(env), "GET", path, query=query)
    assert (response.status_code, response.json()["error_code"]) == (400, "CBC.0100")


def test_a_distributor_reads_only_its_own_resellers_coupons(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    foreign = make_partner(env, "reseller", parent=make_partner(env, "distributor"))
    issue_one(env, reseller, grant(env, reseller, "10.00"), make_customer(env, reseller), "1.00")

    assert coupons_of(env, distributor, indirect_partner_id=reseller.id).total_count == 1
    assert records_of(env, distributor, indirect_partner_id=reseller.id).total_count == 1
    for call in (
        lambda: coupons_of(env, distributor, indirect_partner_id=foreign.id),
        lambda: records_of(env, distributor, indirect_partner_id=foreign.id),
        lambda: coupons_of(env, reseller, indirect_partner_id=reseller.id),
    ):
        error = sdk_error(call)
        assert (error.status_code, error.error_code) == (400, "CBC.99000037")
