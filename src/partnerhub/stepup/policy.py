"""Step-up verification before sensitive operations (SPEC D.6, DESIGN §5): the one policy that decides.

Who needs a code:

* the console (``interactive=True``) when the partner turned ``step_up_required`` on (SPEC D.6);
* API calls (``interactive=False``: AK/SK signatures and ``X-Auth-Token``) when it turned ``step_up_api`` on.
  Upstream exempts API calls, so this toggle is partnerhub's extension and off by default; the code then
  travels in the ``X-Verification-Code`` header (``stepup.api``).

The code is 6 digits sent to the partner's *own* registered mobile or e-mail (``step_up_channel``), never to
an address the caller names. It lives ``step_up_code_lifetime_minutes`` (5), is single use, and more than 3
failed checks invalidate it; the send limits of every code apply (``verification.service``). A code proves
possession of the partner's contact for one sensitive operation of any kind within its life.

Spending: a valid code is consumed in the request's own transaction. When the operation is then refused for
another reason (insufficient balance, ...), the rollback restores the code with everything else: a code is
spent by the operation it authorized, never by a refused one. A failed check is counted (committed although
the request fails) and audited as ``step_up.failed`` once the request's transaction has ended.

Settings changes: a change that weakens or redirects protection needs a code whatever the caller's
interface — switching off a toggle that is on, or changing the channel while a toggle is on. Switching a
toggle on needs none (beyond what the caller's own toggle asks).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from partnerhub.audit.service import record_after
from partnerhub.context import AppContext
from partnerhub.errors import ApiError
from partnerhub.kit.masking import mask_email, mask_mobile
from partnerhub.kit.phones import normalize_cn_mobile
from partnerhub.partners.models import Partner, StepUpChannel
from partnerhub.partners.repository import PartnerRepository
from partnerhub.verification.service import CodeErrors, Scene, check_code, send_code


class Sensitive(StrEnum):
    """Operations that ask for step-up verification when the partner's toggle for the interface is on."""

    FUND = "fund"
    RECLAIM = "reclaim"
    BATCH_FUND = "batch_fund"
    RESELLER_FUND = "reseller_fund"
    RESELLER_RECLAIM = "reseller_reclaim"
    COUPON_ISSUE = "coupon_issue"
    COUPON_RECLAIM = "coupon_reclaim"
    QUOTA_ISSUE = "quota_issue"
    QUOTA_RECLAIM = "quota_reclaim"
    ASSOCIATION_REQUEST = "association_request"
    ASSOCIATION_DECISION = "association_decision"
    ASSOCIATION_INVITE = "association_invite"
    RESELLER_INVITATION = "reseller_invitation"
    REVEAL = "reveal"
    KEY_CREATE = "key_create"
    KEY_REVOKE = "key_revoke"
    SETTINGS_CHANGE = "settings_change"
    PASSWORD_CHANGE = "password_change"  # noqa: S105 - an operation name, not a secret


MISSING_CODE = "CBC.99100301"
NO_CONTACT = "CBC.99100305"
STEP_UP_ERRORS = CodeErrors(expired="CBC.99100303", exhausted="CBC.99100304", wrong="CBC.99100302")
FAILED_ACTION = "step_up.failed"

_DELIVERY = {StepUpChannel.MOBILE: "sms", StepUpChannel.EMAIL: "email"}


@dataclass(frozen=True)
class StepUpSettings:
    required: bool
    """Console toggle (``step_up_required``)."""
    api: bool
    """API toggle (``step_up_api``)."""
    channel: StepUpChannel

    @classmethod
    def of(cls, partner: Partner) -> StepUpSettings:
        return cls(
            required=bool(partner.step_up_required),
            api=bool(partner.step_up_api),
            channel=StepUpChannel(partner.step_up_channel),
        )

    def needed(self, *, interactive: bool) -> bool:
        return self.required if interactive else self.api

    @property
    def any_on(self) -> bool:
        return self.required or self.api


@dataclass(frozen=True)
class Contact:
    delivery: str
    """The verification channel: ``sms`` or ``email``."""
    target: str
    masked: str


def contact(partner: Partner, channel: StepUpChannel) -> Contact | None:
    """The partner's own address on ``channel``, or None when it has none registered."""
    if channel is StepUpChannel.MOBILE:
        if not partner.mobile:
            return None
        mobile = normalize_cn_mobile(partner.mobile) or partner.mobile
        return Contact(_DELIVERY[channel], mobile, mask_mobile(mobile) or "")
    if not partner.email:
        return None
    return Contact(_DELIVERY[channel], partner.email.strip(), mask_email(partner.email.strip()) or "")


def step_up_needed(session: Session, ctx: AppContext, partner_id: str, *, interactive: bool) -> bool:
    """Whether this partner's sensitive operations need a code on this interface."""
    return StepUpSettings.of(_partner(session, partner_id)).needed(interactive=interactive)


_VERIFIED = "partnerhub_step_up_verified"


def require_step_up(
    session: Session,
    ctx: AppContext,
    *,
    partner_id: str,
    operation: Sensitive,
    code: str | None,
    interactive: bool,
    ip: str | None = None,
) -> None:
    """Nothing when no code is needed or ``code`` is valid (then it is consumed); else a 403 ``ApiError``.

    Call it before any other write of the request: a failed check commits its attempt counter.
    """
    partner = _partner(session, partner_id)
    settings = StepUpSettings.of(partner)
    if not settings.needed(interactive=interactive):
        return
    _verify(session, ctx, partner, settings.channel, operation, code, interactive=interactive, ip=ip)


def settings_change_needs_code(current: StepUpSettings, wanted: StepUpSettings, *, interactive: bool) -> bool:
    """A settings change needs a code when the caller's interface asks for one anyway, or when it switches
    off a toggle that is on, or redirects the codes while a toggle is on."""
    weakens = (
        (current.required and not wanted.required)
        or (current.api and not wanted.api)
        or (current.any_on and wanted.channel is not current.channel)
    )
    return current.needed(interactive=interactive) or weakens


def require_step_up_for_settings(
    session: Session,
    ctx: AppContext,
    *,
    partner_id: str,
    wanted: StepUpSettings,
    code: str | None,
    interactive: bool,
    ip: str | None = None,
) -> None:
    """``require_step_up`` for a settings change; the code is checked on the *current* channel."""
    partner = _partner(session, partner_id)
    current = StepUpSettings.of(partner)
    if not settings_change_needs_code(current, wanted, interactive=interactive):
        return
    _verify(
        session,
        ctx,
        partner,
        current.channel,
        Sensitive.SETTINGS_CHANGE,
        code,
        interactive=interactive,
        ip=ip,
    )


def send_step_up_code(session: Session, ctx: AppContext, *, partner_id: str, language: str) -> str:
    """Send a step-up code to the partner's own contact on its channel; the masked address it went to."""
    partner = _partner(session, partner_id)
    return send_own_code(
        session,
        ctx,
        partner=partner,
        channel=StepUpChannel(partner.step_up_channel),
        scene=Scene.STEP_UP,
        lifetime_minutes=ctx.settings.step_up_code_lifetime_minutes,
        language=language,
    )


def send_own_code(
    session: Session,
    ctx: AppContext,
    *,
    partner: Partner,
    channel: StepUpChannel,
    scene: Scene,
    lifetime_minutes: int | None,
    language: str,
) -> str:
    """A code for ``scene`` to the partner's own address on ``channel`` (CBC.99100305 without one)."""
    address = contact(partner, channel)
    if address is None:
        raise ApiError(NO_CONTACT, field=channel.value)
    send_code(
        session,
        ctx,
        scene=scene,
        target=address.target,
        partner_id=partner.id,
        channel=address.delivery,
        lifetime_minutes=lifetime_minutes,
        language=language,
    )
    return address.masked


def check_own_code(
    session: Session,
    ctx: AppContext,
    *,
    partner: Partner,
    channel: StepUpChannel,
    scene: Scene,
    code: str | None,
    errors: CodeErrors,
    missing: ApiError,
    operation: Sensitive,
    interactive: bool,
    ip: str | None = None,
) -> None:
    """Consume the partner's code for ``scene`` sent to its own address on ``channel``; every failure is
    audited as ``step_up.failed`` once the request's transaction has ended."""
    address = contact(partner, channel)
    if address is None:
        no_contact = ApiError(NO_CONTACT, field=channel.value)
        raise _audited(no_contact, ctx, partner, operation, "no_contact", interactive, ip)
    if code is None or not code.strip():
        raise _audited(missing, ctx, partner, operation, "missing", interactive, ip)
    try:
        check_code(
            session,
            ctx,
            scene=scene,
            target=address.target,
            partner_id=partner.id,
            code=code,
            errors=errors,
            channel=address.delivery,
        )
    except ApiError as failed:
        reason = {errors.wrong: "wrong", errors.expired: "expired", errors.exhausted: "exhausted"}
        why = reason.get(failed.code, failed.code)
        raise _audited(failed, ctx, partner, operation, why, interactive, ip) from None


def _verify(
    session: Session,
    ctx: AppContext,
    partner: Partner,
    channel: StepUpChannel,
    operation: Sensitive,
    code: str | None,
    *,
    interactive: bool,
    ip: str | None,
) -> None:
    """Check and consume ``code``. One code verifies one operation once per transaction: a second check for
    the same operation in the same transaction (a console action that also runs the settings service) passes
    without asking for another code."""
    verified: set[tuple[str, Sensitive]] = session.info.setdefault(_VERIFIED, set())
    if (partner.id, operation) in verified:
        return
    check_own_code(
        session,
        ctx,
        partner=partner,
        channel=channel,
        scene=Scene.STEP_UP,
        code=code,
        errors=STEP_UP_ERRORS,
        missing=ApiError(MISSING_CODE),
        operation=operation,
        interactive=interactive,
        ip=ip,
    )
    verified.add((partner.id, operation))


def _audited(
    error: ApiError,
    ctx: AppContext,
    partner: Partner,
    operation: Sensitive,
    reason: str,
    interactive: bool,
    ip: str | None,
) -> ApiError:
    interface = "console" if interactive else "api"
    details = {"operation": operation.value, "reason": reason, "interface": interface}
    return record_after(
        error,
        ctx,
        partner_id=partner.id,
        actor=f"partner:{partner.id}",
        action=FAILED_ACTION,
        target_kind="operation",
        target_id=operation.value,
        details=details,
        ip=ip,
    )


def _partner(session: Session, partner_id: str) -> Partner:
    partner = PartnerRepository(session).get(partner_id)
    if partner is None:  # authenticated moments ago; gone since
        raise ApiError("CBC.0151")
    return partner
