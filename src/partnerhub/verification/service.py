"""Verification codes (DESIGN §4): the engine other modules call.

A code is 6 digits from ``secrets``. Only a keyed hash is stored, computed over the code *and* its binding
(scene, channel, target, partner, customer), so a code is good for exactly the purpose it was sent for; the
target itself is stored only as a keyed hash too. A code lives ``code_lifetime_minutes`` (10) unless the
caller asks otherwise (a requested lifetime above 60 minutes becomes ``code_forced_lifetime_minutes``, 5).

Rules:

* single use; a newer code for the same binding supersedes the older live ones;
* more than ``code_max_failed_checks`` (3) failed checks invalidate a code: checks 1–3 with a wrong code
  answer ``errors.wrong``, every later check answers ``errors.exhausted`` — even with the right code;
* an expired code answers ``errors.expired``; no code at all (or only a used one) answers ``errors.wrong``;
* sending is limited per (sender, target) — the sender being the partner that asks, or the customer asking
  for its own code — (``code_send_per_hour`` 15 and ``code_send_per_day`` 60 in rolling windows →
  ``CBC.99004015``; ``code_resend_cooldown_seconds`` 60 between two codes → ``CBC.99004016`` with
  ``Retry-After``), per target for everyone together (``code_target_daily_ceiling`` → ``CBC.99004015``),
  per partner (``code_partner_daily_cap`` in 24 hours → ``CBC.99004017``) and, for codes customers send
  themselves, per customer (``code_customer_daily_cap`` → ``CBC.99000082``). Every limit is a setting;
  all times come from ``ctx.clock``.
"""

from __future__ import annotations

import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from sqlalchemy.orm import Session

from partnerhub.config import Settings
from partnerhub.context import AppContext
from partnerhub.errors import ApiError, invalid
from partnerhub.kit.ids import new_id
from partnerhub.verification import outbox
from partnerhub.verification.messages import compose
from partnerhub.verification.models import CodeState, VerificationCode
from partnerhub.verification.repository import BindingKey, CodeRepository, sent_by
from partnerhub.verification.senders import DeliveryFailed, OutgoingMessage, sender_for

log = logging.getLogger("partnerhub.verification")

CODE_PURPOSE = "verification-code"
TARGET_PURPOSE = "verification-target"
CODE_DIGITS = 6
MAX_REQUESTED_LIFETIME_MINUTES = 60


class Scene(IntEnum):
    BANK_CARD_REALNAME = 18
    REGISTRATION = 29
    BIND_MOBILE = 30
    STEP_UP = 31
    RESELLER_INVITATION = 32
    ASSOCIATION_DECISION = 40
    """A customer approves or rejects an association request."""
    ASSOCIATION_NOTICE = 41
    """Not a code: the outbox scene of association notification messages."""


@dataclass(frozen=True)
class CodeErrors:
    """Which CBC codes a caller's API reports for expired / too many failures / wrong code."""

    expired: str
    exhausted: str
    wrong: str


REGISTRATION_ERRORS = CodeErrors(expired="CBC.99004008", exhausted="CBC.99004009", wrong="CBC.99004010")
REALNAME_ERRORS = CodeErrors(expired="CBC.99000027", exhausted="CBC.99004009", wrong="CBC.99000026")


def resolve_lifetime(settings: Settings, requested_minutes: int | None) -> int:
    """Minutes a code lives: the default when not asked, the forced value when asked for more than 60."""
    if requested_minutes is None:
        return settings.code_lifetime_minutes
    if requested_minutes < 1:
        raise invalid("timeout", "must be at least 1 minute")
    if requested_minutes > MAX_REQUESTED_LIFETIME_MINUTES:
        return settings.code_forced_lifetime_minutes
    return requested_minutes


def _binding(
    ctx: AppContext, scene: Scene, channel: str, target: str, partner_id: str | None, customer_id: str | None
) -> BindingKey:
    target_hash = ctx.master_key.keyed_hash(TARGET_PURPOSE, f"{channel}:{target.strip().lower()}")
    return BindingKey(int(scene), channel, target_hash, partner_id or None, customer_id or None)


def _code_hash(ctx: AppContext, binding: BindingKey, code: str) -> str:
    bound = "|".join(
        [
            str(binding.scene),
            binding.channel,
            binding.target_hash,
            binding.partner_id or "",
            binding.customer_id or "",
            code,
        ]
    )
    return ctx.master_key.keyed_hash(CODE_PURPOSE, bound)


def _retry_after(code: str, free_at: datetime, now: datetime) -> ApiError:
    seconds = max(1, math.ceil((free_at - now).total_seconds()))
    return ApiError(code, headers={"Retry-After": str(seconds)})


def _enforce_send_limits(
    repo: CodeRepository, settings: Settings, binding: BindingKey, now: datetime
) -> None:
    """Per (sender, target) cool-down and caps, the platform's per-target ceiling, the sender's daily cap.

    The sender is the partner that asks (or the customer asking for its own code). Limits per sender keep one
    partner from learning, through a refusal, that another just sent a code to a number, and from exhausting a
    number's allowance for everyone; the platform-wide ceiling still bounds what any number receives (SMS
    pumping). The target is locked first, so concurrent sends see each other's codes.
    """
    repo.lock_target(binding.target_hash)
    hour, day = timedelta(hours=1), timedelta(days=1)
    sender = sent_by(binding.partner_id, binding.customer_id)
    in_hour, oldest_in_hour = repo.sent_to_target_since(binding.target_hash, now - hour, sender)
    if in_hour >= settings.code_send_per_hour:
        raise _retry_after("CBC.99004015", (oldest_in_hour or now) + hour, now)
    in_day, oldest_in_day = repo.sent_to_target_since(binding.target_hash, now - day, sender)
    if in_day >= settings.code_send_per_day:
        raise _retry_after("CBC.99004015", (oldest_in_day or now) + day, now)
    everyone, oldest = repo.sent_to_target_since(binding.target_hash, now - day)
    if everyone >= settings.code_target_daily_ceiling:
        raise _retry_after("CBC.99004015", (oldest or now) + day, now)
    last = repo.last_sent_to_target(binding.target_hash, sender)
    cooldown = timedelta(seconds=settings.code_resend_cooldown_seconds)
    if last is not None and now - last < cooldown:
        raise _retry_after("CBC.99004016", last + cooldown, now)
    if binding.partner_id is not None:
        sent, oldest = repo.sent_by_partner_since(binding.partner_id, now - day)
        if sent >= settings.code_partner_daily_cap:
            raise _retry_after("CBC.99004017", (oldest or now) + day, now)
    elif binding.customer_id is not None:
        sent, oldest = repo.sent_by_customer_since(binding.customer_id, now - day)
        if sent >= settings.code_customer_daily_cap:
            raise _retry_after("CBC.99000082", (oldest or now) + day, now)


def send_code(
    session: Session,
    ctx: AppContext,
    *,
    scene: Scene,
    target: str,
    partner_id: str | None,
    customer_id: str | None = None,
    channel: str = "sms",
    lifetime_minutes: int | None = None,
    language: str = "zh-cn",
) -> None:
    """Create a code, enforce the send limits and hand the message to the channel's sender.

    ``target`` is the normalized address (the 11-digit mobile, or the e-mail address). ``partner_id`` is
    the partner asking for the code (None when a customer asks for its own, then ``customer_id`` is
    required); the code must later be checked with the same scene, channel, target, partner and customer.
    ``lifetime_minutes`` is the API's ``timeout``: None → default, above 60 → the forced 5 minutes.
    """
    if partner_id is None and customer_id is None:
        raise ValueError("a code is sent for a partner or a customer")
    settings = ctx.settings
    minutes = resolve_lifetime(settings, lifetime_minutes)
    now = ctx.clock.now()
    binding = _binding(ctx, scene, channel, target, partner_id, customer_id)
    repo = CodeRepository(session)
    _enforce_send_limits(repo, settings, binding, now)

    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    repo.supersede_live(binding)
    repo.add(
        VerificationCode(
            scene=binding.scene,
            channel=channel,
            target_hash=binding.target_hash,
            partner_id=binding.partner_id,
            customer_id=binding.customer_id,
            code_hash=_code_hash(ctx, binding, code),
            state=CodeState.LIVE,
            failed_checks=0,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    text = compose(
        brand=settings.code_message_brand, scene=int(scene), language=language, code=code, minutes=minutes
    )
    message = OutgoingMessage(
        message_id=new_id(),
        channel=channel,
        scene=int(scene),
        to=target.strip(),
        language=language,
        subject=text.subject,
        body=text.body,
        code=code,
        lifetime_minutes=minutes,
    )
    sender = sender_for(settings, channel)
    try:
        sender.deliver(message)
    except DeliveryFailed as exc:
        log.warning(
            "verification code not delivered",
            extra={"sender": sender.name, "message_id": message.message_id, "reason": str(exc)},
        )
        raise ApiError("CBC.99004003") from exc
    outbox.record(session, ctx, message, sender, now)
    log.info(
        "verification code sent",
        extra={
            "scene": int(scene),
            "channel": channel,
            "sender": sender.name,
            "message_id": message.message_id,
        },
    )


def check_code(
    session: Session,
    ctx: AppContext,
    *,
    scene: Scene,
    target: str,
    partner_id: str | None,
    customer_id: str | None = None,
    code: str,
    errors: CodeErrors,
    channel: str = "sms",
) -> None:
    """Consume the binding's live code when ``code`` matches it; otherwise raise ``errors.*``.

    A failed check is counted even though the request fails: the counter is incremented in ``session``
    and the error is raised with ``keep_changes=True``, so the request edge (``DbSession`` /
    ``session_scope``) **commits the whole transaction** before answering the error. Therefore call
    ``check_code`` before writing anything else in the transaction — whatever was written before would be
    committed with the counter. (Validation and read-only checks may come first.)

    Only the newest code of the binding counts; older ones were superseded when it was sent.
    """
    binding = _binding(ctx, scene, channel, target, partner_id, customer_id)
    repo = CodeRepository(session)
    latest = repo.latest(binding)
    max_failed = ctx.settings.code_max_failed_checks
    if latest is None or latest.state != CodeState.LIVE:
        raise ApiError(errors.wrong)
    if latest.failed_checks >= max_failed:
        raise ApiError(errors.exhausted)
    if latest.expires_at <= ctx.clock.now():
        raise ApiError(errors.expired)
    if secrets.compare_digest(latest.code_hash, _code_hash(ctx, binding, code.strip())):
        if repo.consume(latest.id, ctx.clock.now(), max_failed):
            return
        raise ApiError(errors.wrong)  # a concurrent request consumed (or exhausted) it first
    if not repo.count_failure(latest.id, max_failed):
        raise ApiError(errors.exhausted)
    raise ApiError(errors.wrong, keep_changes=True)
