"""How a code message leaves the server. One interface, chosen by settings per channel.

* ``outbox`` (default, both channels): delivery *is* the outbox row, which keeps the recipient and the
  code in clear so developers and tests can read it (``partnerhub outbox list``). Never use in production.
* ``http`` (SMS): POSTs JSON to ``PARTNERHUB_SMS_HTTP_URL`` (optional ``Authorization: Bearer`` from
  ``PARTNERHUB_SMS_HTTP_TOKEN``); any 2xx is success. Body::

      {"message_id": "...", "to": "13800000000", "country_code": "0086", "text": "...",
       "scene": 29, "language": "zh-cn", "template_params": {"code": "123456", "minutes": 10}}

  A message without a code (an association notice, scene 41) sends ``"template_params": {}``.

* ``smtp`` (e-mail): a plain-text message through ``PARTNERHUB_SMTP_HOST``/``_PORT`` (optional STARTTLS
  and login).

The production senders leave only a masked record in the outbox (recipient ``138****5678``, code blanked).
Delivery runs inside the request's transaction: a failure answers ``CBC.99004003`` and rolls the new code
back, so an undelivered code never counts against the send limits.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from partnerhub.config import Settings


@dataclass(frozen=True)
class OutgoingMessage:
    message_id: str
    channel: str
    scene: int
    to: str
    language: str
    subject: str
    body: str
    code: str = ""
    """Empty for a message that carries no code (a notification)."""
    lifetime_minutes: int = 0


class DeliveryFailed(Exception):
    """The sender could not hand the message over. The reason is for the server log (no personal data)."""


class Sender(Protocol):
    name: str
    keeps_clear_copy: bool
    """True only for the development outbox: its record holds the code and the recipient in clear."""

    def deliver(self, message: OutgoingMessage) -> None: ...


class OutboxSender:
    name = "outbox"
    keeps_clear_copy = True

    def deliver(self, message: OutgoingMessage) -> None:
        """Nothing to send: the outbox record written after delivery is the message."""


class HttpSmsSender:
    name = "http"
    keeps_clear_copy = False

    def __init__(self, url: str, *, token: str | None, timeout: float) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("PARTNERHUB_SMS_HTTP_URL must be an http(s) URL")
        self.url = url
        self.token = token
        self.timeout = timeout

    def payload(self, message: OutgoingMessage) -> dict[str, object]:
        return {
            "message_id": message.message_id,
            "to": message.to,
            "country_code": "0086",
            "text": message.body,
            "scene": message.scene,
            "language": message.language,
            "template_params": (
                {"code": message.code, "minutes": message.lifetime_minutes} if message.code else {}
            ),
        }

    def deliver(self, message: OutgoingMessage) -> None:
        headers = {"Content-Type": "application/json", "User-Agent": "partnerhub-sms"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url, data=json.dumps(self.payload(message)).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            raise DeliveryFailed(f"gateway answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryFailed(f"gateway unreachable: {type(exc).__name__}") from exc
        if not 200 <= status < 300:
            raise DeliveryFailed(f"gateway answered HTTP {status}")


class SmtpEmailSender:
    name = "smtp"
    keeps_clear_copy = False

    def __init__(self, settings: Settings) -> None:
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.username = settings.smtp_username
        self.password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        self.starttls = settings.smtp_starttls
        self.sender = settings.smtp_from
        self.timeout = settings.smtp_timeout_seconds

    def deliver(self, message: OutgoingMessage) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Message-ID"] = f"<{message.message_id}@partnerhub>"
        email.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"smtp delivery failed: {type(exc).__name__}") from exc


def sender_for(settings: Settings, channel: str) -> Sender:
    """The configured sender of a channel (``sms`` or ``email``)."""
    if channel == "sms" and settings.sms_sender == "http":
        token = settings.sms_http_token.get_secret_value() if settings.sms_http_token else None
        return HttpSmsSender(settings.sms_http_url, token=token, timeout=settings.sms_http_timeout_seconds)
    if channel == "email" and settings.email_sender == "smtp":
        return SmtpEmailSender(settings)
    return OutboxSender()
