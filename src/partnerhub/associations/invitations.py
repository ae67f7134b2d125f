"""Re-association by invitation: a partner invites a customer without a partner by login name; the customer
accepts and the association is made.

The partner's answer is the same whether the login exists, has a partner already or is free: an invitation
id and its expiry. Only an invitation to a free customer can ever be accepted (the others are stored
without a customer and reach nobody). A new invitation from the same partner supersedes its older pending
one; accepting one supersedes the customer's other pending invitations. The partner must be allowed to take
customers (restricted partners and resellers of restricted or exiting distributors are refused, as when
creating a customer); the check runs again on acceptance.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from partnerhub.associations import notices
from partnerhub.associations.models import AssociationInvitation, Initiator, InvitationStatus, RecordOperation
from partnerhub.associations.records import record_event
from partnerhub.associations.repository import InvitationRepository
from partnerhub.associations.rules import SWITCH_TARGETS, Actor
from partnerhub.audit.service import record
from partnerhub.context import AppContext
from partnerhub.customers.creation import ensure_may_take_customers
from partnerhub.customers.models import Association
from partnerhub.customers.repository import AssociationRepository, CustomerRepository
from partnerhub.errors import ApiError, invalid
from partnerhub.kit.clock import format_utc
from partnerhub.kit.ids import new_id
from partnerhub.partners.repository import PartnerRepository

MAX_LOGIN = 64


def invite(
    session: Session, ctx: AppContext, actor: Actor, *, domain_name: str | None, association_type: int | None
) -> AssociationInvitation:
    if not domain_name or len(domain_name) > MAX_LOGIN:
        raise invalid("domain_name", "required, 1 to {maximum} characters", maximum=MAX_LOGIN)
    if association_type not in SWITCH_TARGETS:
        raise invalid("association_type", "1 (referral) or 2 (resale)")
    assert association_type is not None
    partners = PartnerRepository(session)
    partner = partners.get(actor.id)
    if partner is None:
        raise ApiError("CBC.0151")
    ensure_may_take_customers(partners, partner)
    now = ctx.clock.now()
    customer = CustomerRepository(session).by_domain_name(domain_name)
    free = customer is not None and AssociationRepository(session).active_of(customer.id) is None
    invitations = InvitationRepository(session)
    if free and customer is not None:
        invitations.supersede_pending(customer_id=customer.id, partner_id=actor.id)
    invitation = AssociationInvitation(
        id=new_id(),
        partner_id=actor.id,
        customer_id=customer.id if free and customer is not None else None,
        association_type=association_type,
        status=InvitationStatus.PENDING.value,
        created_at=now,
        expire_at=now + timedelta(days=ctx.settings.association_invitation_expiry_days),
        accepted_at=None,
    )
    invitations.add(invitation)
    # The event names no login and does not say whether it reached anyone: the audit log is the partner's.
    _audit(session, ctx, invitation, action="invite", actor=actor, details={})
    return invitation


def accept(session: Session, ctx: AppContext, actor: Actor, invitation_id: str | None) -> Association:
    invitations = InvitationRepository(session)
    invitation = (
        invitations.lock_for_customer(actor.id, invitation_id)
        if invitation_id and len(invitation_id) <= 64
        else None
    )
    if invitation is None:
        raise ApiError("CBC.99100111")
    now = ctx.clock.now()
    if invitation.status_at(now) is not InvitationStatus.PENDING:
        raise ApiError(
            "CBC.99100112", detail="status {status}", params={"status": invitation.status_at(now).value}
        )
    associations = AssociationRepository(session)
    if associations.active_of(actor.id, for_update=True) is not None:
        raise ApiError("CBC.99100113")
    partners = PartnerRepository(session)
    partner = partners.get(invitation.partner_id)
    if partner is None:
        raise ApiError("CBC.99100112")
    ensure_may_take_customers(partners, partner)
    association = Association(
        id=new_id(),
        customer_id=actor.id,
        partner_id=partner.id,
        association_type=invitation.association_type,
        associated_on=now,
        active_customer_id=actor.id,
    )
    try:
        with session.begin_nested():
            associations.add(association)
    except IntegrityError as exc:  # a concurrent acceptance associated the customer first
        raise ApiError("CBC.99100113") from exc
    invitation.status = InvitationStatus.ACCEPTED.value
    invitation.accepted_at = now
    invitations.supersede_pending(customer_id=actor.id, keep=invitation.id)
    session.flush()
    record_event(
        session,
        partner_id=partner.id,
        customer_id=actor.id,
        operation=RecordOperation.ASSOCIATE,
        initiator=Initiator.PARTNER,
        association_type=association.association_type,
        at=now,
    )
    notices.tell_partner_of_acceptance(
        session,
        ctx,
        partner_id=partner.id,
        customer_id=actor.id,
        association_type=association.association_type,
    )
    _audit(session, ctx, invitation, action="accept", actor=actor, details={"customer_id": actor.id})
    return association


def invitations_of(
    session: Session, customer_id: str, *, offset: int, limit: int
) -> tuple[int, list[tuple[AssociationInvitation, str]]]:
    """The customer's invitations, newest first, each with the inviting partner's name."""
    total, rows = InvitationRepository(session).for_customer(customer_id, offset=offset, limit=limit)
    partners = PartnerRepository(session)
    named = []
    for row in rows:
        partner = partners.get(row.partner_id)
        named.append((row, partner.name if partner is not None else ""))
    return total, named


def invitation_view(invitation: AssociationInvitation, partner_name: str, now_status: str) -> dict[str, Any]:
    return {
        "invitation_id": invitation.id,
        "partner_id": invitation.partner_id,
        "partner_name": partner_name,
        "association_type": invitation.association_type,
        "status": now_status,
        "create_time": format_utc(invitation.created_at),
        "expire_time": format_utc(invitation.expire_at),
    }


def _audit(
    session: Session,
    ctx: AppContext,
    invitation: AssociationInvitation,
    *,
    action: str,
    actor: Actor,
    details: dict[str, Any],
) -> None:
    record(
        session,
        ctx,
        partner_id=invitation.partner_id,
        actor=actor.label,
        action=f"association.{action}",
        target_kind="association_invitation",
        target_id=invitation.id,
        details={"association_type": invitation.association_type, **details},
        ip=actor.ip,
    )
