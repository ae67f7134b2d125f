"""The done-when case and the money and voucher effects of approvals, checked through the official SDK; and,
after a disassociation, every partner operation answers for that customer exactly as for a missing one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from huaweicloudsdkbss.v2 import (
    CustomerInfoV2,
    ListCustomersBalancesDetailRequest,
    ListPartnerAccountChangeRecordsRequest,
    ListPartnerAdjustRecordsRequest,
    ListPartnerCouponsRecordRequest,
    QueryCustomersBalancesReq,
)

from partnerhub.kit.ids import new_id
from tests.associations.helpers import (
    PARTNER_REQUESTS,
    RECORDS,
    Customer,
    associations_of,
    coupon_record_types,
    created,
    error_of,
    partner_call,
    partner_list,
    request_by_partner,
)
from tests.funding.helpers import customer_balance, fund_request, partner_balance, top_up
from tests.quotas.helpers import coupon_of, grant, issue, issue_one, quota_of
from tests.support import Env, PartnerHandle, bss_client, make_partner, signed_call

MOBILE = "13800000001"


def funded_customer_with_vouchers(env: Env, partner: PartnerHandle) -> tuple[Customer, str, list[str]]:
    """Partner tops up 500 and funds the customer 120.50; a 1000 quota issues it two 100 coupons, one of
    which is reclaimed by hand (so only one is still usable)."""
    customer = Customer(env, partner, mobile=MOBILE)
    top_up(env, partner, "500")
    client = bss_client(env, partner)
    client.update_customer_account_amount(fund_request(customer.id, Decimal("120.50")))
    quota_id = grant(env, partner, "1000.00")
    usable = issue_one(env, partner, quota_id, customer.id)
    spent = issue_one(env, partner, quota_id, customer.id)
    response = partner_call(
        env, partner, "POST", "/v2/promotions/benefits/partner-coupons/reclaim", {"coupon_id": spent}
    )
    assert response.status_code == 204, response.text
    return customer, quota_id, [usable, spent]


def test_partner_initiated_disassociation_approved_by_the_customer_returns_cash_and_vouchers(
    env: Env, cli: Any
) -> None:
    partner = make_partner(env, "solution_provider")
    customer, quota_id, (usable, reclaimed_by_hand) = funded_customer_with_vouchers(env, partner)
    assert partner_balance(env, partner) == Decimal("379.50")
    assert quota_of(env, partner, quota_id).balance == Decimal("900.00")

    request = created(request_by_partner(env, partner, customer.id))
    assert request["status"] == "pending" and request["initiator"] == "partner"
    # Nothing moves before the customer decides.
    assert customer_balance(env, customer.id) == Decimal("120.50")
    approved = customer.decide(request["request_id"], "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"

    # Cash: all of the customer's partner-funded money is back with the partner.
    assert customer_balance(env, customer.id) == Decimal("0")
    assert partner_balance(env, partner) == Decimal("500.00")
    client = bss_client(env, partner)
    unbinds = client.list_partner_adjust_records(
        ListPartnerAdjustRecordsRequest(operation_type="SOURCE_OPERATION_BEUNBIND")
    )
    assert [(r.customer_id, r.amount, r.operation_type) for r in unbinds.records] == [
        (customer.id, "120.50", "SOURCE_OPERATION_BEUNBIND")
    ]
    changes = client.list_partner_account_change_records(
        ListPartnerAccountChangeRecordsRequest(balance_type="BALANCE_TYPE_DEBIT", trade_type="BEUNBIND")
    )
    assert [(c.change_amount, c.type, c.customer_id, c.trade_detail_type) for c in changes.records] == [
        ("120.50", "1", customer.id, "SOURCE_OPERATION_BEUNBIND")
    ]
    # Vouchers: the usable coupon is back in its quota, reclaimed (5), recorded as type 3.
    assert quota_of(env, partner, quota_id).balance == Decimal("1000.00")
    assert coupon_of(env, partner, usable).status == 5
    records = client.list_partner_coupons_record(ListPartnerCouponsRecordRequest(operation_types=["3"]))
    assert [(r.coupon_id, r.operation_type, r.operation_amount) for r in records.records] == [
        (usable, "3", Decimal("100.00"))
    ]
    assert coupon_record_types(env, customer.id) == [1, 1, 2, 3]
    assert reclaimed_by_hand not in [r.coupon_id for r in records.records]

    # The association ended and is kept as history.
    (ended,) = associations_of(env, customer.id)
    assert ended.active_customer_id is None and ended.ended_on is not None
    assert customer.partner_view()["partner_id"] is None
    operations = [r["operation_type"] for r in partner_list(env, partner, RECORDS)["records"]]
    assert operations == ["disassociate", "approve", "request"]

    code, output = cli("ledger", "verify")
    assert code == 0 and output.startswith("ok"), output


def test_customer_initiated_disassociation_approved_by_the_partner_reclaims_the_same_way(env: Env) -> None:
    partner = make_partner(env)
    customer, quota_id, (usable, _) = funded_customer_with_vouchers(env, partner)
    request = created(customer.request_disassociation())
    assert request["initiator"] == "customer"
    approved = partner_call(env, partner, "POST", f"{PARTNER_REQUESTS}/{request['request_id']}/approve", {})
    assert approved.status_code == 200, approved.text
    assert partner_balance(env, partner) == Decimal("500.00")
    assert quota_of(env, partner, quota_id).balance == Decimal("1000.00")
    assert coupon_record_types(env, customer.id)[-1] == 3
    assert coupon_of(env, partner, usable).status == 5


def test_switch_from_resale_to_referral_reclaims_with_coupon_type_8(env: Env) -> None:
    partner = make_partner(env)
    customer, quota_id, (usable, _) = funded_customer_with_vouchers(env, partner)
    request = created(request_by_partner(env, partner, customer.id, "switch_type", target=1))
    assert customer.decide(request["request_id"], "approve").status_code == 200
    assert partner_balance(env, partner) == Decimal("500.00")
    assert customer_balance(env, customer.id) == Decimal("0")
    assert quota_of(env, partner, quota_id).balance == Decimal("1000.00")
    assert coupon_record_types(env, customer.id)[-1] == 8
    assert coupon_of(env, partner, usable).status == 5
    # Still the partner's customer, now a referral one: funding is refused as for any referral customer.
    assert customer.partner_view()["association_type"] == 1
    response = signed_call(
        env,
        partner,
        "POST",
        "/v2/accounts/partner-accounts/adjust-amount",
        {"customer_id": customer.id, "amount": 1},
    )
    assert error_of(response) == (400, "CBC.5021")
    operations = [r["operation_type"] for r in partner_list(env, partner, RECORDS)["records"]]
    assert operations[:2] == ["switch_type", "approve"]


def test_switch_from_referral_to_resale_moves_nothing(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE, association_type=1)
    top_up(env, partner, "50")
    request = created(request_by_partner(env, partner, customer.id, "switch_type", target=2))
    assert customer.decide(request["request_id"], "approve").status_code == 200
    assert customer.partner_view()["association_type"] == 2
    assert partner_balance(env, partner) == Decimal("50.00")
    assert customer_balance(env, customer.id) is None  # no account was opened
    # Now a resale customer: it can be funded.
    response = signed_call(
        env,
        partner,
        "POST",
        "/v2/accounts/partner-accounts/adjust-amount",
        {"customer_id": customer.id, "amount": 5},
    )
    assert response.status_code == 200, response.text


def test_a_rejected_request_moves_nothing(env: Env) -> None:
    partner = make_partner(env)
    customer, quota_id, _ = funded_customer_with_vouchers(env, partner)
    request = created(request_by_partner(env, partner, customer.id))
    rejected = customer.decide(request["request_id"], "reject", reason="we still need you")
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["decision_reason"]) == (
        "rejected",
        "we still need you",
    )
    assert customer_balance(env, customer.id) == Decimal("120.50")
    assert quota_of(env, partner, quota_id).balance == Decimal("900.00")
    assert customer.partner_view()["partner_id"] == partner.id


# --- after a disassociation, the customer is missing to every partner operation ----------------------------


def _disassociated(env: Env, partner: PartnerHandle) -> tuple[Customer, str]:
    customer, _, (usable, _) = funded_customer_with_vouchers(env, partner)
    request = created(request_by_partner(env, partner, customer.id))
    assert customer.decide(request["request_id"], "approve").status_code == 200
    return customer, usable


def _body_of(response: Any) -> tuple[int, Any]:
    return response.status_code, response.json()


CUSTOMER_OPERATIONS: list[tuple[str, str, Any]] = [
    ("list A.4", "/v2/partners/sub-customers/query", lambda c: {"customer_id": c}),
    ("fund A.7", "/v2/accounts/partner-accounts/adjust-amount", lambda c: {"customer_id": c, "amount": 1}),
    ("reclaim A.8", "/v2/accounts/partner-accounts/reclaim", lambda c: {"customer_id": c, "amount": 1}),
    ("reveal", "/v2/partners/sub-customers/reveal", lambda c: {"customer_id": c, "field": "telephone"}),
    (
        "association request",
        PARTNER_REQUESTS,
        lambda c: {"customer_id": c, "request_type": "disassociate", "reason": "x"},
    ),
]


@pytest.mark.parametrize(
    ("operation", "path", "body"), CUSTOMER_OPERATIONS, ids=[op[0] for op in CUSTOMER_OPERATIONS]
)
def test_single_customer_operations_answer_as_for_a_missing_customer(
    env: Env, operation: str, path: str, body: Any
) -> None:
    partner = make_partner(env)
    customer, _ = _disassociated(env, partner)
    after = _body_of(signed_call(env, partner, "POST", path, body(customer.id)))
    missing = _body_of(signed_call(env, partner, "POST", path, body(new_id())))
    assert after == missing
    if operation == "list A.4":
        assert after == (200, {"customer_infos": [], "count": 0})
    else:
        assert after[1]["error_code"] == "CBC.99000035"


BATCH_OPERATIONS: list[tuple[str, str, Any]] = [
    (
        "batch funding",
        "/v2/accounts/partner-accounts/batch-adjust",
        lambda c: {"adjust_infos": [{"customer_id": c, "amount": 1}]},
    ),
    ("freeze", "/v2/partners/sub-customers/freeze", lambda c: {"customer_ids": [c], "reason": "arrears"}),
    ("unfreeze", "/v2/partners/sub-customers/unfreeze", lambda c: {"customer_ids": [c], "reason": "paid"}),
]


@pytest.mark.parametrize(
    ("operation", "path", "body"), BATCH_OPERATIONS, ids=[op[0] for op in BATCH_OPERATIONS]
)
def test_batch_operations_report_the_customer_as_missing(
    env: Env, operation: str, path: str, body: Any
) -> None:
    partner = make_partner(env)
    customer, _ = _disassociated(env, partner)
    unknown = new_id()
    after = signed_call(env, partner, "POST", path, body(customer.id)).json()["error_details"]
    missing = signed_call(env, partner, "POST", path, body(unknown)).json()["error_details"]
    assert [(d["error_code"], d["error_msg"]) for d in after] == [
        (d["error_code"], d["error_msg"]) for d in missing
    ]
    assert after[0]["error_code"] == "CBC.99000035" and after[0]["id"] == customer.id


def test_coupon_issue_refuses_the_customer_as_missing(env: Env) -> None:
    partner = make_partner(env)
    customer, _ = _disassociated(env, partner)
    quota_id = grant(env, partner, "100.00")
    after = issue(env, partner, quota_id, [customer.id], Decimal("10"))
    missing = issue(env, partner, quota_id, [new_id()], Decimal("10"))
    assert [(d.error_code, d.error_msg) for d in after.error_details] == [
        (d.error_code, d.error_msg) for d in missing.error_details
    ]
    assert after.error_details[0].error_code == "CBC.99000035"
    assert quota_of(env, partner, quota_id).balance == Decimal("100.00")


def test_coupon_reclaim_refuses_the_customer_as_missing(env: Env) -> None:
    partner = make_partner(env)
    customer, usable = _disassociated(env, partner)
    response = signed_call(
        env, partner, "POST", "/v2/promotions/benefits/partner-coupons/reclaim", {"coupon_id": usable}
    )
    assert error_of(response) == (400, "CBC.99000035")


def test_customer_balances_leave_the_customer_out(env: Env) -> None:
    partner = make_partner(env)
    customer, _ = _disassociated(env, partner)
    request = ListCustomersBalancesDetailRequest(
        body=QueryCustomersBalancesReq(customer_infos=[CustomerInfoV2(customer_id=customer.id)])
    )
    assert bss_client(env, partner).list_customers_balances_detail(request).customer_balances == []


def test_bind_mobile_code_refuses_the_customer_as_missing(env: Env) -> None:
    partner = make_partner(env)
    customer, _ = _disassociated(env, partner)
    body = {"receiver_type": 1, "mobile_phone": "13900000009", "scene": 18}
    after = _body_of(
        signed_call(
            env, partner, "POST", "/v2/bases/verificationcode/send", {**body, "customer_id": customer.id}
        )
    )
    missing = _body_of(
        signed_call(
            env, partner, "POST", "/v2/bases/verificationcode/send", {**body, "customer_id": new_id()}
        )
    )
    assert after == missing and after[0] == 400
