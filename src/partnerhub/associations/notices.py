"""What the association service tells people: notifications (with a message where one is due) and audit
events, both in the caller's transaction.

Who hears what: a new request → the side that decides (notification and message); approved, rejected or
expired → the initiator (notification and message); cancelled → the side that would have decided
(notification only); an accepted invitation → the inviting partner (notification and message). Audit events
go to the partner's chain and name ids, types and amounts — never a reason text, a code or contact data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.associations.models import AssociationRequest, Initiator
from partnerhub.audit.service import record
from partnerhub.context import AppContext
from partnerhub.customers.models import Customer
from partnerhub.customers.repository import CustomerRepository
from partnerhub.kit.clock import format_utc
from partnerhub.notifications.messages import Event
from partnerhub.notifications.models import RecipientKind
from partnerhub.notifications.service import Recipient, notify
from partnerhub.partners.models import Partner
from partnerhub.partners.repository import PartnerRepository

SYSTEM = "system"
_MESSAGE_EVENTS = {
    Event.REQUEST_CREATED,
    Event.REQUEST_APPROVED,
    Event.REQUEST_REJECTED,
    Event.REQUEST_EXPIRED,
    Event.INVITATION_ACCEPTED,
}


def _parties(session: Session, partner_id: str, customer_id: str) -> tuple[Partner, Customer]:
    partner = PartnerRepository(session).get(partner_id)
    customer = CustomerRepository(session).get(customer_id)
    assert partner is not None and customer is not None  # both are foreign keys of the request
    return partner, customer


def tell(
    session: Session, ctx: AppContext, request: AssociationRequest, event: Event, *, to: Initiator
) -> None:
    """Notify one side of ``request`` about ``event``."""
    partner, customer = _parties(session, request.partner_id, request.customer_id)
    params: dict[str, Any] = {
        "request_type": request.request_type,
        "target_association_type": request.target_association_type,
        "expire_time": format_utc(request.expire_at),
        "reason": request.reason,
        "decision_reason": request.decision_reason,
    }
    if to is Initiator.PARTNER:
        recipient = Recipient(RecipientKind.PARTNER, partner.id, partner.mobile, partner.email)
        params["counterparty"] = customer.domain_name
    else:
        recipient = Recipient(RecipientKind.CUSTOMER, customer.id, customer.mobile, customer.email)
        params["counterparty"] = partner.name
    notify(
        session,
        ctx,
        recipient=recipient,
        event=event,
        params=params,
        request_id=request.id,
        customer_id=customer.id,
        send_message=event in _MESSAGE_EVENTS,
    )


def tell_partner_of_acceptance(
    session: Session, ctx: AppContext, *, partner_id: str, customer_id: str, association_type: int
) -> None:
    partner, customer = _parties(session, partner_id, customer_id)
    notify(
        session,
        ctx,
        recipient=Recipient(RecipientKind.PARTNER, partner.id, partner.mobile, partner.email),
        event=Event.INVITATION_ACCEPTED,
        params={"counterparty": customer.domain_name, "association_type": association_type},
        customer_id=customer.id,
        send_message=True,
    )


def audit_request(
    session: Session,
    ctx: AppContext,
    request: AssociationRequest,
    *,
    action: str,
    actor: str,
    ip: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """``association.request`` / ``.approve`` / ``.reject`` / ``.cancel`` / ``.expire``, on the partner's
    chain."""
    details: dict[str, Any] = {
        "customer_id": request.customer_id,
        "request_type": request.request_type,
        "target_association_type": request.target_association_type,
        "initiator": request.initiator,
        "status": request.status,
        **(extra or {}),
    }
    record(
        session,
        ctx,
        partner_id=request.partner_id,
        actor=actor,
        action=f"association.{action}",
        target_kind="association_request",
        target_id=request.id,
        details=details,
        ip=ip,
    )
