"""Step-up verification policy — STAND-IN of the invitations branch's module (signatures per INTERFACES.md).

The invitations branch's ``partnerhub.stepup.policy`` replaces this file at merge. This version is minimal
and honest:

* ``step_up_needed``: for the console (``interactive=True``) it is the partner's ``step_up_required`` toggle;
  API calls (``interactive=False``) never need it here (the real module adds the ``step_up_api`` setting);
* ``require_step_up``: when needed, the code must be the newest live step-up code (``Scene.STEP_UP``) sent
  to the partner's own contact, checked and consumed by ``verification.service.check_code``; a missing or
  wrong code raises and writes a ``stepup.failed`` audit event — committed with the failed-attempt counter
  (``keep_changes``), so call it before any other write of the request;
* ``send_step_up_code``: a code to the partner's own mobile (SMS) or, without one, its e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from partnerhub.audit.service import record
from partnerhub.context import AppContext
from partnerhub.errors import ApiError
from partnerhub.kit.masking import mask_email, mask_mobile
from partnerhub.kit.phones import normalize_cn_mobile
from partnerhub.partners.models import Partner
from partnerhub.partners.repository import PartnerRepository
from partnerhub.verification.service import CodeErrors, Scene, check_code, send_code

STEP_UP_ERRORS = CodeErrors(expired="CBC.99000027", exhausted="CBC.99004009", wrong="CBC.99000026")
CODE_REQUIRED = "CBC.99100404"


class Sensitive(StrEnum):
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
    PASSWORD_CHANGE = "password_change"  # noqa: S105 - an operation name, not a password


@dataclass(frozen=True)
class _Contact:
    channel: str
    address: str
    shown: str


def _partner(session: Session, partner_id: str) -> Partner:
    partner = PartnerRepository(session).get(partner_id)
    if partner is None:
        raise ApiError("CBC.0151")
    return partner


def _contact(partner: Partner) -> _Contact:
    if partner.mobile:
        mobile = normalize_cn_mobile(partner.mobile) or partner.mobile
        return _Contact("sms", mobile, mask_mobile(mobile) or "")
    if partner.email:
        return _Contact("email", partner.email, mask_email(partner.email) or "")
    raise ApiError("CBC.0155", detail="no mobile number or e-mail address on file to send a code to")


def step_up_needed(session: Session, ctx: AppContext, partner_id: str, *, interactive: bool) -> bool:
    if not interactive:
        return False
    return bool(_partner(session, partner_id).step_up_required)


def require_step_up(
    session: Session,
    ctx: AppContext,
    *,
    partner_id: str,
    operation: Sensitive,
    code: str | None,
    interactive: bool,
) -> None:
    if not step_up_needed(session, ctx, partner_id, interactive=interactive):
        return
    contact = _contact(_partner(session, partner_id))
    if not code or not code.strip():
        _audit_failure(session, ctx, partner_id, operation, CODE_REQUIRED)
        raise ApiError(CODE_REQUIRED, keep_changes=True)
    try:
        check_code(
            session,
            ctx,
            scene=Scene.STEP_UP,
            target=contact.address,
            partner_id=partner_id,
            code=code,
            errors=STEP_UP_ERRORS,
            channel=contact.channel,
        )
    except ApiError as exc:
        _audit_failure(session, ctx, partner_id, operation, exc.code)
        raise ApiError(exc.code, field="verification_code", keep_changes=True) from exc


def send_step_up_code(session: Session, ctx: AppContext, *, partner_id: str, language: str) -> str:
    contact = _contact(_partner(session, partner_id))
    send_code(
        session,
        ctx,
        scene=Scene.STEP_UP,
        target=contact.address,
        partner_id=partner_id,
        channel=contact.channel,
        language=language,
    )
    return contact.shown


def _audit_failure(
    session: Session, ctx: AppContext, partner_id: str, operation: Sensitive, reason: str
) -> None:
    record(
        session,
        ctx,
        partner_id=partner_id,
        actor=f"partner:{partner_id}",
        action="stepup.failed",
        target_kind="partner",
        target_id=partner_id,
        details={"operation": operation.value, "reason": reason},
    )
