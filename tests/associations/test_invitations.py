"""Re-association by invitation: the partner invites by login name and cannot tell whether the login exists;
a customer without a partner sees and accepts it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from partnerhub.kit.clock import format_utc
from tests.associations.helpers import (
    CUSTOMER_INVITATIONS,
    INVITATIONS,
    NOTIFICATIONS,
    RECORDS,
    Customer,
    associations_of,
    audit_texts,
    created,
    error_of,
    partner_call,
    partner_list,
    request_by_partner,
)
from tests.customers.helpers import set_partner_status
from tests.support import Env, PartnerHandle, make_partner

MOBILE = "13800000005"


def free_customer(
    env: Env, former: PartnerHandle, login: str = "free-customer", mobile: str = MOBILE
) -> Customer:
    customer = Customer(env, former, mobile=mobile, login=login)
    request = created(request_by_partner(env, former, customer.id))
    assert customer.decide(request["request_id"], "approve").status_code == 200
    return customer


def invite(env: Env, partner: PartnerHandle, login: str, association_type: int = 2) -> dict[str, str]:
    response = partner_call(
        env, partner, "POST", INVITATIONS, {"domain_name": login, "association_type": association_type}
    )
    assert response.status_code == 200, response.text
    result: dict[str, str] = response.json()
    return result


def test_the_answer_is_the_same_whether_the_login_exists_or_not(env: Env) -> None:
    former, partner = make_partner(env), make_partner(env)
    free_customer(env, former)
    taken = Customer(env, former, mobile="13800000006", login="has-a-partner")
    expected_expiry = format_utc(env.clock.now() + timedelta(days=7))
    answers = [invite(env, partner, login) for login in ("free-customer", "no-such-login", taken.login)]
    for answer in answers:
        assert set(answer) == {"invitation_id", "expire_time"}
        assert len(answer["invitation_id"]) == 32 and answer["expire_time"] == expected_expiry
    assert len({answer["invitation_id"] for answer in answers}) == 3
    # Only the free customer sees one; the associated customer sees nothing.
    assert taken.call("GET", CUSTOMER_INVITATIONS).json() == {"total_count": 0, "invitations": []}
    # The audit events do not say which login was invited nor whether it reached anyone.
    assert not any("free-customer" in text or "no-such-login" in text for text in audit_texts(env))


def test_a_free_customer_accepts_and_is_associated(env: Env) -> None:
    former, partner = make_partner(env), make_partner(env)
    customer = free_customer(env, former)
    invitation = invite(env, partner, "FREE-customer", association_type=1)  # login names ignore case
    listed = customer.call("GET", CUSTOMER_INVITATIONS).json()
    assert listed["total_count"] == 1
    (shown,) = listed["invitations"]
    assert (shown["invitation_id"], shown["partner_id"], shown["association_type"], shown["status"]) == (
        invitation["invitation_id"],
        partner.id,
        1,
        "pending",
    )
    accepted = customer.call("POST", f"{CUSTOMER_INVITATIONS}/{invitation['invitation_id']}/accept")
    assert accepted.status_code == 200, accepted.text
    view = accepted.json()
    assert (view["partner_id"], view["association_type"], view["pending_request"]) == (partner.id, 1, None)
    assert customer.partner_view()["partner_id"] == partner.id
    history = associations_of(env, customer.id)
    assert sorted((a.partner_id, a.active_customer_id is not None) for a in history) == sorted(
        [(former.id, False), (partner.id, True)]
    )
    # The new partner sees the customer, the association record and a notification; the former one does not.
    listed_customers = partner_call(env, partner, "POST", "/v2/partners/sub-customers/query", {}).json()
    assert [c["customer_id"] for c in listed_customers["customer_infos"]] == [customer.id]
    assert [r["operation_type"] for r in partner_list(env, partner, RECORDS)["records"]] == ["associate"]
    notes = partner_list(env, partner, NOTIFICATIONS)["notifications"]
    assert [n["event"] for n in notes] == ["association_invitation.accepted"]
    assert partner_call(env, former, "POST", "/v2/partners/sub-customers/query", {}).json()["count"] == 0
    # Accepting again, or another invitation, is refused.
    again = customer.call("POST", f"{CUSTOMER_INVITATIONS}/{invitation['invitation_id']}/accept")
    assert error_of(again) == (400, "CBC.99100112")


def test_a_customer_with_a_partner_cannot_accept(env: Env) -> None:
    former, partner, third = make_partner(env), make_partner(env), make_partner(env)
    customer = free_customer(env, former)
    first = invite(env, partner, customer.login)
    second = invite(env, third, customer.login)
    assert customer.call("POST", f"{CUSTOMER_INVITATIONS}/{first['invitation_id']}/accept").status_code == 200
    # Accepting one superseded the other.
    statuses = {
        i["invitation_id"]: i["status"]
        for i in customer.call("GET", CUSTOMER_INVITATIONS).json()["invitations"]
    }
    assert statuses == {first["invitation_id"]: "accepted", second["invitation_id"]: "superseded"}
    response = customer.call("POST", f"{CUSTOMER_INVITATIONS}/{second['invitation_id']}/accept")
    assert error_of(response) == (400, "CBC.99100112")


def test_a_newer_invitation_of_the_same_partner_supersedes_the_older(env: Env) -> None:
    former, partner = make_partner(env), make_partner(env)
    customer = free_customer(env, former)
    old = invite(env, partner, customer.login)
    new = invite(env, partner, customer.login, association_type=1)
    response = customer.call("POST", f"{CUSTOMER_INVITATIONS}/{old['invitation_id']}/accept")
    assert error_of(response) == (400, "CBC.99100112")
    assert customer.call("POST", f"{CUSTOMER_INVITATIONS}/{new['invitation_id']}/accept").status_code == 200


def test_an_invitation_expires_after_7_days(env: Env) -> None:
    former, partner = make_partner(env), make_partner(env)
    customer = free_customer(env, former)
    invitation = invite(env, partner, customer.login)
    env.clock.advance(timedelta(days=7))
    assert customer.call("GET", CUSTOMER_INVITATIONS).json()["invitations"][0]["status"] == "expired"
    response = customer.call("POST", f"{CUSTOMER_INVITATIONS}/{invitation['invitation_id']}/accept")
    assert error_of(response) == (400, "CBC.99100112")
    assert customer.partner_view()["partner_id"] is None


def test_someone_elses_invitation_answers_as_missing(env: Env) -> None:
    former, partner = make_partner(env), make_partner(env)
    customer = free_customer(env, former)
    other = free_customer(env, former, login="other-free", mobile="13800000007")
    invitation = invite(env, partner, customer.login)
    foreign = other.call("POST", f"{CUSTOMER_INVITATIONS}/{invitation['invitation_id']}/accept")
    missing = other.call("POST", f"{CUSTOMER_INVITATIONS}/{'0' * 32}/accept")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert error_of(foreign) == (404, "CBC.99100111")


def test_a_restricted_partner_cannot_invite_or_be_accepted(env: Env) -> None:
    former, partner = make_partner(env), make_partner(env)
    customer = free_customer(env, former)
    invitation = invite(env, partner, customer.login)
    set_partner_status(env, partner, "restricted")
    response = partner_call(
        env, partner, "POST", INVITATIONS, {"domain_name": customer.login, "association_type": 2}
    )
    assert error_of(response) == (400, "CBC.50010085")
    response = customer.call("POST", f"{CUSTOMER_INVITATIONS}/{invitation['invitation_id']}/accept")
    assert error_of(response) == (400, "CBC.50010085")
    assert customer.partner_view()["partner_id"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"association_type": 2},
        {"domain_name": "", "association_type": 2},
        {"domain_name": "x"},
        {"domain_name": "x", "association_type": 3},
    ],
)
def test_bad_invitation_fields(env: Env, body: dict[str, object]) -> None:
    partner = make_partner(env)
    assert error_of(partner_call(env, partner, "POST", INVITATIONS, body)) == (400, "CBC.0100")
