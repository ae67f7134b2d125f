"""Calls of the association tests: partner calls signed by the SDK's signer, customer calls with a customer
token, and readers of what the database holds."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select

from partnerhub.associations.models import AssociationRequest
from partnerhub.audit.models import AuditEvent
from partnerhub.coupons.models import CouponRecord
from partnerhub.customers.models import Association
from partnerhub.db.session import session_scope
from partnerhub.ledger.models import LedgerTransfer
from partnerhub.verification.models import OutboxMessage
from tests.support import Env, PartnerHandle, make_customer, sent_code, signed_call
from tests.verification.helpers import CUSTOMER_PASSWORD, customer_token

PARTNER_REQUESTS = "/v2/partners/sub-customers/association-requests"
RECORDS = "/v2/partners/sub-customers/association-records"
INVITATIONS = "/v2/partners/sub-customers/association-invitations"
NOTIFICATIONS = "/v2/partners/notifications"
CUSTOMER_REQUESTS = "/v2/customers/association-requests"
CUSTOMER_PARTNER = "/v2/customers/partner"
CUSTOMER_INVITATIONS = "/v2/customers/association-invitations"
REASON = "contract ended"


class Customer:
    """A customer with a password (so it can log in) and usually a mobile (so it can receive codes)."""

    def __init__(
        self,
        env: Env,
        partner: PartnerHandle,
        *,
        mobile: str | None,
        email: str | None = None,
        association_type: int = 2,
        login: str | None = None,
    ) -> None:
        self.env = env
        self.id = make_customer(
            env,
            partner,
            name=login,
            mobile=mobile,
            email=email,
            association_type=association_type,
            password=CUSTOMER_PASSWORD,
        )
        self.mobile = mobile
        self.email = email
        self.login = login or f"cust-{self.id[:10]}"
        self._token: str | None = None
        self._logged_in_at = env.clock.now()

    @property
    def token(self) -> str:
        """A token from the customer's password login; logs in again once the test clock nears its expiry."""
        now = self.env.clock.now()
        if self._token is None or now - self._logged_in_at > timedelta(hours=12):
            self._token = customer_token(self.env, self.login)
            self._logged_in_at = now
        return self._token

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = None,
        language: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        headers = {"X-Auth-Token": self.token}
        if key:
            headers["X-Client-Token"] = key
        if language:
            headers["X-Language"] = language
        return self.env.http.request(method, path, json=body, headers=headers, params=params)

    def code_for(self, request_id: str) -> str:
        response = self.call("POST", f"{CUSTOMER_REQUESTS}/{request_id}/verification-code")
        assert response.status_code == 204, response.text
        assert response.content == b""
        return sent_code(self.env, self.mobile or self.email or "")

    def decide(
        self,
        request_id: str,
        action: str,
        *,
        reason: str | None = None,
        code: str | None = None,
        key: str | None = None,
    ) -> httpx.Response:
        body: dict[str, Any] = {"verification_code": code if code is not None else self.code_for(request_id)}
        if reason is not None:
            body["reason"] = reason
        return self.call("POST", f"{CUSTOMER_REQUESTS}/{request_id}/{action}", body, key=key)

    def request_disassociation(self, reason: str = REASON) -> httpx.Response:
        return self.call("POST", CUSTOMER_REQUESTS, {"request_type": "disassociate", "reason": reason})

    def partner_view(self) -> dict[str, Any]:
        response = self.call("GET", CUSTOMER_PARTNER)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


def partner_call(
    env: Env,
    partner: PartnerHandle,
    method: str,
    path: str,
    body: Any = None,
    *,
    key: str | None = None,
    query: list[tuple[str, str]] | None = None,
    language: str | None = None,
) -> httpx.Response:
    extra = {}
    if key:
        extra["X-Client-Token"] = key
    if language:
        extra["X-Language"] = language
    return signed_call(env, partner, method, path, body, query=query, extra_headers=extra)


def request_by_partner(
    env: Env,
    partner: PartnerHandle,
    customer_id: str,
    request_type: str = "disassociate",
    *,
    target: int | None = None,
    reason: str | None = REASON,
    key: str | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"customer_id": customer_id, "request_type": request_type}
    if target is not None:
        body["target_association_type"] = target
    if reason is not None:
        body["reason"] = reason
    return partner_call(env, partner, "POST", PARTNER_REQUESTS, body, key=key)


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def partner_decides(
    env: Env,
    partner: PartnerHandle,
    request_id: str,
    action: str,
    body: dict[str, Any] | None = None,
    *,
    key: str | None = None,
) -> httpx.Response:
    return partner_call(
        env, partner, "POST", f"{PARTNER_REQUESTS}/{request_id}/{action}", body or {}, key=key
    )


def partner_list(
    env: Env, partner: PartnerHandle, path: str = PARTNER_REQUESTS, **query: str
) -> dict[str, Any]:
    response = partner_call(env, partner, "GET", path, query=sorted(query.items()))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error_code"]


def stored_request(env: Env, request_id: str) -> AssociationRequest:
    with session_scope(env.ctx.sessions) as session:
        row = session.get(AssociationRequest, request_id)
        assert row is not None
        session.expunge(row)
        return row


def associations_of(env: Env, customer_id: str) -> list[Association]:
    with session_scope(env.ctx.sessions) as session:
        rows = list(session.scalars(select(Association).where(Association.customer_id == customer_id)))
        session.expunge_all()
        return rows


def coupon_record_types(env: Env, customer_id: str) -> list[int]:
    with session_scope(env.ctx.sessions) as session:
        return list(
            session.scalars(
                select(CouponRecord.operation_type)
                .where(CouponRecord.customer_id == customer_id)
                .order_by(CouponRecord.id)
            )
        )


def transfer_kinds(env: Env) -> list[str]:
    with session_scope(env.ctx.sessions) as session:
        return list(session.scalars(select(LedgerTransfer.kind).order_by(LedgerTransfer.id)))


def audit_actions(env: Env) -> list[str]:
    """The association events of the audit log, oldest first (the partners' key creation left out)."""
    with session_scope(env.ctx.sessions) as session:
        events = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))
        return [action for action in events if not action.startswith("access_key.")]


def audit_texts(env: Env) -> list[str]:
    with session_scope(env.ctx.sessions) as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [json.dumps({"details": row.details, "actor": row.actor}) for row in rows]


def outbox_to(env: Env, recipient: str) -> list[OutboxMessage]:
    with session_scope(env.ctx.sessions) as session:
        rows = list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.recipient == recipient).order_by(OutboxMessage.id)
            )
        )
        session.expunge_all()
        return rows
