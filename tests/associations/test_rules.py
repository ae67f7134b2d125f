"""Every rule of association requests, over HTTP, in both directions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from partnerhub.kit.ids import new_id
from tests.associations.helpers import (
    CUSTOMER_REQUESTS,
    PARTNER_REQUESTS,
    REASON,
    Customer,
    created,
    error_of,
    partner_call,
    partner_decides,
    partner_list,
    request_by_partner,
    stored_request,
)
from tests.quotas.helpers import freeze
from tests.support import Env, make_partner

MOBILE = "13800000002"


def test_a_partner_request_answers_the_request(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    body = created(
        request_by_partner(env, partner, customer.id, "switch_type", target=1, reason="moving to self-pay")
    )
    now = env.clock.now()
    assert len(body["request_id"]) == 32 and all(c in "0123456789abcdef" for c in body["request_id"])
    assert body == {
        "request_id": body["request_id"],
        "customer_id": customer.id,
        "request_type": "switch_type",
        "target_association_type": 1,
        "initiator": "partner",
        "reason": "moving to self-pay",
        "status": "pending",
        "create_time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "expire_time": (now + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "decide_time": None,
        "decision_reason": None,
    }


def test_another_partners_customer_and_a_missing_one_answer_alike(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    foreign = Customer(env, other, mobile=MOBILE)
    first = request_by_partner(env, partner, foreign.id)
    second = request_by_partner(env, partner, new_id())
    assert (first.status_code, first.json()) == (second.status_code, second.json())
    assert error_of(first) == (400, "CBC.99000035")


def test_one_pending_request_per_customer_whoever_initiates(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    created(request_by_partner(env, partner, customer.id))
    assert error_of(request_by_partner(env, partner, customer.id, "switch_type", target=1)) == (
        400,
        "CBC.99100101",
    )
    assert error_of(customer.request_disassociation()) == (400, "CBC.99100101")


def test_a_frozen_customer_must_be_unfrozen_before_the_partner_requests(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    freeze(env, customer.id)
    assert error_of(request_by_partner(env, partner, customer.id)) == (400, "CBC.99100103")
    assert error_of(request_by_partner(env, partner, customer.id, "switch_type", target=1)) == (
        400,
        "CBC.99100103",
    )


def test_a_frozen_customers_request_cannot_be_approved_until_unfrozen(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    request = created(customer.request_disassociation())
    freeze(env, customer.id)
    assert error_of(partner_decides(env, partner, request["request_id"], "approve")) == (400, "CBC.99100103")
    assert stored_request(env, request["request_id"]).status == "pending"
    # It can still be rejected.
    rejected = partner_decides(
        env, partner, request["request_id"], "reject", {"reason": "settle arrears first"}
    )
    assert rejected.status_code == 200, rejected.text


@pytest.mark.parametrize(("current", "target"), [(2, 2), (1, 1), (2, 3), (2, 0)])
def test_a_switch_goes_between_1_and_2_never_to_the_current_type(env: Env, current: int, target: int) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE, association_type=current)
    response = request_by_partner(env, partner, customer.id, "switch_type", target=target)
    assert error_of(response) == (400, "CBC.99100104")


def test_at_most_three_disassociation_requests_per_initiator_in_90_days(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    for _ in range(3):
        request = created(request_by_partner(env, partner, customer.id))
        assert partner_decides(env, partner, request["request_id"], "cancel").status_code == 200
        env.clock.advance(timedelta(days=1))
    assert error_of(request_by_partner(env, partner, customer.id)) == (400, "CBC.99100102")
    # Switches are not disassociations; the customer's own allowance is separate.
    created(request_by_partner(env, partner, customer.id, "switch_type", target=1))
    partner_decides(env, partner, stored_pending(env, partner), "cancel")
    created(customer.request_disassociation())
    # 90 days after the first, one request is free again.
    partner_decides(env, partner, stored_pending(env, partner), "reject", {"reason": "no"})
    env.clock.advance(timedelta(days=88))
    created(request_by_partner(env, partner, customer.id))


def stored_pending(env: Env, partner: Any) -> str:
    pending = partner_list(env, partner, status="pending")["requests"]
    assert len(pending) == 1
    return str(pending[0]["request_id"])


def test_the_cap_counts_the_customers_own_requests_separately(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    for _ in range(3):
        request = created(customer.request_disassociation())
        partner_decides(env, partner, request["request_id"], "reject", {"reason": "no"})
    assert error_of(customer.request_disassociation()) == (400, "CBC.99100102")
    created(request_by_partner(env, partner, customer.id))


def test_the_cap_is_a_setting(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env.ctx.settings, "association_request_cap", 1)
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    request = created(request_by_partner(env, partner, customer.id))
    partner_decides(env, partner, request["request_id"], "cancel")
    assert error_of(request_by_partner(env, partner, customer.id)) == (400, "CBC.99100102")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"request_type": "disassociate", "reason": REASON}, "customer_id"),
        ({"customer_id": "CID", "reason": REASON}, "request_type"),
        ({"customer_id": "CID", "request_type": "divorce", "reason": REASON}, "request_type"),
        ({"customer_id": "CID", "request_type": "disassociate"}, "reason"),
        ({"customer_id": "CID", "request_type": "disassociate", "reason": ""}, "reason"),
        ({"customer_id": "CID", "request_type": "disassociate", "reason": "   "}, "reason"),
        ({"customer_id": "CID", "request_type": "disassociate", "reason": "x" * 257}, "reason"),
        ({"customer_id": "CID", "request_type": "switch_type", "reason": REASON}, "target_association_type"),
        (
            {
                "customer_id": "CID",
                "request_type": "disassociate",
                "target_association_type": 1,
                "reason": REASON,
            },
            "target_association_type",
        ),
    ],
)
def test_bad_fields_are_refused_naming_the_field_and_change_nothing(
    env: Env, body: dict[str, Any], field: str
) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    filled = {key: customer.id if value == "CID" else value for key, value in body.items()}
    response = partner_call(env, partner, "POST", PARTNER_REQUESTS, filled, language="en-us")
    assert error_of(response) == (400, "CBC.0100")
    assert field in response.json()["error_msg"]
    assert partner_list(env, partner)["total_count"] == 0


def test_a_reason_of_256_characters_is_accepted(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    assert created(request_by_partner(env, partner, customer.id, reason="因" * 256))["reason"] == "因" * 256


def test_customers_may_only_ask_to_disassociate(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    response = customer.call("POST", CUSTOMER_REQUESTS, {"request_type": "switch_type", "reason": REASON})
    assert error_of(response) == (400, "CBC.0100")


def test_a_customer_without_a_partner_cannot_request(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    request = created(request_by_partner(env, partner, customer.id))
    assert customer.decide(request["request_id"], "approve").status_code == 200
    assert error_of(customer.request_disassociation()) == (400, "CBC.99100109")


def test_partner_tokens_and_customer_tokens_stay_on_their_side(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    response = customer.call(
        "POST",
        PARTNER_REQUESTS,
        {"customer_id": customer.id, "request_type": "disassociate", "reason": REASON},
    )
    assert response.status_code == 403
    assert partner_call(env, partner, "GET", "/v2/customers/partner").status_code == 403


# --- decisions: who may move what -------------------------------------------------------------------------


def test_the_initiator_cannot_decide_its_own_request(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    mine = created(request_by_partner(env, partner, customer.id))
    assert error_of(partner_decides(env, partner, mine["request_id"], "approve")) == (400, "CBC.99100106")
    assert error_of(partner_decides(env, partner, mine["request_id"], "reject", {"reason": "x"})) == (
        400,
        "CBC.99100106",
    )
    partner_decides(env, partner, mine["request_id"], "cancel")
    theirs = created(customer.request_disassociation())
    # A customer asking for a code to decide its own request is refused the same way.
    response = customer.call("POST", f"{CUSTOMER_REQUESTS}/{theirs['request_id']}/verification-code")
    assert error_of(response) == (400, "CBC.99100106")
    assert error_of(customer.decide(theirs["request_id"], "approve", code="123456")) == (400, "CBC.99100106")


def test_only_the_initiator_cancels(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    theirs = created(customer.request_disassociation())
    assert error_of(partner_decides(env, partner, theirs["request_id"], "cancel")) == (400, "CBC.99100107")
    assert stored_request(env, theirs["request_id"]).status == "pending"


@pytest.mark.parametrize("first", ["approve", "reject", "cancel"])
def test_only_a_pending_request_moves(env: Env, first: str) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    request = created(request_by_partner(env, partner, customer.id, "switch_type", target=1))
    request_id = request["request_id"]
    if first == "cancel":
        assert partner_decides(env, partner, request_id, "cancel").status_code == 200
    else:
        assert customer.decide(request_id, first, reason="ok").status_code == 200
    assert error_of(partner_decides(env, partner, request_id, "cancel")) == (400, "CBC.99100105")
    assert error_of(customer.decide(request_id, "approve", code="123456")) == (400, "CBC.99100105")
    assert error_of(customer.decide(request_id, "reject", code="123456", reason="x")) == (400, "CBC.99100105")


def test_a_rejection_needs_a_reason_an_approval_does_not(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    request = created(customer.request_disassociation())
    assert error_of(partner_decides(env, partner, request["request_id"], "reject", {})) == (400, "CBC.0100")
    assert error_of(
        partner_decides(env, partner, request["request_id"], "approve", {"reason": "x" * 257})
    ) == (400, "CBC.0100")
    assert stored_request(env, request["request_id"]).status == "pending"
    approved = partner_decides(env, partner, request["request_id"], "approve", {})
    assert approved.status_code == 200 and approved.json()["decision_reason"] is None


def test_requests_of_others_answer_as_missing(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    neighbour = Customer(env, other, mobile="13800000003")
    request = created(customer.request_disassociation())
    missing = new_id()
    for action, body in (("approve", {}), ("reject", {"reason": "x"}), ("cancel", {})):
        foreign = partner_decides(env, other, request["request_id"], action, body)
        unknown = partner_decides(env, other, missing, action, body)
        assert (foreign.status_code, foreign.json()) == (unknown.status_code, unknown.json())
        assert error_of(foreign) == (404, "CBC.99100108")
    for path in ("verification-code", "approve", "reject"):
        foreign = neighbour.call(
            "POST",
            f"{CUSTOMER_REQUESTS}/{request['request_id']}/{path}",
            {"verification_code": "1", "reason": "x"},
        )
        unknown = neighbour.call(
            "POST", f"{CUSTOMER_REQUESTS}/{missing}/{path}", {"verification_code": "1", "reason": "x"}
        )
        assert (foreign.status_code, foreign.json()) == (unknown.status_code, unknown.json())
        assert error_of(foreign) == (404, "CBC.99100108")
    assert partner_list(env, other)["total_count"] == 0
    assert neighbour.call("GET", CUSTOMER_REQUESTS).json() == {"total_count": 0, "requests": []}
    assert stored_request(env, request["request_id"]).status == "pending"


# --- the customer's verification code ------------------------------------------------------------------


def test_a_customer_decision_needs_the_code_sent_for_it(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    request = created(request_by_partner(env, partner, customer.id))
    request_id = request["request_id"]
    no_code = customer.call("POST", f"{CUSTOMER_REQUESTS}/{request_id}/approve", {})
    assert error_of(no_code) == (400, "CBC.0100")
    code = customer.code_for(request_id)
    wrong = "000000" if code != "000000" else "111111"
    assert error_of(customer.decide(request_id, "approve", code=wrong)) == (400, "CBC.99004010")
    assert stored_request(env, request_id).status == "pending"
    assert customer.decide(request_id, "approve", code=code).status_code == 200


def test_three_wrong_codes_exhaust_it_and_an_expired_code_is_refused(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    request_id = created(request_by_partner(env, partner, customer.id))["request_id"]
    code = customer.code_for(request_id)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        assert error_of(customer.decide(request_id, "reject", code=wrong, reason="no")) == (
            400,
            "CBC.99004010",
        )
    assert error_of(customer.decide(request_id, "reject", code=code, reason="no")) == (400, "CBC.99004009")
    env.clock.advance(timedelta(minutes=2))
    fresh = customer.code_for(request_id)
    env.clock.advance(timedelta(minutes=10))
    assert error_of(customer.decide(request_id, "reject", code=fresh, reason="no")) == (400, "CBC.99004008")
    assert stored_request(env, request_id).status == "pending"


def test_the_code_goes_to_the_email_without_a_mobile_and_nowhere_without_either(env: Env) -> None:
    partner = make_partner(env)
    by_mail = Customer(env, partner, mobile=None, email="bob@example.com")
    request_id = created(request_by_partner(env, partner, by_mail.id))["request_id"]
    assert by_mail.decide(request_id, "approve").status_code == 200  # code_for reads the e-mail outbox
    nothing = Customer(env, partner, mobile=None)
    other_id = created(request_by_partner(env, partner, nothing.id))["request_id"]
    response = nothing.call("POST", f"{CUSTOMER_REQUESTS}/{other_id}/verification-code", language="en-us")
    assert error_of(response) == (400, "CBC.99100110")
    assert "Bind a mobile number or an e-mail address" in response.json()["error_msg"]
