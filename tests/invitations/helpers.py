"""Helpers of the invitation tests: a distributor's link, the public calls and the partner counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select

from partnerhub.db.session import session_scope
from partnerhub.partners.models import Partner
from tests.stepup.helpers import partner_with_contact
from tests.support import Env, PartnerHandle, sent_code, signed_call

INVITATIONS = "/v2/partners/indirect-partners/invitations"
INVITATION_CODE = f"{INVITATIONS}/verification-code"
PUBLIC = "/v2/public/reseller-registrations"
DISTRIBUTOR_MOBILE = "13900001111"
DISTRIBUTOR_EMAIL = "owner@distributor.example"
PASSWORD = "Reseller#2026"


@dataclass(frozen=True)
class Link:
    invitation_id: str
    url: str
    expire_time: str

    @property
    def token(self) -> str:
        return self.url.rsplit("/", 1)[1]


def distributor(
    env: Env, mobile: str = DISTRIBUTOR_MOBILE, email: str | None = DISTRIBUTOR_EMAIL
) -> PartnerHandle:
    return partner_with_contact(env, "distributor", mobile=mobile, email=email)


def invite(env: Env, partner: PartnerHandle, receiver_type: int = 1) -> Link:
    """Send the code to the distributor's own contact, then create the link with it."""
    sent = signed_call(env, partner, "POST", INVITATION_CODE, {"receiver_type": receiver_type})
    assert sent.status_code == 204, sent.text
    with session_scope(env.ctx.sessions) as session:
        row = session.get(Partner, partner.id)
        assert row is not None
        target = row.mobile if receiver_type == 1 else row.email
    assert target is not None
    body = {"receiver_type": receiver_type, "verification_code": sent_code(env, target)}
    created = signed_call(env, partner, "POST", INVITATIONS, body)
    assert created.status_code == 200, created.text
    data = created.json()
    env.clock.advance(61)  # past the resend cool-down of the distributor's own address
    return Link(data["invitation_id"], data["registration_url"], data["expire_time"])


def public(env: Env, method: str, path: str = "", body: Any = None, **headers: str) -> httpx.Response:
    return env.http.request(method, PUBLIC + path, json=body, headers=headers)


def registration_code(env: Env, link: Link, mobile: str) -> str:
    response = public(env, "POST", f"/{link.token}/verification-code", {"mobile_phone": mobile})
    assert response.status_code == 204, response.text
    return sent_code(env, mobile)


def registration(login: str, mobile: str, code: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": "Example Cloud Reseller Ltd.",
        "login": login,
        "mobile_phone": mobile,
        "verification_code": code,
        "email": "sales@reseller.example",
        "password": PASSWORD,
        **fields,
    }


def register(env: Env, link: Link, body: dict[str, Any]) -> httpx.Response:
    return public(env, "POST", f"/{link.token}", body)


def partner_count(env: Env) -> int:
    with session_scope(env.ctx.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(Partner)) or 0)


def error_code(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json().get("error_code", "")
