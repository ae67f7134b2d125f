"""Listing a partner's quotas (SPEC A.17) through the official SDK."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from partnerhub.quotas.models import QuotaType
from tests.quotas.helpers import grant, issue_one, quota_of, quotas_of, sdk_error, utc
from tests.support import Env, make_customer, make_partner, signed_call


def test_quota_fields_balance_and_limits(env: Env) -> None:
    partner = make_partner(env)
    now = env.clock.now().replace(microsecond=0)
    quota_id = grant(
        env,
        partner,
        "800.00",
        effective=now,
        expires=now + timedelta(days=90),
        min_face=500,
        max_face=20000,
        service_types=("hws.service.type.ec2",),
        product_ids=("p1", "p2"),
    )
    issue_one(env, partner, quota_id, make_customer(env, partner), "45.50")

    quota = quota_of(env, partner, quota_id)

    assert (quota.quota_type, quota.quota_value, quota.balance, quota.quota_status) == (
        0,
        Decimal("800.00"),
        Decimal("754.50"),
        0,
    )
    assert (quota.measure_id, quota.currency) == (1, "CNY")
    assert (quota.effective_time, quota.expire_time) == (utc(now), utc(now + timedelta(days=90)))
    assert quota.create_time == utc(now) and quota.last_update_time == utc(now)
    assert [
        (info.limit_key, [(v.value1, v.value2) for v in info.limit_values]) for info in quota.limit_infos
    ] == [
        ("cloudServiceType", [("hws.service.type.ec2", None)]),
        ("productId", [("p1,p2", None)]),
        ("minFaceValue", [("5.00", None)]),
        ("maxFaceValue", [("200.00", None)]),
    ]


def test_quota_filters(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    start = env.clock.now().replace(microsecond=0)
    first = grant(env, partner, "10.00", expires=start + timedelta(days=10))
    env.clock.advance(timedelta(hours=1))
    second = grant(env, partner, "20.00", effective=start + timedelta(days=1))
    cash = grant(env, partner, "30.00", quota_type=QuotaType.CASH_COUPON)
    grant(env, other, "40.00")

    def ids(**filters: object) -> set[str]:
        return {q.quota_id for q in quotas_of(env, partner, **filters).quotas}

    assert ids() == {first, second}  # voucher quotas by default
    assert ids(quota_type=1) == {cash}
    assert ids(quota_ids=[first, cash]) == {first}
    assert ids(create_time_begin=utc(start + timedelta(minutes=30))) == {second}
    assert ids(create_time_end=utc(start + timedelta(minutes=30))) == {first}
    assert ids(effective_time_begin=utc(start + timedelta(hours=12))) == {second}
    assert ids(effective_time_end=utc(start + timedelta(hours=12))) == {first}
    assert ids(expire_time_end=utc(start + timedelta(days=20))) == {first}
    assert ids(expire_time_begin=utc(start + timedelta(days=20))) == {second}
    assert ids(quota_status_list=[0]) == {first, second}
    assert ids(quota_status_list=[3, 4, 5]) == set()
    page = quotas_of(env, partner, offset=1, limit=1)
    assert page.total_count == 2 and len(page.quotas) == 1

    env.clock.advance(timedelta(days=11))  # the first quota expires; nobody swept yet
    assert ids(quota_status_list=[3]) == {first}
    assert ids(quota_status_list=[0]) == {second}
    assert quota_of(env, partner, first).quota_status == 3


@pytest.mark.parametrize(
    "body",
    [
        {"quota_ids": [f"q{i}" for i in range(51)]},
        {"quota_status_list": [0, 3, 4, 5, 0, 3]},
        {"quota_status_list": [6]},
        {"quota_type": 2},
        {"create_time_begin": ""},
        {"expire_time_end": "yesterday"},
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
    ],
)
def test_quota_list_parameter_errors(env: Env, body: dict[str, object]) -> None:
    response = signed_call(env, make_partner(env), "POST", "/v2/partners/coupon-quotas/query", body)
    assert (response.status_code, response.json()["error_code"]) == (400, "CBC.0100")


def test_empty_string_quota_type_means_voucher_quotas(env: Env) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "1.00")
    response = signed_call(env, partner, "POST", "/v2/partners/coupon-quotas/query", {"quota_type": ""})
    assert [q["quota_id"] for q in response.json()["quotas"]] == [quota_id]


def test_a_distributor_reads_its_resellers_quotas_only(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    foreign = make_partner(env, "reseller", parent=make_partner(env, "distributor"))
    quota_id = grant(env, reseller, "5.00")

    assert [q.quota_id for q in quotas_of(env, distributor, indirect_partner_id=reseller.id).quotas] == [
        quota_id
    ]
    assert quotas_of(env, distributor).total_count == 0
    for caller, target in ((distributor, foreign), (reseller, reseller)):
        error = sdk_error(lambda c=caller, t=target: quotas_of(env, c, indirect_partner_id=t.id))
        assert (error.status_code, error.error_code) == (400, "CBC.99000037")
