"""Helpers of the step-up tests: partners with their own contacts, toggles, codes and audit rows."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from partnerhub.audit.models import AuditEvent
from partnerhub.db.session import session_scope
from partnerhub.partners.models import Partner
from tests.support import Env, PartnerHandle, make_partner, sent_code, signed_call

SETTINGS = "/v2/partners/settings"
SEND_STEP_UP = "/v2/partners/step-up/verification-code"
HEADER = "X-Verification-Code"


def partner_with_contact(
    env: Env,
    kind: str = "distributor",
    *,
    mobile: str | None = "13900001111",
    email: str | None = None,
    parent: PartnerHandle | None = None,
) -> PartnerHandle:
    partner = make_partner(env, kind, parent=parent, mobile=mobile)
    if email is not None:
        with session_scope(env.ctx.sessions) as session:
            session.execute(update(Partner).where(Partner.id == partner.id).values(email=email))
    return partner


def set_toggles(env: Env, partner: PartnerHandle, **values: Any) -> None:
    """Set step-up columns directly (tests of other rules need no API round trip)."""
    with session_scope(env.ctx.sessions) as session:
        session.execute(update(Partner).where(Partner.id == partner.id).values(**values))


def toggles(env: Env, partner: PartnerHandle) -> tuple[bool, bool, str]:
    with session_scope(env.ctx.sessions) as session:
        row = session.get(Partner, partner.id)
        assert row is not None
        return row.step_up_required, row.step_up_api, row.step_up_channel


def step_up_code(env: Env, partner: PartnerHandle, target: str = "13900001111") -> str:
    """Ask for a step-up code over the API and read it from the outbox. Moves the clock past the resend
    cool-down first, so tests can ask for codes back to back."""
    env.clock.advance(timedelta(seconds=env.ctx.settings.code_resend_cooldown_seconds + 1))
    response = signed_call(env, partner, "POST", SEND_STEP_UP)
    assert response.status_code == 204, response.text
    return sent_code(env, target)


def with_code(code: str | None, **headers: str) -> dict[str, str]:
    return {**headers, **({HEADER: code} if code is not None else {})}


def call(
    env: Env,
    partner: PartnerHandle,
    method: str,
    path: str,
    body: Any = None,
    *,
    code: str | None = None,
    **h: str,
) -> httpx.Response:
    return signed_call(env, partner, method, path, body, extra_headers=with_code(code, **h))


def events(env: Env, action: str, partner: PartnerHandle | None = None) -> list[AuditEvent]:
    with session_scope(env.ctx.sessions) as session:
        statement = select(AuditEvent).where(AuditEvent.action == action)
        if partner is not None:
            statement = statement.where(AuditEvent.partner_id == partner.id)
        rows = list(session.scalars(statement.order_by(AuditEvent.id)))
        session.expunge_all()
        return rows


def failures(env: Env, partner: PartnerHandle) -> list[dict[str, Any]]:
    """The partner's ``step_up.failed`` events' details, oldest first."""
    return [json.loads(row.details) for row in events(env, "step_up.failed", partner)]


def error_code(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json().get("error_code", "")
