"""Test helpers: partners with keys, direct customers, SDK clients and SDK-signed raw requests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from fastapi import FastAPI
from huaweicloudsdkbss.v2 import BssClient
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from partnerhub.context import AppContext
from partnerhub.customers.models import Association, Customer
from partnerhub.db.session import session_scope
from partnerhub.kit.clock import FakeClock
from partnerhub.kit.ids import new_id
from partnerhub.kit.passwords import hash_password
from partnerhub.partners.models import PartnerKind
from partnerhub.partners.service import create_partner, issue_key
from tests import secret_watch

DEFAULT_PASSWORD = "Partner#2026pw"
SDK_USER_AGENT = "huaweicloud-usdk-python/3.0; partnerhub-tests"


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: FastAPI


@dataclass
class Env:
    ctx: AppContext
    url: str
    app: FastAPI
    clock: FakeClock
    _http: httpx.Client | None = field(default=None, repr=False)

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(base_url=self.url, timeout=30)
        return self._http


@dataclass(frozen=True)
class PartnerHandle:
    id: str
    kind: str
    login: str
    password: str
    access_key: str
    secret_key: str


def make_partner(
    env: Env, kind: str = "distributor", *, parent: PartnerHandle | None = None, mobile: str | None = None
) -> PartnerHandle:
    with session_scope(env.ctx.sessions) as session:
        partner = create_partner(
            session,
            env.ctx.clock,
            kind=PartnerKind(kind),
            name=f"{kind} {new_id()[:6]}",
            parent_id=parent.id if parent else None,
            mobile=mobile,
            password=DEFAULT_PASSWORD,
        )
        key = issue_key(session, env.ctx.clock, env.ctx.master_key, partner.id)
        secret_watch.watch(key.secret_key, DEFAULT_PASSWORD)
        return PartnerHandle(
            partner.id, partner.kind, partner.account_name, DEFAULT_PASSWORD, key.access_key, key.secret_key
        )


def make_customer(
    env: Env,
    partner: PartnerHandle,
    *,
    name: str | None = None,
    mobile: str | None = None,
    email: str | None = None,
    association_type: int = 2,
    password: str | None = None,
) -> str:
    """Insert a customer associated with ``partner`` directly (tests of reads need no API round trip)."""
    customer_id = new_id()
    login = name or f"cust-{customer_id[:10]}"
    secret_watch.watch(password)
    now = env.ctx.clock.now()
    with session_scope(env.ctx.sessions) as session:
        session.add(
            Customer(
                id=customer_id,
                domain_name=login,
                domain_name_key=login.lower(),
                mobile_country="0086" if mobile else None,
                mobile=mobile,
                email=email,
                email_key=email.lower() if email else None,
                password_hash=hash_password(password) if password else None,
                xaccount_id=f"x-{customer_id}",
                xaccount_type="test_IDP",
                owner_partner_id=partner.id,
                customer_type=-1,
                verified_status=-1,
                close_marketing=False,
                created_at=now,
            )
        )
        session.flush()
        session.add(
            Association(
                id=new_id(),
                customer_id=customer_id,
                partner_id=partner.id,
                association_type=association_type,
                associated_on=now,
                active_customer_id=customer_id,
            )
        )
    return customer_id


def bss_client(
    env: Env, partner: PartnerHandle, *, domain_id: bool = True, secret_key: str | None = None
) -> Any:
    config = HttpConfig.get_default_config()
    config.timeout = (5, 30)
    credentials = GlobalCredentials(
        partner.access_key, secret_key or partner.secret_key, partner.id if domain_id else None
    )
    return (
        BssClient.new_builder()
        .with_http_config(config)
        .with_credentials(credentials)
        .with_endpoints([env.url])
        .build()
    )


def sdk_signed_headers(
    env: Env,
    *,
    access_key: str,
    secret_key: str,
    method: str,
    path: str,
    body: Any = None,
    query: list[tuple[str, str]] | None = None,
    when: datetime | None = None,
    extra_headers: dict[str, str] | None = None,
) -> tuple[dict[str, str], bytes]:
    """Headers and body bytes signed by the SDK's own Signer (so the server is checked against the SDK)."""
    raw = json.dumps(body).encode() if body is not None else b""
    headers = {"Content-Type": "application/json", "User-Agent": SDK_USER_AGENT, **(extra_headers or {})}
    if when is not None:
        headers["X-Sdk-Date"] = when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    request = SdkRequest(
        method=method,
        schema="http",
        host=urlsplit(env.url).netloc,
        resource_path=path,
        query_params=query or [],
        header_params=headers,
        body=raw,
    )
    signed = Signer(GlobalCredentials(access_key, secret_key)).sign(request)
    return dict(signed.header_params), raw


def signed_call(
    env: Env, partner: PartnerHandle, method: str, path: str, body: Any = None, **kwargs: Any
) -> httpx.Response:
    headers, raw = sdk_signed_headers(
        env,
        access_key=partner.access_key,
        secret_key=partner.secret_key,
        method=method,
        path=path,
        body=body,
        **kwargs,
    )
    query = sorted(kwargs.get("query") or [])
    target = path + ("?" + urlencode(query) if query else "")
    return env.http.request(method, target, headers=headers, content=raw)


def sent_code(env: Env, target: str) -> str:
    """The code of the newest outbox message to ``target`` (a mobile in any accepted spelling, or an e-mail).

    Fails the test when nothing readable was sent there (the default ``outbox`` sender keeps the code).
    """
    from partnerhub.verification.outbox import newest_code

    with session_scope(env.ctx.sessions) as session:
        code = newest_code(session, env.ctx, target)
    assert code is not None, "no verification code was sent to this target"
    secret_watch.watch_code(code)
    return code
