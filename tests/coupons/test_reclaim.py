"""Reclaiming coupons (SPEC A.14): the whole remaining balance goes back to the quota it came from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from huaweicloudsdkbss.v2 import ListPartnerCouponsRecordRequest

from partnerhub.coupons.models import Coupon
from partnerhub.db.session import session_scope
from tests.quotas.helpers import (
    coupon_of,
    coupons_of,
    fund_customer,
    grant,
    issue_one,
    quota_of,
    reclaim,
    sdk_error,
    set_association_type,
)
from tests.support import Env, bss_client, make_customer, make_partner, signed_call


def test_reclaim_returns_the_coupon_to_its_quota_and_keeps_it_listed(env: Env) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "500.00")
    customer = make_customer(env, partner)
    coupon_id = issue_one(env, partner, quota_id, customer, "120.00")
    assert quota_of(env, partner, quota_id).balance == Decimal("380.00")

    response = reclaim(env, partner, coupon_id)

    assert response.status_code == 204
    assert quota_of(env, partner, quota_id).balance == Decimal("500.00")
    coupon = coupon_of(env, partner, coupon_id)
    assert (coupon.status, coupon.balance, coupon.face_value) == (5, Decimal("0.00"), Decimal("120.00"))
    assert coupons_of(env, partner, status=5).total_count == 1
    records = (
        bss_client(env, partner)
        .list_partner_coupons_record(ListPartnerCouponsRecordRequest(coupon_ids=[coupon_id]))
        .records
    )
    assert [(r.operation_type, r.operation_amount) for r in records] == [
        ("2", Decimal("120.00")),
        ("1", Decimal("120.00")),
    ]


def test_a_partly_used_coupon_reclaims_exactly_its_remaining_balance(
    env: Env, cli: Callable[..., tuple[int, str]]
) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "500.00")
    customer = make_customer(env, partner)
    coupon_id = issue_one(env, partner, quota_id, customer, "100.00")
    fund_customer(env, partner, customer, 1)
    code, output = cli("usage", "record", "--customer", customer, "--amount", "30.25", "--json")
    assert code == 0, output
    assert coupon_of(env, partner, coupon_id).balance == Decimal("69.75")
    before = quota_of(env, partner, quota_id).balance

    reclaim(env, partner, coupon_id)

    assert quota_of(env, partner, quota_id).balance - before == Decimal("69.75")
    records = (
        bss_client(env, partner)
        .list_partner_coupons_record(ListPartnerCouponsRecordRequest(operation_types=["2"]))
        .records
    )
    assert [(r.coupon_id, r.operation_amount) for r in records] == [(coupon_id, Decimal("69.75"))]
    with session_scope(env.ctx.sessions) as session:
        row = session.get(Coupon, coupon_id)
        assert row is not None and row.reclaimed_minor == 6975  # kept on the coupon for the console


def test_reclaiming_twice_or_after_expiry_is_refused(env: Env) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "500.00")
    customer = make_customer(env, partner)
    first = issue_one(env, partner, quota_id, customer, "10.00")
    reclaim(env, partner, first)

    error = sdk_error(lambda: reclaim(env, partner, first))
    assert (error.status_code, error.error_code) == (400, "CBC.99000048")

    now = env.clock.now().replace(microsecond=0)
    expiring = issue_one(env, partner, quota_id, customer, "10.00")
    with session_scope(env.ctx.sessions) as session:
        row = session.get(Coupon, expiring)
        assert row is not None
        row.expire_time = now + timedelta(hours=1)
    env.clock.advance(timedelta(hours=2))
    error = sdk_error(lambda: reclaim(env, partner, expiring))
    assert (error.status_code, error.error_code) == (400, "CBC.99000048")
    assert quota_of(env, partner, quota_id).balance == Decimal("490.00")


def test_a_referral_customers_coupon_cannot_be_reclaimed(env: Env) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "100.00")
    customer = make_customer(env, partner)
    coupon_id = issue_one(env, partner, quota_id, customer, "10.00")
    set_association_type(env, customer, 1)  # switched to referral after the coupon was issued

    error = sdk_error(lambda: reclaim(env, partner, coupon_id))

    assert (error.status_code, error.error_code) == (400, "CBC.99000045")
    assert coupon_of(env, partner, coupon_id).status == 2


def test_another_partners_coupon_behaves_as_missing(env: Env) -> None:
    owner, other = make_partner(env), make_partner(env)
    quota_id = grant(env, owner, "100.00")
    coupon_id = issue_one(env, owner, quota_id, make_customer(env, owner), "10.00")

    foreign = sdk_error(lambda: reclaim(env, other, coupon_id))
    missing = sdk_error(lambda: reclaim(env, other, "0" * 32))

    assert (foreign.status_code, foreign.error_code, foreign.error_msg) == (
        missing.status_code,
        missing.error_code,
        missing.error_msg,
    )
    assert foreign.error_code == "CBC.0100"
    assert coupon_of(env, owner, coupon_id).status == 2


def test_reclaim_parameter_errors(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    path = "/v2/promotions/benefits/partner-coupons/reclaim"
    for body in (
        {},
        {"coupon_id": ""},
        {"coupon_id": "x" * 65},
        {"coupon_id": "a", "indirect_partner_id": ""},
    ):
        response = signed_call(env, distributor, "POST", path, body)
        assert (response.status_code, response.json()["error_code"]) == (400, "CBC.0100")
    response = signed_call(
        env, distributor, "POST", path, {"coupon_id": "a", "indirect_partner_id": "f" * 32}
    )
    assert (response.status_code, response.json()["error_code"]) == (400, "CBC.99000037")


def test_distributor_reclaims_a_resellers_coupon(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    quota_id = grant(env, reseller, "100.00")
    coupon_id = issue_one(env, reseller, quota_id, make_customer(env, reseller), "40.00")

    assert reclaim(env, distributor, coupon_id, indirect_partner_id=reseller.id).status_code == 204
    assert quota_of(env, reseller, quota_id).balance == Decimal("100.00")
