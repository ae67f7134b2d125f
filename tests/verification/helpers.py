"""Calls shared by the verification-code, bind-mobile and real-name tests."""

from __future__ import annotations

from typing import Any

import httpx
from huaweicloudsdkbss.v2 import SendVerificationCodeV2Req, SendVerificationMessageCodeRequest
from sqlalchemy import select

from partnerhub.customers.models import Customer
from partnerhub.db.session import session_scope
from tests.support import Env, PartnerHandle, bss_client, signed_call

SEND_PATH = "/v2/bases/verificationcode/send"
BIND_PATH = "/v2/partners/sub-customers/mobile/bind"
CUSTOMER_SEND_PATH = "/v2/customers/mobile/verificationcode"
CUSTOMER_BIND_PATH = "/v2/customers/mobile/bind"
CUSTOMER_PASSWORD = "Customer#2026pw"


def send_code(
    env: Env,
    partner: PartnerHandle,
    mobile: str,
    *,
    scene: int | None = None,
    customer_id: str | None = None,
    timeout: int | None = None,
    lang: str | None = None,
    receiver_type: int = 1,
) -> Any:
    """Send a code through the official SDK; returns the SDK response (status_code 204)."""
    body = SendVerificationCodeV2Req(
        receiver_type=receiver_type,
        mobile_phone=mobile,
        scene=scene,
        customer_id=customer_id,
        timeout=timeout,
        lang=lang,
    )
    return bss_client(env, partner).send_verification_message_code(
        SendVerificationMessageCodeRequest(body=body)
    )


def bind_by_partner(
    env: Env, partner: PartnerHandle, customer_id: str, mobile: str, code: str, **extra: Any
) -> httpx.Response:
    body = {"customer_id": customer_id, "mobile_phone": mobile, "verification_code": code, **extra}
    return signed_call(env, partner, "POST", BIND_PATH, body)


def customer_token(env: Env, login: str, password: str = CUSTOMER_PASSWORD) -> str:
    body = {
        "auth": {
            "identity": {"methods": ["password"], "password": {"user": {"name": login, "password": password}}}
        }
    }
    response = env.http.post("/v3/auth/tokens", json=body)
    assert response.status_code == 201, response.text
    return response.headers["X-Subject-Token"]


def customer_mobile(env: Env, customer_id: str) -> str | None:
    with session_scope(env.ctx.sessions) as session:
        return session.scalars(select(Customer.mobile).where(Customer.id == customer_id)).one()


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error_code"]
