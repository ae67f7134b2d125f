"""The production senders: SMTP against a local aiosmtpd server, HTTP against a local fake SMS gateway."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from huaweicloudsdkcore.exceptions.exceptions import ServerResponseException
from sqlalchemy import func, select

from partnerhub.db.session import session_scope
from partnerhub.verification.models import OutboxMessage, VerificationCode
from partnerhub.verification.outbox import newest_code
from partnerhub.verification.service import REGISTRATION_ERRORS, Scene, check_code
from partnerhub.verification.service import send_code as engine_send
from tests.support import Env, make_customer, make_partner
from tests.verification.helpers import bind_by_partner, customer_mobile, send_code

MOBILE = "13512345678"
EMAIL = "alice@example.com"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@dataclass
class Gateway:
    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def sms_gateway() -> Iterator[Gateway]:
    gateway = Gateway(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            gateway.received.append(json.loads(self.rfile.read(length)))
            gateway.headers.append(dict(self.headers))
            self.send_response(gateway.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_smtp_sender_delivers_email_codes(
    env: Env, smtp_server: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    mailbox, port = smtp_server
    monkeypatch.setattr(env.ctx.settings, "email_sender", "smtp")
    monkeypatch.setattr(env.ctx.settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(env.ctx.settings, "smtp_port", port)
    monkeypatch.setattr(env.ctx.settings, "smtp_from", "codes@partnerhub.test")
    partner = make_partner(env)
    with session_scope(env.ctx.sessions) as session:
        engine_send(
            session,
            env.ctx,
            scene=Scene.STEP_UP,
            target=EMAIL,
            partner_id=partner.id,
            channel="email",
            language="en-us",
        )
    assert mailbox.recipients == [[EMAIL]]
    email = mailbox.messages[0]
    assert email["From"] == "codes@partnerhub.test"
    assert "Verification code" in str(email["Subject"])
    body = email.get_payload(decode=True)
    assert isinstance(body, bytes)
    found = re.search(r"\b(\d{6})\b", body.decode())
    assert found is not None
    code = found.group(1)
    with session_scope(env.ctx.sessions) as session:
        record = session.scalars(select(OutboxMessage)).one()
        assert newest_code(session, env.ctx, EMAIL) is None
    assert (record.sender, record.code, record.recipient) == ("smtp", None, "a***e@example.com")
    assert code not in record.body
    assert "******" in record.body
    with session_scope(env.ctx.sessions) as session:
        check_code(
            session,
            env.ctx,
            scene=Scene.STEP_UP,
            target=EMAIL,
            partner_id=partner.id,
            code=code,
            errors=REGISTRATION_ERRORS,
            channel="email",
        )


def test_http_gateway_sender_delivers_sms_codes(
    env: Env, sms_gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(env.ctx.settings, "sms_sender", "http")
    monkeypatch.setattr(env.ctx.settings, "sms_http_url", sms_gateway.url)
    monkeypatch.setattr(env.ctx.settings, "sms_http_token", None)
    partner = make_partner(env)
    customer = make_customer(env, partner)
    assert send_code(env, partner, MOBILE, scene=30, customer_id=customer, timeout=15).status_code == 204
    assert len(sms_gateway.received) == 1
    payload = sms_gateway.received[0]
    assert (payload["to"], payload["country_code"], payload["scene"]) == (MOBILE, "0086", 30)
    code = payload["template_params"]["code"]
    assert payload["template_params"]["minutes"] == 15
    assert code in payload["text"]
    assert "Authorization" not in sms_gateway.headers[0]
    with session_scope(env.ctx.sessions) as session:
        record = session.scalars(select(OutboxMessage)).one()
        assert newest_code(session, env.ctx, MOBILE) is None
    assert (record.sender, record.code, record.recipient) == ("http", None, "135****5678")
    assert code not in record.body
    assert bind_by_partner(env, partner, customer, MOBILE, code).status_code == 204
    assert customer_mobile(env, customer) == MOBILE


def test_http_gateway_token_is_sent_as_bearer(
    env: Env, sms_gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import SecretStr

    monkeypatch.setattr(env.ctx.settings, "sms_sender", "http")
    monkeypatch.setattr(env.ctx.settings, "sms_http_url", sms_gateway.url)
    monkeypatch.setattr(env.ctx.settings, "sms_http_token", SecretStr("gateway-secret"))
    send_code(env, make_partner(env), MOBILE)
    assert sms_gateway.headers[0]["Authorization"] == "Bearer gateway-secret"


def test_gateway_failure_answers_cbc_99004003_and_keeps_no_code(
    env: Env, sms_gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(env.ctx.settings, "sms_sender", "http")
    monkeypatch.setattr(env.ctx.settings, "sms_http_url", sms_gateway.url)
    sms_gateway.status = 503
    partner = make_partner(env)
    with pytest.raises(ServerResponseException) as raised:
        send_code(env, partner, MOBILE)
    assert (raised.value.status_code, raised.value.error_code) == (500, "CBC.99004003")
    with session_scope(env.ctx.sessions) as session:
        assert session.scalar(select(func.count()).select_from(VerificationCode)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    # An undelivered code does not count against the cool-down.
    sms_gateway.status = 200
    assert send_code(env, partner, MOBILE).status_code == 204
