"""Quotas a distributor carves for its resellers (SPEC A.18–A.21) through the official SDK."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from huaweicloudsdkbss.v2 import (
    AdjustCouponQuotasReq,
    ListCouponQuotasRecordsRequest,
    ListIssuedCouponQuotasRequest,
    ReclaimCouponQuotasReq,
    ReclaimCouponQuotasRequest,
    UpdateCouponQuotasRequest,
)

from partnerhub.db.session import session_scope
from partnerhub.partners.models import Partner, PartnerStatus
from tests.quotas.helpers import grant, issue_one, quota_of, quotas_of, reclaim, sdk_error, utc
from tests.support import Env, PartnerHandle, bss_client, make_customer, make_partner, signed_call


def carve(env: Env, distributor: PartnerHandle, quota_id: str, resellers: list[str], amount: Any) -> Any:
    body = AdjustCouponQuotasReq(quota_id=quota_id, indirect_partner_ids=resellers, quota_amount=amount)
    return bss_client(env, distributor).update_coupon_quotas(UpdateCouponQuotasRequest(body=body))


def take_back(env: Env, distributor: PartnerHandle, quota_ids: list[str], remark: str | None = None) -> Any:
    body = ReclaimCouponQuotasReq(quota_ids=quota_ids, remark=remark)
    return bss_client(env, distributor).reclaim_coupon_quotas(ReclaimCouponQuotasRequest(body=body))


def issued(env: Env, distributor: PartnerHandle, **filters: Any) -> Any:
    return bss_client(env, distributor).list_issued_coupon_quotas(ListIssuedCouponQuotasRequest(**filters))


def records(env: Env, distributor: PartnerHandle, **filters: Any) -> Any:
    return bss_client(env, distributor).list_coupon_quotas_records(ListCouponQuotasRecordsRequest(**filters))


def hierarchy(env: Env, resellers: int = 2) -> tuple[PartnerHandle, list[PartnerHandle]]:
    distributor = make_partner(env, "distributor")
    return distributor, [make_partner(env, "reseller", parent=distributor) for _ in range(resellers)]


def test_each_reseller_gets_a_child_quota_carved_from_the_parent(env: Env) -> None:
    distributor, (first, second) = hierarchy(env)
    now = env.clock.now().replace(microsecond=0)
    parent = grant(
        env,
        distributor,
        "1000.00",
        effective=now,
        expires=now + timedelta(days=60),
        min_face=100,
        service_types=("hws.service.type.ec2",),
    )

    response = carve(env, distributor, parent, [first.id, second.id], Decimal("150.25"))

    assert response.status_code == 200 and response.error_details == []
    assert [info.id for info in response.simple_quota_infos] == [first.id, second.id]
    assert quota_of(env, distributor, parent).balance == Decimal("699.50")
    child_id = response.simple_quota_infos[0].quota_id
    child = quota_of(env, first, child_id)  # the reseller sees its child quota in A.17
    parent_view = quota_of(env, distributor, parent)
    assert (child.quota_value, child.balance, child.quota_status) == (Decimal("150.25"), Decimal("150.25"), 0)
    assert (child.effective_time, child.expire_time) == (parent_view.effective_time, parent_view.expire_time)
    assert [(i.limit_key, i.limit_values[0].value1) for i in child.limit_infos] == [
        ("cloudServiceType", "hws.service.type.ec2"),
        ("minFaceValue", "1.00"),
    ]
    assert quotas_of(env, second).quotas[0].quota_id == response.simple_quota_infos[1].quota_id

    # The reseller issues coupons to its own customers from the child quota, within the inherited limits.
    customer = make_customer(env, first)
    issue_one(env, first, child_id, customer, "50.00")
    assert quota_of(env, first, child_id).balance == Decimal("100.25")

    listed = issued(env, distributor, limit=100).quotas
    assert {q.quota_id for q in listed} == {info.quota_id for info in response.simple_quota_infos}
    mine = next(q for q in listed if q.quota_id == child_id)
    reseller_row = _partner(env, first.id)
    assert (mine.indirect_partner_id, mine.indirect_partner_account_name, mine.indirect_partner_name) == (
        first.id,
        reseller_row.account_name,
        reseller_row.name,
    )
    assert (mine.parent_quota_id, mine.balance, mine.quota_status) == (parent, Decimal("100.25"), 0)


def test_per_reseller_refusals_answer_200(env: Env) -> None:
    distributor, (mine, exiting) = hierarchy(env)
    stranger = make_partner(env, "reseller", parent=make_partner(env, "distributor"))
    with session_scope(env.ctx.sessions) as session:
        row = session.get(Partner, exiting.id)
        assert row is not None
        row.status = PartnerStatus.EXITING
    parent = grant(env, distributor, "100.00")

    response = carve(env, distributor, parent, [mine.id, stranger.id, exiting.id, "0" * 32], Decimal("60"))

    assert [info.id for info in response.simple_quota_infos] == [mine.id]
    assert {(d.id, d.error_code) for d in response.error_details} == {
        (stranger.id, "CBC.99000037"),
        (exiting.id, "CBC.50010105"),
        ("0" * 32, "CBC.99000037"),
    }

    second, third = (
        make_partner(env, "reseller", parent=distributor),
        make_partner(env, "reseller", parent=distributor),
    )
    exhausted = carve(env, distributor, parent, [second.id, third.id], "30.00")
    assert [info.id for info in exhausted.simple_quota_infos] == [second.id]
    assert [(d.id, d.error_code) for d in exhausted.error_details] == [(third.id, "CBC.99000013")]
    assert quota_of(env, distributor, parent).balance == Decimal("10.00")


def test_whole_request_refusals(env: Env) -> None:
    distributor, (reseller,) = hierarchy(env, 1)
    other = make_partner(env, "distributor")
    provider = make_partner(env, "solution_provider")
    now = env.clock.now()
    foreign = grant(env, other, "100.00")
    later = grant(env, distributor, "100.00", effective=now + timedelta(days=1))
    short = grant(env, distributor, "100.00", expires=now + timedelta(hours=1))

    for quota_id, code in ((foreign, "CBC.99000012"), ("f" * 32, "CBC.99000012"), (later, "CBC.99000017")):
        error = sdk_error(lambda q=quota_id: carve(env, distributor, q, [reseller.id], Decimal("1")))
        assert (error.status_code, error.error_code) == (400, code)
    for caller in (provider, reseller):
        error = sdk_error(lambda c=caller: carve(env, c, foreign, [reseller.id], Decimal("1")))
        assert (error.status_code, error.error_code) == (403, "CBC.0151")
        for call in (
            lambda c=caller: take_back(env, c, ["x"]),
            lambda c=caller: issued(env, c),
            lambda c=caller: records(env, c),
        ):
            error = sdk_error(call)
            assert (error.status_code, error.error_code) == (403, "CBC.0151")
    env.clock.advance(timedelta(hours=2))
    error = sdk_error(lambda: carve(env, distributor, short, [reseller.id], Decimal("1")))
    assert error.error_code == "CBC.99000017"


@pytest.mark.parametrize(
    "body",
    [
        {"indirect_partner_ids": ["r"], "quota_amount": 1},
        {"quota_id": "q", "indirect_partner_ids": [], "quota_amount": 1},
        {"quota_id": "q", "indirect_partner_ids": ["r", "r"], "quota_amount": 1},
        {"quota_id": "q", "indirect_partner_ids": [f"r{i}" for i in range(101)], "quota_amount": 1},
        {"quota_id": "q", "indirect_partner_ids": ["r"], "quota_amount": "1.001"},
        {"quota_id": "q", "indirect_partner_ids": ["r"], "quota_amount": 0},
        {"quota_id": "q", "indirect_partner_ids": ["r"]},
    ],
)
def test_carve_parameter_errors(env: Env, body: dict[str, object]) -> None:
    path = "/v2/partners/coupon-quotas/indirect-partner-adjust"
    response = signed_call(env, make_partner(env, "distributor"), "POST", path, body)
    assert (response.status_code, response.json()["error_code"]) == (400, "CBC.0100")


def test_reclaim_returns_the_childs_remaining_balance_to_the_parent(env: Env) -> None:
    distributor, (first, second) = hierarchy(env)
    parent = grant(env, distributor, "1000.00")
    children = [
        info.quota_id
        for info in carve(env, distributor, parent, [first.id, second.id], "200").simple_quota_infos
    ]
    customer = make_customer(env, first)
    coupon_id = issue_one(env, first, children[0], customer, "75.00")
    assert quota_of(env, distributor, parent).balance == Decimal("600.00")

    response = take_back(env, distributor, [children[0], children[1], "0" * 32], remark="season over")

    assert [(q.quota_id, q.quota_balance) for q in response.simple_quota_infos] == [
        (children[0], Decimal("125.00")),
        (children[1], Decimal("200.00")),
    ]
    assert [(d.id, d.error_code) for d in response.error_details] == [("0" * 32, "CBC.99000012")]
    assert quota_of(env, distributor, parent).balance == Decimal("925.00")
    statuses = {q.quota_id: (q.quota_status, q.balance) for q in issued(env, distributor).quotas}
    assert statuses == {children[0]: (6, Decimal("0.00")), children[1]: (6, Decimal("0.00"))}
    assert quota_of(env, first, children[0]).quota_status == 3  # A.17 knows no 6
    error = sdk_error(lambda: issue_one(env, first, children[0], customer))
    assert error.error_code == "CBC.99000012"

    again = take_back(env, distributor, [children[0]])
    assert again.simple_quota_infos == [] and again.error_details[0].error_code == "CBC.99000012"
    # The coupon issued before the reclaim stays usable; reclaiming it now sends its value to the parent.
    reclaim(env, first, coupon_id)
    assert quota_of(env, distributor, parent).balance == Decimal("1000.00")


def test_another_distributors_child_quota_behaves_as_missing(env: Env) -> None:
    distributor, (reseller,) = hierarchy(env, 1)
    other, (other_reseller,) = hierarchy(env, 1)
    child = (
        carve(env, other, grant(env, other, "10.00"), [other_reseller.id], "5").simple_quota_infos[0].quota_id
    )
    own_top_level = grant(env, distributor, "10.00")

    response = take_back(env, distributor, [child, own_top_level])

    assert [(d.id, d.error_code) for d in response.error_details] == [
        (child, "CBC.99000012"),
        (own_top_level, "CBC.99000012"),
    ]
    assert quota_of(env, other_reseller, child).balance == Decimal("5.00")
    assert issued(env, distributor).total_count == 0
    assert reseller.id  # the distributor's own reseller exists but received nothing


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"quota_ids": []},
        {"quota_ids": [f"q{i}" for i in range(11)]},
        {"quota_ids": ["q"], "remark": "r" * 257},
    ],
)
def test_reclaim_parameter_errors(env: Env, body: dict[str, object]) -> None:
    path = "/v2/partners/coupon-quotas/indirect-partner-reclaim"
    response = signed_call(env, make_partner(env, "distributor"), "POST", path, body)
    assert (response.status_code, response.json()["error_code"]) == (400, "CBC.0100")


def test_issued_quota_filters_and_records(env: Env) -> None:
    distributor, (first, second) = hierarchy(env)
    stranger = make_partner(env, "reseller", parent=make_partner(env, "distributor"))
    start = env.clock.now().replace(microsecond=0)
    parent_a, parent_b = grant(env, distributor, "500.00"), grant(env, distributor, "500.00")
    a1 = carve(env, distributor, parent_a, [first.id], "10").simple_quota_infos[0].quota_id
    env.clock.advance(timedelta(hours=1))
    b2 = carve(env, distributor, parent_b, [second.id], "20").simple_quota_infos[0].quota_id
    take_back(env, distributor, [b2], remark="done")

    def quota_ids(**filters: Any) -> set[str]:
        return {q.quota_id for q in issued(env, distributor, **filters).quotas}

    assert quota_ids() == {a1, b2}
    assert quota_ids(quota_id=a1) == {a1}
    assert quota_ids(indirect_partner_id=second.id) == {b2}
    assert quota_ids(parent_quota_id=parent_a) == {a1}
    assert issued(env, distributor, offset=1, limit=1).total_count == 2
    response = signed_call(
        env, distributor, "GET", "/v2/partners/issued-coupon-quotas", query=[("parent_quota_id", "")]
    )
    assert response.json()["total_count"] == 0

    def ops(**filters: Any) -> list[tuple[str, str, Decimal]]:
        return [
            (r.operation_type, r.quota_id, r.amount) for r in records(env, distributor, **filters).records
        ]

    assert ops() == [("11", b2, Decimal("20.00")), ("10", b2, Decimal("20.00")), ("10", a1, Decimal("10.00"))]
    assert ops(operation_type="11") == [("11", b2, Decimal("20.00"))]
    assert ops(operation_type="99") == ops()
    assert ops(indirect_partner_id=first.id) == [("10", a1, Decimal("10.00"))]
    assert ops(quota_id=a1) == [("10", a1, Decimal("10.00"))]
    assert ops(parent_quota_id=parent_b) == ops()[:2]
    assert ops(operation_time_end=utc(start + timedelta(minutes=30))) == [("10", a1, Decimal("10.00"))]
    assert ops(operation_time_begin=utc(start + timedelta(minutes=30))) == ops()[:2]
    latest = records(env, distributor, limit=1).records[0]
    distributor_row, second_row = _partner(env, distributor.id), _partner(env, second.id)
    assert (latest.operator, latest.parent_quota_id, latest.result, latest.remark) == (
        distributor_row.account_name,
        parent_b,
        "0",
        "done",
    )
    assert (
        latest.indirect_partner_id,
        latest.indirect_partner_account_name,
        latest.indirect_partner_name,
    ) == (second.id, second_row.account_name, second_row.name)
    for call in (
        lambda: issued(env, distributor, indirect_partner_id=stranger.id),
        lambda: records(env, distributor, indirect_partner_id=stranger.id),
    ):
        error = sdk_error(call)
        assert (error.status_code, error.error_code) == (400, "CBC.99000037")
    response = signed_call(
        env, distributor, "GET", "/v2/partners/coupon-quotas/records", query=[("operation_time_begin", "")]
    )
    assert (response.status_code, response.json()["error_code"]) == (400, "CBC.0100")


def _partner(env: Env, partner_id: str) -> Partner:
    with session_scope(env.ctx.sessions) as session:
        row = session.get(Partner, partner_id)
        assert row is not None
        return row
