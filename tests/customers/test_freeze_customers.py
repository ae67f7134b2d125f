"""Freeze / unfreeze customer accounts (SPEC A.5/A.6) through the international SDK."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from partnerhub.customers.models import CustomerFreezeEvent
from partnerhub.db.session import session_scope
from tests.customers.helpers import freeze, list_customers, stored_customer, unfreeze
from tests.support import Env, make_customer, make_partner, signed_call

FREEZE = "/v2/partners/sub-customers/freeze"
UNFREEZE = "/v2/partners/sub-customers/unfreeze"


def details(response: Any) -> dict[str, str]:
    return {item.id: item.error_code for item in response.error_details or []}


def freeze_events(env: Env, customer_id: str) -> list[CustomerFreezeEvent]:
    with session_scope(env.ctx.sessions) as session:
        return list(
            session.query(CustomerFreezeEvent)
            .filter_by(customer_id=customer_id)
            .order_by(CustomerFreezeEvent.created_at)
        )


def test_freeze_and_unfreeze_all_answer_an_empty_body(env: Env) -> None:
    partner = make_partner(env)
    first, second = make_customer(env, partner), make_customer(env, partner)
    response = signed_call(
        env, partner, "POST", FREEZE, {"customer_ids": [first, second], "reason": "Arrears"}
    )
    assert (response.status_code, response.json()) == (200, {})
    assert stored_customer(env, first).freeze_type == "ACCOUNT"
    assert {info.is_frozen for info in list_customers(env, partner).customer_infos} == {1}
    unfrozen = unfreeze(env, partner, [first, second])
    assert unfrozen.status_code == 200 and unfrozen.error_details is None
    assert stored_customer(env, second).freeze_type is None


def test_freeze_records_who_when_how_and_why(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    freeze(env, partner, [customer], reason="Unpaid invoice", freeze_type="ACCOUNT_AND_RESOURCE")
    env.clock.advance(60)
    unfreeze(env, partner, [customer], reason="Settled", unfreeze_type="ACCOUNT_AND_RESOURCE")
    events = freeze_events(env, customer)
    assert [(e.action, e.freeze_type, e.reason) for e in events] == [
        ("freeze", "ACCOUNT_AND_RESOURCE", "Unpaid invoice"),
        ("unfreeze", "ACCOUNT_AND_RESOURCE", "Settled"),
    ]
    assert {(e.partner_id, e.operator_partner_id) for e in events} == {(partner.id, partner.id)}
    assert events[1].created_at == env.clock.now()


def test_partial_success_lists_only_the_failures(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    fine = make_customer(env, partner)
    already = make_customer(env, partner)
    referral = make_customer(env, partner, association_type=1)
    foreign = make_customer(env, other)
    freeze(env, partner, [already])
    response = freeze(env, partner, [fine, already, referral, foreign, "0" * 32])
    assert response.status_code == 200
    assert details(response) == {
        already: "CBC.99003656",
        referral: "CBC.5024",
        foreign: "CBC.99000035",
        "0" * 32: "CBC.99000035",
    }
    assert all(item.error_msg for item in response.error_details)
    assert stored_customer(env, fine).freeze_type == "ACCOUNT"
    assert stored_customer(env, foreign).freeze_type is None
    assert stored_customer(env, referral).freeze_type is None


def test_unfreeze_type_must_match_and_not_frozen_fails(env: Env) -> None:
    partner = make_partner(env)
    account_only, both, never = (make_customer(env, partner) for _ in range(3))
    freeze(env, partner, [account_only])
    freeze(env, partner, [both], freeze_type="ACCOUNT_AND_RESOURCE")
    response = unfreeze(env, partner, [account_only, both, never])  # default type ACCOUNT
    assert details(response) == {both: "CBC.0101", never: "CBC.0460"}
    (mismatch,) = [item for item in response.error_details if item.id == both]
    assert "unfreeze_type" in mismatch.error_msg
    assert stored_customer(env, account_only).freeze_type is None
    assert stored_customer(env, both).freeze_type == "ACCOUNT_AND_RESOURCE"
    assert details(unfreeze(env, partner, [both], unfreeze_type="ACCOUNT_AND_RESOURCE")) == {}
    assert stored_customer(env, both).freeze_type is None


def test_error_details_follow_the_requested_language(env: Env) -> None:
    partner = make_partner(env)
    body = {"customer_ids": ["0" * 32], "reason": "r"}
    english = signed_call(env, partner, "POST", FREEZE, body, extra_headers={"X-Language": "en-us"}).json()
    chinese = signed_call(env, partner, "POST", FREEZE, body, extra_headers={"X-Language": "zh-cn"}).json()
    assert english["error_details"] == [
        {"error_code": "CBC.99000035", "error_msg": "Not a sub-customer of the partner.", "id": "0" * 32}
    ]
    assert chinese["error_details"][0]["error_msg"] == "非合作伙伴子客户。"


def test_another_partner_cannot_freeze_or_unfreeze_my_customers(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    mine = make_customer(env, distributor)
    resold = make_customer(env, reseller)
    assert details(freeze(env, reseller, [mine])) == {mine: "CBC.99000035"}
    # The distributor reaches its reseller's customers only by naming the reseller.
    assert details(freeze(env, distributor, [resold])) == {resold: "CBC.99000035"}
    assert details(freeze(env, distributor, [resold], indirect_partner_id=reseller.id)) == {}
    assert stored_customer(env, resold).freeze_type == "ACCOUNT"
    assert details(unfreeze(env, make_partner(env), [resold])) == {resold: "CBC.99000035"}
    assert stored_customer(env, resold).freeze_type == "ACCOUNT"
    (event,) = freeze_events(env, resold)
    assert (event.partner_id, event.operator_partner_id) == (reseller.id, distributor.id)


def test_foreign_reseller_fails_the_whole_request(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    foreign = make_partner(env, "reseller", parent=make_partner(env, "distributor"))
    customer = make_customer(env, foreign)
    with pytest.raises(ClientRequestException) as raised:
        freeze(env, distributor, [customer], indirect_partner_id=foreign.id)
    assert (raised.value.status_code, raised.value.error_code) == (400, "CBC.99000037")
    assert stored_customer(env, customer).freeze_type is None


def test_the_same_id_twice_is_frozen_once(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    assert details(freeze(env, partner, [customer, customer])) == {}
    assert len(freeze_events(env, customer)) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "r"}, "customer_ids"),
        ({"customer_ids": [], "reason": "r"}, "customer_ids"),
        ({"customer_ids": [f"{n:032d}" for n in range(11)], "reason": "r"}, "customer_ids"),
        ({"customer_ids": ["a"]}, "reason"),
        ({"customer_ids": ["a"], "reason": ""}, "reason"),
        ({"customer_ids": ["a"], "reason": "r" * 257}, "reason"),
        ({"customer_ids": ["a"], "reason": "r", "freeze_type": ""}, "freeze_type"),
        ({"customer_ids": ["a"], "reason": "r", "freeze_type": "RESOURCE"}, "freeze_type"),
        ({"customer_ids": ["a"], "reason": "r", "freeze_type": "account"}, "freeze_type"),
        ({"customer_ids": "a", "reason": "r"}, "customer_ids"),
    ],
)
def test_bad_freeze_requests_are_parameter_errors(env: Env, body: dict[str, Any], field: str) -> None:
    response = signed_call(env, make_partner(env), "POST", FREEZE, body)
    assert (response.status_code, response.json()["error_code"]) == (400, "CBC.0100")
    assert field in response.json()["error_msg"]


@pytest.mark.parametrize(("value", "field"), [("", "unfreeze_type"), ("BOTH", "unfreeze_type")])
def test_bad_unfreeze_type_is_a_parameter_error(env: Env, value: str, field: str) -> None:
    with pytest.raises(ClientRequestException) as raised:
        unfreeze(env, make_partner(env), ["a"], unfreeze_type=value)
    assert (raised.value.status_code, raised.value.error_code) == (400, "CBC.0100")
    assert field in raised.value.error_msg


def test_ten_ids_and_a_256_character_reason_are_accepted(env: Env) -> None:
    partner = make_partner(env)
    ids = [make_customer(env, partner) for _ in range(10)]
    response = freeze(env, partner, ids, reason="r" * 256)
    assert response.status_code == 200 and response.error_details is None
    assert {info.is_frozen for info in list_customers(env, partner, limit=10).customer_infos} == {1}


def test_null_freeze_type_means_account(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    body = {"customer_ids": [customer], "reason": "r", "freeze_type": None, "indirect_partner_id": None}
    assert signed_call(env, partner, "POST", FREEZE, body).json() == {}
    assert stored_customer(env, customer).freeze_type == "ACCOUNT"
    response = signed_call(env, partner, "POST", UNFREEZE, {"customer_ids": [customer], "reason": "r"})
    assert response.json() == {}
