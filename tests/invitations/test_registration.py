"""Public registration through a link: 24-hour validity, single use, every refusal creating nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from huaweicloudsdkbss.v2 import ListIndirectPartnersRequest, QueryIndirectPartnersReq

from partnerhub.db.session import session_scope
from partnerhub.partners.models import Partner
from tests.auth.test_api_auth import _login
from tests.invitations.helpers import (
    PASSWORD,
    Link,
    distributor,
    error_code,
    invite,
    partner_count,
    public,
    register,
    registration,
    registration_code,
)
from tests.stepup.helpers import events
from tests.support import Env, bss_client, make_customer, make_partner

MOBILE = "13811112222"


def test_the_link_shows_who_invites_until_it_expires(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    shown = public(env, "GET", f"/{link.token}")
    assert shown.status_code == 200
    with session_scope(env.ctx.sessions) as session:
        row = session.get(Partner, partner.id)
        assert row is not None
        name = row.name
    assert shown.json() == {"distributor_name": name, "expire_time": link.expire_time}
    assert error_code(public(env, "GET", "/" + "x" * 43)) == (404, "CBC.99100202")
    assert error_code(public(env, "GET", "/" + "x" * 300)) == (404, "CBC.99100202")


def test_a_registration_at_23_59_works_and_the_reseller_is_listed_and_logs_in(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    env.clock.advance(timedelta(hours=23, minutes=57, seconds=58))  # invite() already moved 61 s: 23:58:59
    code = registration_code(env, link, MOBILE)
    env.clock.advance(60)  # 23:59:59 after creation
    before = partner_count(env)
    response = register(env, link, registration("new-reseller", "0086" + MOBILE, code))
    assert response.status_code == 200, response.text
    reseller_id = response.json()["partner_id"]
    assert response.json() == {"partner_id": reseller_id, "login": "new-reseller"}
    assert partner_count(env) == before + 1
    with session_scope(env.ctx.sessions) as session:
        row = session.get(Partner, reseller_id)
        assert row is not None
        assert (row.kind, row.parent_id, row.mobile, row.email) == (
            "reseller",
            partner.id,
            MOBILE,
            "sales@reseller.example",
        )
        assert row.password_hash and PASSWORD not in row.password_hash
        assert row.associated_on == env.clock.now()
    listed = bss_client(env, partner).list_indirect_partners(
        ListIndirectPartnersRequest(body=QueryIndirectPartnersReq())
    )
    assert [(p.indirect_partner_id, p.account_name, p.mobile_phone) for p in listed.indirect_partners] == [
        (reseller_id, "new-reseller", "138****2222")
    ]
    status, token = _login(env, "new-reseller", PASSWORD)
    assert status == 201 and token
    (event,) = events(env, "reseller.registered", partner)
    assert event.target_id == reseller_id and event.actor == f"partner:{reseller_id}"
    assert json.loads(event.details) == {"invitation_id": link.invitation_id, "account_name": "new-reseller"}
    assert MOBILE not in event.details


def test_at_24_01_the_link_is_expired_and_nothing_is_created(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    env.clock.advance(timedelta(hours=23, minutes=58))  # 23:59:01: a code can still be sent
    code = registration_code(env, link, MOBILE)
    env.clock.advance(timedelta(minutes=2))  # 24:01:01, the code itself is still fresh
    before = partner_count(env)
    assert error_code(register(env, link, registration("late-reseller", MOBILE, code))) == (
        410,
        "CBC.99100203",
    )
    assert error_code(public(env, "GET", f"/{link.token}")) == (410, "CBC.99100203")
    sent = public(env, "POST", f"/{link.token}/verification-code", {"mobile_phone": "13811113333"})
    assert error_code(sent) == (410, "CBC.99100203")
    assert partner_count(env) == before


def test_a_used_link_is_refused(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    code = registration_code(env, link, MOBILE)
    assert register(env, link, registration("first-reseller", MOBILE, code)).status_code == 200
    before = partner_count(env)
    env.clock.advance(61)
    assert error_code(register(env, link, registration("second-reseller", "13811113333", code))) == (
        410,
        "CBC.99100204",
    )
    assert error_code(public(env, "GET", f"/{link.token}")) == (410, "CBC.99100204")
    resend = public(env, "POST", f"/{link.token}/verification-code", {"mobile_phone": "13811113333"})
    assert error_code(resend) == (410, "CBC.99100204")
    assert partner_count(env) == before


def test_a_mobile_another_partner_uses_is_refused_with_nothing_created(env: Env) -> None:
    partner = distributor(env)
    make_partner(env, "solution_provider", mobile=MOBILE)
    link = invite(env, partner)
    before = partner_count(env)
    refused = public(env, "POST", f"/{link.token}/verification-code", {"mobile_phone": MOBILE})
    assert error_code(refused) == (400, "CBC.99000029")
    # Even with a code obtained for it earlier (the other partner registered meanwhile), registration refuses.
    other_link = invite(env, partner)
    late_mobile = "13811119999"
    code = registration_code(env, other_link, late_mobile)
    make_partner(env, "solution_provider", mobile=late_mobile)
    before = partner_count(env)
    assert error_code(register(env, other_link, registration("taken-mobile", late_mobile, code))) == (
        400,
        "CBC.99000029",
    )
    assert partner_count(env) == before
    # The link is still usable with another mobile.
    fresh = registration_code(env, other_link, "13811118888")
    assert register(env, other_link, registration("fine-mobile", "13811118888", fresh)).status_code == 200


def test_the_distributors_own_mobile_cannot_register(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    refused = public(env, "POST", f"/{link.token}/verification-code", {"mobile_phone": "13900001111"})
    assert error_code(refused) == (400, "CBC.99000029")


def test_wrong_and_expired_codes_create_nothing(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    code = registration_code(env, link, MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    before = partner_count(env)
    assert error_code(register(env, link, registration("code-reseller", MOBILE, wrong))) == (
        400,
        "CBC.99004010",
    )
    env.clock.advance(timedelta(minutes=10, seconds=1))
    assert error_code(register(env, link, registration("code-reseller", MOBILE, code))) == (
        400,
        "CBC.99004008",
    )
    assert partner_count(env) == before
    fresh = registration_code(env, link, MOBILE)
    for _ in range(3):
        assert error_code(register(env, link, registration("code-reseller", MOBILE, wrong))) == (
            400,
            "CBC.99004010",
        )
    assert error_code(register(env, link, registration("code-reseller", MOBILE, fresh))) == (
        400,
        "CBC.99004009",
    )
    assert partner_count(env) == before
    # A registration code is bound to the inviting distributor: one sent through another's link is wrong here.
    other = distributor(env, mobile="13900002222")
    other_link = invite(env, other)
    foreign = registration_code(env, other_link, "13811113333")
    before = partner_count(env)
    refused = register(env, link, registration("code-reseller", "13811113333", foreign))
    assert error_code(refused) == (400, "CBC.99004010")
    assert partner_count(env) == before


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"password": "short1A"}, (400, "CBC.99000036")),
        ({"password": "alllowercaseletters"}, (400, "CBC.99000036")),
        ({"password": "Ab13811112222"}, (400, "CBC.99000036")),  # contains the mobile
        ({"password": "new-reseller"}, (400, "CBC.99000036")),  # the login name itself
        ({"password": "new-reseller"[::-1]}, (400, "CBC.99000036")),  # ...or reversed
        ({"password": None}, (400, "CBC.0100")),
        ({"login": "1digitfirst"}, (400, "CBC.99000031")),
        ({"login": "abc"}, (400, "CBC.99000031")),
        ({"login": None}, (400, "CBC.0100")),
        ({"name": ""}, (400, "CBC.0100")),
        ({"name": "x" * 65}, (400, "CBC.0100")),
        ({"name": "bad\u0000name"}, (400, "CBC.0100")),
        ({"email": "not-an-email"}, (400, "CBC.0100")),
        ({"mobile_phone": "12345"}, (400, "CBC.0100")),
        ({"verification_code": None}, (400, "CBC.0100")),
        ({"verification_code": "1234567"}, (400, "CBC.0100")),
    ],
)
def test_invalid_registrations_create_nothing(
    env: Env, fields: dict[str, object], expected: tuple[int, str]
) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    code = registration_code(env, link, MOBILE)
    before = partner_count(env)
    response = register(env, link, {**registration("new-reseller", MOBILE, code), **fields})
    assert error_code(response) == expected, response.text
    assert partner_count(env) == before
    # No attempt was spent: the same code still registers.
    assert register(env, link, registration("new-reseller", MOBILE, code)).status_code == 200


def test_a_weak_password_says_what_is_wrong(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    code = registration_code(env, link, MOBILE)
    body = registration("new-reseller", MOBILE, code, password="alllowercaseletters")
    response = public(env, "POST", f"/{link.token}", body, **{"X-Language": "en-us"})
    assert "two of" in response.json()["error_msg"]


def test_a_taken_login_is_refused_whether_a_partner_or_a_customer_holds_it(env: Env) -> None:
    partner = distributor(env)
    make_customer(env, partner, name="customer-login")
    existing = make_partner(env, "solution_provider")
    link = invite(env, partner)
    code = registration_code(env, link, MOBILE)
    before = partner_count(env)
    for login in ("customer-login", "CUSTOMER-LOGIN", existing.login):
        refused = register(env, link, registration(login, MOBILE, code))
        assert error_code(refused) == (400, "CBC.99000038"), login
    assert partner_count(env) == before


def test_a_revoked_or_unknown_link_registers_nobody(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    code = registration_code(env, link, MOBILE)
    from tests.invitations.helpers import INVITATIONS
    from tests.support import signed_call

    assert signed_call(env, partner, "DELETE", f"{INVITATIONS}/{link.invitation_id}").status_code == 200
    before = partner_count(env)
    assert error_code(register(env, link, registration("revoked-link", MOBILE, code))) == (
        410,
        "CBC.99100205",
    )
    unknown = Link("0" * 32, "http://x/register/reseller/" + "A" * 43, "")
    assert error_code(register(env, unknown, registration("unknown-link", MOBILE, code))) == (
        404,
        "CBC.99100202",
    )
    assert partner_count(env) == before


def test_a_restricted_distributor_cannot_take_resellers(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    code = registration_code(env, link, MOBILE)
    with session_scope(env.ctx.sessions) as session:
        row = session.get(Partner, partner.id)
        assert row is not None
        row.status = "restricted"
    before = partner_count(env)
    assert error_code(register(env, link, registration("restricted", MOBILE, code))) == (400, "CBC.99100208")
    assert error_code(public(env, "GET", f"/{link.token}")) == (400, "CBC.99100208")
    assert partner_count(env) == before


def test_codes_per_link_are_capped(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env.ctx.settings, "invitation_codes_per_link", 2)
    partner = distributor(env)
    link = invite(env, partner)
    registration_code(env, link, "13811110001")
    registration_code(env, link, "13811110002")
    third = public(env, "POST", f"/{link.token}/verification-code", {"mobile_phone": "13811110003"})
    assert error_code(third) == (400, "CBC.99100207")
    # A refused send does not count, and the per-number cool-down still applies.
    fresh = invite(env, partner)
    registration_code(env, fresh, "13811110004")
    again = public(env, "POST", f"/{fresh.token}/verification-code", {"mobile_phone": "13811110004"})
    assert error_code(again) == (400, "CBC.99004016")
    env.clock.advance(61)
    registration_code(env, fresh, "13811110004")


def test_public_routes_are_rate_limited_per_client_address(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    limits = env.ctx.settings.rate_limits
    saved = limits.public_registration_per_second
    limits.public_registration_per_second = 2
    try:
        statuses = [public(env, "GET", f"/{link.token}") for _ in range(7)]
        limited = [r for r in statuses if r.status_code == 429]
        assert limited, [r.status_code for r in statuses]
        assert sum(r.status_code == 200 for r in statuses) <= 4  # seven calls span at most two windows
        assert all(
            r.json()["error_code"] == "CBC.0250" and int(r.headers["retry-after"]) >= 1 for r in limited
        )
    finally:
        limits.public_registration_per_second = saved
