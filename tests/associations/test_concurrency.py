"""Races through the live server: one pending request per customer, and fundings or coupon issues racing a
disassociation never leave money or vouchers with a customer that is no longer the partner's."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from tests.associations.helpers import Customer, created, request_by_partner
from tests.funding.helpers import customer_balance, partner_balance, top_up
from tests.funding.test_concurrency import race
from tests.quotas.helpers import grant, quota_of
from tests.support import Env, make_partner, signed_call

MOBILE = "13800000012"


def test_concurrent_requests_for_one_customer_leave_exactly_one_pending(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    customer.token  # noqa: B018 - log in before the race

    def attempt(index: int) -> tuple[str, str]:
        if index % 2:
            response = customer.request_disassociation()
        else:
            response = request_by_partner(env, partner, customer.id, "switch_type", target=1)
        return (
            (
                "ok"
                if response.status_code == 200
                else f"{response.status_code} {response.json()['error_code']}"
            ),
            "",
        )

    outcomes = Counter(outcome for outcome, _ in race(12, attempt))
    assert outcomes == {"ok": 1, "400 CBC.99100101": 11}, outcomes


def test_fundings_and_coupon_issues_racing_the_approval_end_with_the_partner(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    top_up(env, partner, "100")
    quota_id = grant(env, partner, "100.00")
    request_id = created(request_by_partner(env, partner, customer.id))["request_id"]
    code = customer.code_for(request_id)

    def attempt(index: int) -> tuple[str, str]:
        if index == 0:
            response = customer.decide(request_id, "approve", code=code)
            return ("approved" if response.status_code == 200 else f"refused {response.text}"), ""
        if index % 2:
            body = {"customer_id": customer.id, "amount": 1}
            response = signed_call(env, partner, "POST", "/v2/accounts/partner-accounts/adjust-amount", body)
            return ("funded" if response.status_code == 200 else response.json()["error_code"]), ""
        body = {"quota_id": quota_id, "customer_ids": [customer.id], "face_value": 5}
        response = signed_call(env, partner, "POST", "/v2/promotions/benefits/partner-coupons", body)
        details = response.json().get("error_details") or []
        return ("issued" if response.status_code == 200 and not details else details[0]["error_code"]), ""

    outcomes = Counter(outcome for outcome, _ in race(11, attempt))
    assert outcomes["approved"] == 1, outcomes
    assert set(outcomes) <= {"approved", "funded", "issued", "CBC.99000035"}, outcomes
    # Whatever got in before the approval was reclaimed by it; nothing got in after it.
    assert customer_balance(env, customer.id) in (None, Decimal("0"))
    assert partner_balance(env, partner) == Decimal("100.00")
    assert quota_of(env, partner, quota_id).balance == Decimal("100.00")
