"""A distributor invites a new cloud reseller (the seed's partner-account registration, SPEC §E).

1. ``send_invitation_code``: a code to the distributor's *own* registered mobile (``receiver_type`` 1) or
   e-mail (2) — never to an address the caller names.
2. ``create_invitation`` with that code: a link carrying a random token of 256 bits, stored only as a keyed
   hash, usable once within ``invitation_lifetime_hours`` (24). The code is a fresh proof of the
   distributor's own contact, so it also stands for step-up verification of this operation. Wrong, expired
   and exhausted codes answer the global code errors and are audited as ``step_up.failed``.
3. ``list_invitations`` shows each link's status (``pending``, ``used``, ``expired``, ``revoked``), never the
   link itself; ``revoke_invitation`` ends a pending one.

Only distributors invite (others: CBC.0151). Another distributor's invitation behaves exactly like a
missing one (CBC.99100201). Creation and revocation are audit events (``invitation.created`` /
``invitation.revoked``); no token, code or link in them.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from partnerhub.audit.service import record
from partnerhub.auth.principals import Principal
from partnerhub.context import AppContext
from partnerhub.errors import ApiError, invalid
from partnerhub.invitations.models import InvitationStatus, ResellerInvitation
from partnerhub.invitations.repository import InvitationRepository
from partnerhub.kit.clock import format_utc
from partnerhub.kit.ids import new_id
from partnerhub.partners.models import Partner, PartnerKind, PartnerStatus, StepUpChannel
from partnerhub.partners.repository import PartnerRepository
from partnerhub.stepup.policy import Sensitive, check_own_code, send_own_code
from partnerhub.verification import inputs
from partnerhub.verification.service import REALNAME_ERRORS, Scene

TOKEN_PURPOSE = "reseller-invitation"  # noqa: S105 - a key-derivation label, not a secret
TOKEN_BYTES = 32
REGISTRATION_PATH = "/console/register/"
"""The console page that serves the link (``console/routes/registration.py``)."""
RECEIVERS = {1: StepUpChannel.MOBILE, 2: StepUpChannel.EMAIL}
CODE_ERRORS = REALNAME_ERRORS
"""The global code errors: CBC.99000026 wrong, CBC.99000027 expired, CBC.99004009 too many failures."""


@dataclass(frozen=True)
class NewInvitation:
    invitation: ResellerInvitation
    registration_url: str


def token_hash(ctx: AppContext, token: str) -> str:
    return ctx.master_key.keyed_hash(TOKEN_PURPOSE, token)


def status_of(invitation: ResellerInvitation, now: datetime) -> InvitationStatus:
    if invitation.status == InvitationStatus.PENDING.value and invitation.expires_at <= now:
        return InvitationStatus.EXPIRED
    return InvitationStatus(invitation.status)


def invitation_view(invitation: ResellerInvitation, now: datetime) -> dict[str, object]:
    return {
        "invitation_id": invitation.id,
        "status": status_of(invitation, now).value,
        "receiver_type": invitation.receiver_type,
        "create_time": format_utc(invitation.created_at),
        "expire_time": format_utc(invitation.expires_at),
        "used_time": format_utc(invitation.used_at) if invitation.used_at else None,
        "revoked_time": format_utc(invitation.revoked_at) if invitation.revoked_at else None,
        "indirect_partner_id": invitation.reseller_id,
    }


def send_invitation_code(
    session: Session, ctx: AppContext, caller: Principal, *, receiver_type: int | None, language: str
) -> str:
    """Send the code; the masked address it went to."""
    _, channel = _receiver(receiver_type)
    distributor = _inviting_distributor(session, caller)
    return send_own_code(
        session,
        ctx,
        partner=distributor,
        channel=channel,
        scene=Scene.RESELLER_INVITATION,
        lifetime_minutes=None,
        language=language,
    )


def create_invitation(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    *,
    receiver_type: int | None,
    verification_code: str | None,
    interactive: bool = False,
    ip: str | None = None,
) -> NewInvitation:
    receiver, channel = _receiver(receiver_type)
    code = inputs.code("verification_code", verification_code)
    distributor = _inviting_distributor(session, caller)
    check_own_code(
        session,
        ctx,
        partner=distributor,
        channel=channel,
        scene=Scene.RESELLER_INVITATION,
        code=code,
        errors=CODE_ERRORS,
        missing=invalid("verification_code", "required"),
        operation=Sensitive.RESELLER_INVITATION,
        interactive=interactive,
        ip=ip,
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = ctx.clock.now()
    invitation = ResellerInvitation(
        id=new_id(),
        distributor_id=distributor.id,
        token_hash=token_hash(ctx, token),
        receiver_type=receiver,
        status=InvitationStatus.PENDING.value,
        codes_sent=0,
        created_at=now,
        expires_at=now + timedelta(hours=ctx.settings.invitation_lifetime_hours),
    )
    InvitationRepository(session).add(invitation)
    _audit(session, ctx, distributor.id, "invitation.created", invitation, ip)
    url = ctx.settings.public_base_url.rstrip("/") + REGISTRATION_PATH + token
    return NewInvitation(invitation, url)


def list_invitations(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    *,
    status: InvitationStatus | None,
    offset: int,
    limit: int,
) -> tuple[Sequence[ResellerInvitation], int]:
    _require_distributor(caller)
    invitations = InvitationRepository(session)
    now = ctx.clock.now()
    return (
        invitations.list(caller.partner_id, status, now, offset=offset, limit=limit),
        invitations.count(caller.partner_id, status, now),
    )


def revoke_invitation(
    session: Session, ctx: AppContext, caller: Principal, invitation_id: str, *, ip: str | None = None
) -> ResellerInvitation:
    """Pending → revoked. Revoking a revoked one again answers it unchanged; used or expired: CBC.99100206."""
    _require_distributor(caller)
    invitations = InvitationRepository(session)
    invitation = invitations.of_distributor(caller.partner_id, invitation_id, lock=True)
    if invitation is None:
        raise ApiError("CBC.99100201", field="invitation_id")
    now = ctx.clock.now()
    status = status_of(invitation, now)
    if status is InvitationStatus.REVOKED:
        return invitation
    if status is not InvitationStatus.PENDING:
        raise ApiError("CBC.99100206", detail="status {status}", params={"status": status.value})
    invitation.status = InvitationStatus.REVOKED.value
    invitation.revoked_at = now
    session.flush()
    _audit(session, ctx, caller.partner_id, "invitation.revoked", invitation, ip)
    return invitation


def _audit(
    session: Session,
    ctx: AppContext,
    distributor_id: str,
    action: str,
    invitation: ResellerInvitation,
    ip: str | None,
) -> None:
    record(
        session,
        ctx,
        partner_id=distributor_id,
        actor=f"partner:{distributor_id}",
        action=action,
        target_kind="invitation",
        target_id=invitation.id,
        details={"receiver_type": invitation.receiver_type, "expire_time": format_utc(invitation.expires_at)},
        ip=ip,
    )


def _receiver(receiver_type: int | None) -> tuple[int, StepUpChannel]:
    if receiver_type is None or receiver_type not in RECEIVERS:
        raise invalid("receiver_type", "1 (own mobile) or 2 (own e-mail)")
    return receiver_type, RECEIVERS[receiver_type]


def _require_distributor(caller: Principal) -> None:
    if caller.partner_kind != PartnerKind.DISTRIBUTOR.value:
        raise ApiError("CBC.0151")


def _inviting_distributor(session: Session, caller: Principal) -> Partner:
    """The calling distributor, when it may take new resellers (active)."""
    _require_distributor(caller)
    distributor = PartnerRepository(session).get(caller.partner_id)
    if distributor is None:
        raise ApiError("CBC.0151")
    if distributor.status != PartnerStatus.ACTIVE.value:
        raise ApiError("CBC.99100208")
    return distributor
