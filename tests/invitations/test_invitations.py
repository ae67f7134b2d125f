"""A distributor's invitations: the code to its own contact, single-use links stored hashed, list, revoke."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from partnerhub.audit.models import AuditEvent
from partnerhub.db.session import session_scope
from partnerhub.invitations.models import ResellerInvitation
from partnerhub.kit.clock import format_utc
from partnerhub.verification.models import OutboxMessage
from tests.invitations.helpers import (
    DISTRIBUTOR_EMAIL,
    DISTRIBUTOR_MOBILE,
    INVITATION_CODE,
    INVITATIONS,
    distributor,
    error_code,
    invite,
    public,
    register,
    registration,
    registration_code,
)
from tests.stepup.helpers import events, failures
from tests.support import Env, make_partner, sent_code, signed_call


def outbox_recipients(env: Env) -> list[str]:
    with session_scope(env.ctx.sessions) as session:
        return [row.recipient for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_the_code_goes_to_the_distributors_own_mobile_or_email_only(env: Env) -> None:
    partner = distributor(env)
    # An address in the body is ignored: the code can only go to the distributor's own contact.
    body = {"receiver_type": 1, "mobile_phone": "13700000000", "email": "attacker@example.com"}
    assert signed_call(env, partner, "POST", INVITATION_CODE, body).status_code == 204
    env.clock.advance(61)
    assert signed_call(env, partner, "POST", INVITATION_CODE, {**body, "receiver_type": 2}).status_code == 204
    assert outbox_recipients(env) == [DISTRIBUTOR_MOBILE, DISTRIBUTOR_EMAIL]
    for bad in ({}, {"receiver_type": 3}, {"receiver_type": "1x"}):
        assert error_code(signed_call(env, partner, "POST", INVITATION_CODE, bad)) == (400, "CBC.0100")
    no_email = distributor(env, mobile="13900002222", email=None)
    refused = signed_call(env, no_email, "POST", INVITATION_CODE, {"receiver_type": 2})
    assert error_code(refused) == (400, "CBC.99100305")


def test_only_distributors_invite(env: Env) -> None:
    parent = distributor(env)
    for kind in ("solution_provider", "reseller"):
        other = make_partner(env, kind, parent=parent if kind == "reseller" else None, mobile="13900005555")
        assert error_code(signed_call(env, other, "POST", INVITATION_CODE, {"receiver_type": 1})) == (
            403,
            "CBC.0151",
        )
        body = {"receiver_type": 1, "verification_code": "123456"}
        assert error_code(signed_call(env, other, "POST", INVITATIONS, body)) == (403, "CBC.0151")
        assert error_code(signed_call(env, other, "GET", INVITATIONS)) == (403, "CBC.0151")
        assert error_code(signed_call(env, other, "DELETE", f"{INVITATIONS}/{'0' * 32}")) == (403, "CBC.0151")


def test_a_link_carries_a_random_token_stored_only_hashed(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    assert link.url == f"{env.ctx.settings.public_base_url}/console/register/{link.token}"
    assert len(link.token) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    second = invite(env, partner)
    assert second.token != link.token
    with session_scope(env.ctx.sessions) as session:
        rows = list(session.scalars(select(ResellerInvitation)))
        audit = list(session.scalars(select(AuditEvent)))
        stored = json.dumps(
            [{c.key: str(getattr(r, c.key)) for c in ResellerInvitation.__table__.columns} for r in rows]
        )
        stored += json.dumps(
            [{c.key: str(getattr(r, c.key)) for c in AuditEvent.__table__.columns} for r in audit]
        )
    assert {row.id for row in rows} == {link.invitation_id, second.invitation_id}
    assert link.token not in stored and second.token not in stored
    created = events(env, "invitation.created", partner)
    assert [event.target_id for event in created] == [link.invitation_id, second.invitation_id]
    assert json.loads(created[0].details) == {"receiver_type": 1, "expire_time": link.expire_time}
    assert link.expire_time == format_utc(env.clock.now() - timedelta(seconds=122) + timedelta(hours=24))


def test_a_wrong_code_creates_nothing_and_is_audited(env: Env) -> None:
    partner = distributor(env)
    assert signed_call(env, partner, "POST", INVITATION_CODE, {"receiver_type": 1}).status_code == 204
    code = sent_code(env, DISTRIBUTOR_MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    refused = signed_call(env, partner, "POST", INVITATIONS, {"receiver_type": 1, "verification_code": wrong})
    assert error_code(refused) == (400, "CBC.99000026")
    # A code sent to the mobile is not good for the e-mail receiver.
    other_channel = signed_call(
        env, partner, "POST", INVITATIONS, {"receiver_type": 2, "verification_code": code}
    )
    assert error_code(other_channel) == (400, "CBC.99000026")
    missing = signed_call(env, partner, "POST", INVITATIONS, {"receiver_type": 1})
    assert error_code(missing) == (400, "CBC.0100")
    assert signed_call(env, partner, "GET", INVITATIONS).json() == {"total_count": 0, "invitations": []}
    assert [f["reason"] for f in failures(env, partner)] == ["wrong", "wrong"]
    assert {f["operation"] for f in failures(env, partner)} == {"reseller_invitation"}
    env.clock.advance(timedelta(minutes=10, seconds=1))
    expired = signed_call(env, partner, "POST", INVITATIONS, {"receiver_type": 1, "verification_code": code})
    assert error_code(expired) == (400, "CBC.99000027")
    # A step-up code (another scene, same mobile) does not create invitations: only the invitation code does.
    assert signed_call(env, partner, "POST", "/v2/partners/step-up/verification-code").status_code == 204
    step_up = sent_code(env, DISTRIBUTOR_MOBILE)
    env.clock.advance(61)
    assert signed_call(env, partner, "POST", INVITATION_CODE, {"receiver_type": 1}).status_code == 204
    fresh = sent_code(env, DISTRIBUTOR_MOBILE)
    if step_up != fresh:
        again = signed_call(
            env, partner, "POST", INVITATIONS, {"receiver_type": 1, "verification_code": step_up}
        )
        assert error_code(again) == (400, "CBC.99000026")
    created = signed_call(env, partner, "POST", INVITATIONS, {"receiver_type": 1, "verification_code": fresh})
    assert created.status_code == 200


def test_the_list_shows_each_status_and_never_the_link(env: Env) -> None:
    partner = distributor(env)
    used = invite(env, partner)
    revoked = invite(env, partner)
    expired = invite(env, partner)
    code = registration_code(env, used, "13811112222")
    assert register(env, used, registration("reseller-used", "13811112222", code)).status_code == 200
    assert signed_call(env, partner, "DELETE", f"{INVITATIONS}/{revoked.invitation_id}").status_code == 200
    env.clock.advance(timedelta(hours=24))
    pending = invite(env, partner)

    listed = signed_call(env, partner, "GET", INVITATIONS).json()
    assert listed["total_count"] == 4
    statuses = {row["invitation_id"]: row["status"] for row in listed["invitations"]}
    assert statuses == {
        pending.invitation_id: "pending",
        expired.invitation_id: "expired",
        revoked.invitation_id: "revoked",
        used.invitation_id: "used",
    }
    assert listed["invitations"][0]["invitation_id"] == pending.invitation_id  # newest first
    assert all(link.token not in json.dumps(listed) for link in (used, revoked, expired, pending))
    used_row = next(row for row in listed["invitations"] if row["invitation_id"] == used.invitation_id)
    assert used_row["indirect_partner_id"] and used_row["used_time"]
    for status, link in (("pending", pending), ("used", used), ("expired", expired), ("revoked", revoked)):
        only = signed_call(env, partner, "GET", INVITATIONS, query=[("status", status)]).json()
        assert [row["invitation_id"] for row in only["invitations"]] == [link.invitation_id]
    paged = signed_call(env, partner, "GET", INVITATIONS, query=[("limit", "1"), ("offset", "1")]).json()
    assert paged["total_count"] == 4 and len(paged["invitations"]) == 1
    for bad in (("status", "open"), ("limit", "101"), ("offset", "-1")):
        assert error_code(signed_call(env, partner, "GET", INVITATIONS, query=[bad])) == (400, "CBC.0100")
    # Another distributor sees none of them.
    assert (
        signed_call(env, distributor(env, mobile="13900002222"), "GET", INVITATIONS).json()["total_count"]
        == 0
    )


def test_revoking_ends_the_link_and_another_distributors_id_is_missing(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    other = distributor(env, mobile="13900002222")
    foreign = signed_call(env, other, "DELETE", f"{INVITATIONS}/{link.invitation_id}")
    missing = signed_call(env, other, "DELETE", f"{INVITATIONS}/{'0' * 32}")
    assert error_code(foreign) == (404, "CBC.99100201")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())

    revoked = signed_call(env, partner, "DELETE", f"{INVITATIONS}/{link.invitation_id}")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert revoked.json()["revoked_time"] == format_utc(env.clock.now())
    again = signed_call(env, partner, "DELETE", f"{INVITATIONS}/{link.invitation_id}")
    assert again.json() == revoked.json()
    assert len(events(env, "invitation.revoked", partner)) == 1
    assert error_code(public(env, "GET", f"/{link.token}")) == (410, "CBC.99100205")

    used = invite(env, partner)
    code = registration_code(env, used, "13811112222")
    assert register(env, used, registration("reseller-one", "13811112222", code)).status_code == 200
    assert error_code(signed_call(env, partner, "DELETE", f"{INVITATIONS}/{used.invitation_id}")) == (
        409,
        "CBC.99100206",
    )
    late = invite(env, partner)
    env.clock.advance(timedelta(hours=24))
    assert error_code(signed_call(env, partner, "DELETE", f"{INVITATIONS}/{late.invitation_id}")) == (
        409,
        "CBC.99100206",
    )
