"""Coupon and quota reclaims honour ``X-Client-Token``: a client that lost the answer retries and gets it.

Without the key a retried reclaim answered an error (the coupon is already reclaimed; the child quota is
gone), so a client could not tell "done" from "refused". A replay needs no new step-up code either.
"""

from __future__ import annotations

from decimal import Decimal

from tests.quotas.helpers import books_balance_after_each_scenario, grant, issue_one, quota_of
from tests.stepup.helpers import HEADER, partner_with_contact, set_toggles, step_up_code
from tests.support import Env, make_customer, make_partner, signed_call

COUPON_RECLAIM = "/v2/promotions/benefits/partner-coupons/reclaim"
QUOTA_ISSUE = "/v2/partners/coupon-quotas/indirect-partner-adjust"
QUOTA_RECLAIM = "/v2/partners/coupon-quotas/indirect-partner-reclaim"
__all__ = ["books_balance_after_each_scenario"]  # every scenario ends with the ledger verified


def test_a_retried_coupon_reclaim_replays_its_204(env: Env) -> None:
    partner = make_partner(env)
    quota_id = grant(env, partner, "500.00")
    coupon_id = issue_one(env, partner, quota_id, make_customer(env, partner), "120.00")
    body = {"coupon_id": coupon_id}

    first = signed_call(env, partner, "POST", COUPON_RECLAIM, body, extra_headers={"X-Client-Token": "rc-1"})
    again = signed_call(env, partner, "POST", COUPON_RECLAIM, body, extra_headers={"X-Client-Token": "rc-1"})

    assert first.status_code == 204, first.text
    assert (again.status_code, again.content) == (204, b""), again.text
    assert again.headers.get("X-Idempotent-Replay") == "true"
    assert quota_of(env, partner, quota_id).balance == Decimal("500.00")
    other = signed_call(
        env, partner, "POST", COUPON_RECLAIM, {"coupon_id": "other"}, extra_headers={"X-Client-Token": "rc-1"}
    )
    assert (other.status_code, other.json()["error_code"]) == (409, "CBC.0409")


def test_a_retried_quota_reclaim_replays_its_answer(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    parent = grant(env, distributor, "1000.00")
    carved = signed_call(
        env,
        distributor,
        "POST",
        QUOTA_ISSUE,
        {"quota_id": parent, "indirect_partner_ids": [reseller.id], "quota_amount": 100},
    )
    child = carved.json()["simple_quota_infos"][0]["quota_id"]
    body = {"quota_ids": [child]}

    first = signed_call(
        env, distributor, "POST", QUOTA_RECLAIM, body, extra_headers={"X-Client-Token": "rq-1"}
    )
    again = signed_call(
        env, distributor, "POST", QUOTA_RECLAIM, body, extra_headers={"X-Client-Token": "rq-1"}
    )

    assert first.status_code == 200, first.text
    assert first.json()["error_details"] == []
    assert (again.status_code, again.content) == (200, first.content)
    assert again.headers.get("X-Idempotent-Replay") == "true"
    assert quota_of(env, distributor, parent).balance == Decimal("1000.00")


def test_a_replayed_reclaim_needs_no_new_step_up_code(env: Env) -> None:
    partner = partner_with_contact(env, "distributor", mobile="13900001111")
    quota_id = grant(env, partner, "500.00")
    coupon_id = issue_one(env, partner, quota_id, make_customer(env, partner), "50.00")
    set_toggles(env, partner, step_up_api=True)
    body = {"coupon_id": coupon_id}
    code = step_up_code(env, partner)

    first = signed_call(
        env, partner, "POST", COUPON_RECLAIM, body, extra_headers={"X-Client-Token": "su-1", HEADER: code}
    )
    again = signed_call(env, partner, "POST", COUPON_RECLAIM, body, extra_headers={"X-Client-Token": "su-1"})
    fresh = signed_call(env, partner, "POST", COUPON_RECLAIM, body, extra_headers={"X-Client-Token": "su-2"})

    assert first.status_code == 204, first.text
    assert again.status_code == 204, again.text
    assert (fresh.status_code, fresh.json()["error_code"]) == (403, "CBC.99100301")
