"""Issuing coupons from a quota (SPEC A.13) through the official SDK."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.quotas.helpers import (
    coupon_of,
    coupons_of,
    freeze,
    grant,
    issue,
    quota_of,
    sdk_error,
    utc,
)
from tests.support import Env, make_customer, make_partner, signed_call

ISSUE_PATH = "/v2/promotions/benefits/partner-coupons"


def test_issuing_moves_the_face_value_from_the_quota_to_each_coupon(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    quota_id = grant(env, partner, "1000.00")
    customers = [make_customer(env, partner) for _ in range(3)]

    response = issue(env, partner, quota_id, customers, Decimal("100.50"), memo="spring")

    assert response.status_code == 200 and response.error_details == []
    assert [info.id for info in response.coupon_infos] == customers
    quota = quota_of(env, partner, quota_id)
    assert quota.balance == Decimal("698.50") and quota.quota_value == Decimal("1000.00")
    listed = coupons_of(env, partner, limit=100).user_coupons
    assert {c.coupon_id for c in listed} == {info.coupon_id for info in response.coupon_infos}
    for coupon in listed:
        assert (coupon.status, coupon.balance, coupon.face_value, coupon.coupon_type) == (
            2,
            Decimal("100.50"),
            Decimal("100.50"),
            1,
        )
        # Validity defaults to the quota's.
        assert (coupon.effective_time, coupon.expire_time) == (quota.effective_time, quota.expire_time)


def test_per_customer_refusals_answer_200_and_the_rest_are_issued(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    quota_id = grant(env, partner, "1000.00")
    good = make_customer(env, partner)
    referral = make_customer(env, partner, association_type=1)
    frozen = make_customer(env, partner)
    freeze(env, frozen)
    foreign = make_customer(env, other)
    unknown = "0" * 32

    response = issue(env, partner, quota_id, [good, referral, frozen, foreign, unknown], Decimal("10"))

    assert response.status_code == 200
    assert [info.id for info in response.coupon_infos] == [good]
    codes = {detail.id: detail.error_code for detail in response.error_details}
    assert codes == {
        referral: "CBC.99000014",
        frozen: "CBC.8214",
        foreign: "CBC.99000035",
        unknown: "CBC.99000035",
    }
    # Another partner's customer and a missing one are refused alike.
    messages = {detail.id: detail.error_msg for detail in response.error_details}
    assert messages[foreign] == messages[unknown]
    assert quota_of(env, partner, quota_id).balance == Decimal("990.00")


def test_an_exhausted_quota_refuses_the_customers_it_cannot_pay(env: Env) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "250.00")
    customers = [make_customer(env, partner) for _ in range(3)]

    response = issue(env, partner, quota_id, customers, Decimal("100"))

    assert [info.id for info in response.coupon_infos] == customers[:2]
    assert [(d.id, d.error_code) for d in response.error_details] == [(customers[2], "CBC.99000013")]
    assert quota_of(env, partner, quota_id).balance == Decimal("50.00")


@pytest.mark.parametrize(("face", "code"), [("9.99", "CBC.99000018"), ("100.01", "CBC.99000019")])
def test_face_value_outside_the_quota_bounds_is_refused(env: Env, face: str, code: str) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "1000.00", min_face=1000, max_face=10000)
    customer = make_customer(env, partner)

    error = sdk_error(lambda: issue(env, partner, quota_id, [customer], Decimal(face)))

    assert (error.status_code, error.error_code) == (400, code)
    assert quota_of(env, partner, quota_id).balance == Decimal("1000.00")
    assert issue(env, partner, quota_id, [customer], Decimal("100.00")).coupon_infos[0].id == customer


def test_missing_foreign_and_out_of_validity_quotas(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    customer = make_customer(env, partner)
    foreign_quota = grant(env, other, "100.00")
    later = grant(env, partner, "100.00", effective=env.clock.now() + timedelta(days=1))
    short = grant(env, partner, "100.00", expires=env.clock.now() + timedelta(hours=1))

    for quota_id in (foreign_quota, "f" * 32):
        error = sdk_error(lambda q=quota_id: issue(env, partner, q, [customer], Decimal("1")))
        assert (error.status_code, error.error_code) == (400, "CBC.99000012")
    error = sdk_error(lambda: issue(env, partner, later, [customer], Decimal("1")))
    assert (error.status_code, error.error_code) == (400, "CBC.99000017")
    env.clock.advance(timedelta(hours=2))
    error = sdk_error(lambda: issue(env, partner, short, [customer], Decimal("1")))
    assert (error.status_code, error.error_code) == (400, "CBC.99000017")


def test_service_and_product_limits_stay_inside_the_quota(env: Env) -> None:
    partner = make_partner(env)
    services = ("hws.service.type.ec2", "hws.service.type.ebs")
    quota_id = grant(env, partner, "1000.00", service_types=services, product_ids=("p1", "p2"))
    customer = make_customer(env, partner)

    for field, values in (("cloud_service_types", ["hws.service.type.obs"]), ("product_ids", ["p3"])):
        error = sdk_error(
            lambda f=field, v=values: issue(env, partner, quota_id, [customer], Decimal("1"), **{f: v})
        )
        assert (error.status_code, error.error_code) == (400, "CBC.99000023")

    narrowed = issue(
        env, partner, quota_id, [customer], Decimal("1"), cloud_service_types=["hws.service.type.ebs"]
    )
    inherited = issue(env, partner, quota_id, [customer], Decimal("1"))

    limits = coupon_of(env, partner, narrowed.coupon_infos[0].coupon_id).use_limits
    assert [(x.limit_key, x.value1) for x in limits] == [
        ("cloudServiceType", "hws.service.type.ebs"),
        ("productId", "p1,p2"),
    ]
    limits = coupon_of(env, partner, inherited.coupon_infos[0].coupon_id).use_limits
    assert [x.value1 for x in limits] == [*services, "p1,p2"]
    quota = quota_of(env, partner, quota_id)
    assert {(info.limit_key, value.value1) for info in quota.limit_infos for value in info.limit_values} == {
        ("cloudServiceType", services[0]),
        ("cloudServiceType", services[1]),
        ("productId", "p1,p2"),
    }


def test_unrestricted_quota_accepts_any_limits(env: Env) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "100.00")
    customer = make_customer(env, partner)
    response = issue(env, partner, quota_id, [customer], Decimal("1"), product_ids=["anything"])
    assert [x.value1 for x in coupon_of(env, partner, response.coupon_infos[0].coupon_id).use_limits] == [
        "anything"
    ]


def test_explicit_validity_must_lie_inside_the_quota(env: Env) -> None:
    partner = make_partner(env)
    now = env.clock.now().replace(microsecond=0)
    quota_id = grant(env, partner, "100.00", effective=now, expires=now + timedelta(days=30))
    customer = make_customer(env, partner)
    inside = (now + timedelta(days=1), now + timedelta(days=10))

    response = issue(
        env,
        partner,
        quota_id,
        [customer],
        Decimal("1"),
        valid_time=utc(inside[0]),
        expire_time=utc(inside[1]),
    )
    coupon = coupon_of(env, partner, response.coupon_infos[0].coupon_id)
    assert (coupon.effective_time, coupon.expire_time) == (utc(inside[0]), utc(inside[1]))

    for valid, expire in [
        (now - timedelta(days=1), now + timedelta(days=1)),
        (now, now + timedelta(days=31)),
        (now + timedelta(days=5), now + timedelta(days=4)),
    ]:
        error = sdk_error(
            lambda v=valid, e=expire: issue(
                env, partner, quota_id, [customer], Decimal("1"), valid_time=utc(v), expire_time=utc(e)
            )
        )
        assert (error.status_code, error.error_code) == (400, "CBC.0100")
    assert quota_of(env, partner, quota_id).balance == Decimal("99.00")


@pytest.mark.parametrize(
    "change",
    [
        {"face_value": Decimal("10.001")},
        {"face_value": Decimal("0")},
        {"face_value": Decimal("-5")},
        {"quota_id": None},
        {"customer_ids": []},
        {"customer_ids": ["dup", "dup"]},
        {"customer_ids": [f"c{i}" for i in range(101)]},
        {"cloud_service_types": [f"s{i}" for i in range(11)]},
        {"valid_time": "2026-01-01 00:00:00"},
        {"expire_time": ""},
    ],
)
def test_parameter_errors(env: Env, change: dict[str, object]) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "100.00")
    fields: dict[str, Any] = {
        "quota_id": quota_id,
        "customer_ids": [make_customer(env, partner)],
        "face_value": Decimal("1"),
        **change,
    }
    error = sdk_error(lambda: issue(env, partner, **fields))
    assert (error.status_code, error.error_code) == (400, "CBC.0100")
    assert quota_of(env, partner, quota_id).balance == Decimal("100.00")


def test_face_value_as_a_numeric_string_is_accepted(env: Env) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "100.00")
    customer = make_customer(env, partner)
    response = signed_call(
        env,
        partner,
        "POST",
        ISSUE_PATH,
        {"quota_id": quota_id, "customer_ids": [customer], "face_value": "12.30"},
    )
    assert response.status_code == 200 and response.json()["error_details"] == []
    assert quota_of(env, partner, quota_id).balance == Decimal("87.70")


def test_distributor_issues_from_its_resellers_quota(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    stranger = make_partner(env, "reseller", parent=make_partner(env, "distributor"))
    quota_id = grant(env, reseller, "100.00")
    customer = make_customer(env, reseller)

    response = issue(env, distributor, quota_id, [customer], Decimal("5"), indirect_partner_id=reseller.id)

    assert response.coupon_infos[0].id == customer
    assert quota_of(env, reseller, quota_id).balance == Decimal("95.00")
    assert coupons_of(env, distributor, indirect_partner_id=reseller.id).total_count == 1
    assert coupons_of(env, distributor).total_count == 0
    error = sdk_error(
        lambda: issue(env, distributor, quota_id, [customer], Decimal("5"), indirect_partner_id=stranger.id)
    )
    assert (error.status_code, error.error_code) == (400, "CBC.99000037")
    # Without indirect_partner_id the reseller's quota is not the distributor's.
    error = sdk_error(lambda: issue(env, distributor, quota_id, [customer], Decimal("5")))
    assert error.error_code == "CBC.99000012"


def test_a_retried_issue_with_the_same_client_token_issues_once(env: Env) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "100.00")
    body = {"quota_id": quota_id, "customer_ids": [make_customer(env, partner)], "face_value": 10}
    token = {"X-Client-Token": "issue-2026-0001"}

    first = signed_call(env, partner, "POST", ISSUE_PATH, body, extra_headers=token)
    again = signed_call(env, partner, "POST", ISSUE_PATH, body, extra_headers=token)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again.headers["X-Idempotent-Replay"] == "true"
    assert quota_of(env, partner, quota_id).balance == Decimal("90.00")
    changed = signed_call(env, partner, "POST", ISSUE_PATH, {**body, "face_value": 11}, extra_headers=token)
    assert (changed.status_code, changed.json()["error_code"]) == (409, "CBC.0409")
