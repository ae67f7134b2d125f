"""Association requests: create, decide, cancel, expire (SPEC D.2; the state machine is ``transitions``).

Rules, each with its own code (docs/associations.md):

* the partner acts only on its own, actively associated customers: anyone else's is missing (CBC.99000035);
  a customer acts only on its own association (none: CBC.99100109);
* a frozen customer must be unfrozen before the partner can request anything (CBC.99100103), and before any
  request of it can be approved — a disassociated or referral customer could never be unfrozen again;
* a switch goes between 1 and 2 only, never to the current type (CBC.99100104);
* one pending request per customer (CBC.99100101), guarded by a unique pending slot so concurrent requests
  cannot both win;
* at most ``association_request_cap`` (3) disassociation requests per initiator per customer in
  ``association_request_window_days`` (90), whatever became of them (CBC.99100102);
* the side that did not initiate decides (CBC.99100106), only the initiator cancels (CBC.99100107), only a
  pending request moves (CBC.99100105); a customer's decision needs the code sent for it (CBC.99004008/9/10).

A pending request past ``expire_at`` reads as expired everywhere; the expiry is applied (record, notice,
audit) by ``expire_requests`` (``partnerhub expire``) or when the customer's next request needs the slot.
Writers lock the association first, then the request (the one order, see ``customers.repository``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.associations import notices
from partnerhub.associations.effects import NOTHING, Effects, apply_approval
from partnerhub.associations.models import (
    AssociationRequest,
    Initiator,
    RecordOperation,
    RequestStatus,
    RequestType,
)
from partnerhub.associations.records import record_event
from partnerhub.associations.repository import RequestRepository
from partnerhub.associations.rules import Actor, RequestDraft, reason_text
from partnerhub.associations.transitions import Action, Role, next_status
from partnerhub.context import AppContext
from partnerhub.customers.models import Association, Customer
from partnerhub.customers.repository import AssociationRepository, CustomerRepository
from partnerhub.errors import ApiError
from partnerhub.kit.ids import new_id
from partnerhub.kit.money import to_text
from partnerhub.notifications.messages import Event
from partnerhub.partners.scope import owned_customer
from partnerhub.verification.service import REGISTRATION_ERRORS, Scene, check_code, send_code

_RECORDED = {
    Action.APPROVE: RecordOperation.APPROVE,
    Action.REJECT: RecordOperation.REJECT,
    Action.CANCEL: RecordOperation.CANCEL,
}
_EVENTS = {
    Action.APPROVE: Event.REQUEST_APPROVED,
    Action.REJECT: Event.REQUEST_REJECTED,
    Action.CANCEL: Event.REQUEST_CANCELLED,
}


def create_request(
    session: Session, ctx: AppContext, actor: Actor, draft: RequestDraft
) -> AssociationRequest:
    association, customer = _subject(session, actor, draft.customer_id)
    if draft.request_type is RequestType.SWITCH_TYPE and (
        draft.target_association_type == association.association_type
    ):
        raise ApiError("CBC.99100104", field="target_association_type", detail="that is the current type")
    now = ctx.clock.now()
    requests = RequestRepository(session)
    holder = requests.pending_of(customer.id, for_update=True)
    if holder is not None and holder.status_at(now) is RequestStatus.PENDING:
        raise ApiError("CBC.99100101")
    if draft.request_type is RequestType.DISASSOCIATE:
        _within_cap(session, ctx, actor, customer.id)
    if holder is not None:  # pending past its expiry: apply the expiry to free the slot
        expire_request(session, ctx, holder)
    request = AssociationRequest(
        id=new_id(),
        customer_id=customer.id,
        partner_id=association.partner_id,
        association_id=association.id,
        request_type=draft.request_type.value,
        target_association_type=draft.target_association_type,
        initiator=actor.side.value,
        reason=draft.reason,
        status=RequestStatus.PENDING.value,
        pending_customer_id=customer.id,
        created_at=now,
        expire_at=now + timedelta(days=ctx.settings.association_request_expiry_days),
    )
    if not requests.try_add(request):
        raise ApiError("CBC.99100101")  # a concurrent request took the slot
    record_event(
        session,
        partner_id=request.partner_id,
        customer_id=customer.id,
        operation=RecordOperation.REQUEST,
        initiator=actor.side,
        association_type=association.association_type,
        at=now,
        request=request,
        reason=draft.reason,
    )
    notices.tell(session, ctx, request, Event.REQUEST_CREATED, to=actor.side.other)
    notices.audit_request(session, ctx, request, action="request", actor=actor.label, ip=actor.ip)
    return request


def visible_request(session: Session, actor: Actor, request_id: str | None) -> AssociationRequest:
    """The request when it is the actor's (the partner's, or the customer's own); else CBC.99100108."""
    if not request_id or len(request_id) > 64:
        raise ApiError("CBC.99100108")
    requests = RequestRepository(session)
    found = (
        requests.get_for_partner(actor.id, request_id)
        if actor.side is Initiator.PARTNER
        else requests.get_for_customer(actor.id, request_id)
    )
    if found is None:
        raise ApiError("CBC.99100108")
    return found


def decide(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    request_id: str | None,
    action: Action,
    *,
    reason: str | None = None,
    verification_code: str | None = None,
) -> AssociationRequest:
    """Approve, reject or cancel. A customer approving or rejecting must give the code sent to it for this
    (``send_decision_code``); the code is checked after every read-only rule and before any write.
    ``reason``: optional for an approval, required for a rejection, ignored for a cancellation."""
    reason = None if action is Action.CANCEL else reason_text(reason, required=action is Action.REJECT)
    found = visible_request(session, actor, request_id)
    association = AssociationRepository(session).lock(found.association_id)
    request = RequestRepository(session).lock(found.id)
    now = ctx.clock.now()
    role = Role.INITIATOR if request.initiator == actor.side.value else Role.DECIDER
    target = next_status(request.status_at(now), action, role)
    if association is None or association.active_customer_id is None:  # cannot happen while pending
        raise ApiError("CBC.99100105")
    if action is Action.APPROVE:
        customer = AssociationRepository(session).lock_customer(request.customer_id)
        if customer is not None and customer.freeze_type is not None:
            raise ApiError("CBC.99100103")
    if actor.side is Initiator.CUSTOMER and action is not Action.CANCEL:
        _check_decision_code(session, ctx, actor, verification_code)
    request.status = target.value
    request.pending_customer_id = None
    request.decided_at = now
    request.decision_reason = reason
    request.decided_by = actor.label
    session.flush()
    record_event(
        session,
        partner_id=request.partner_id,
        customer_id=request.customer_id,
        operation=_RECORDED[action],
        initiator=Initiator(request.initiator),
        association_type=association.association_type,
        at=now,
        request=request,
        reason=reason,
    )
    effects = NOTHING
    if action is Action.APPROVE:
        effects = _apply(session, ctx, request, association, actor)
    initiator = Initiator(request.initiator)
    notices.tell(
        session, ctx, request, _EVENTS[action], to=initiator.other if action is Action.CANCEL else initiator
    )
    notices.audit_request(
        session,
        ctx,
        request,
        action=action.value,
        actor=actor.label,
        ip=actor.ip,
        extra=_effect_details(effects),
    )
    return request


def expire_request(session: Session, ctx: AppContext, request: AssociationRequest) -> None:
    """Apply the expiry of a locked request that is pending past ``expire_at``. The record and the request
    carry the moment it expired, not the moment the expiry was applied."""
    request.status = next_status(RequestStatus(request.status), Action.EXPIRE, Role.SYSTEM).value
    request.pending_customer_id = None
    request.decided_at = request.expire_at
    request.decided_by = notices.SYSTEM
    session.flush()
    # Read, not locked: the sweep holds request locks, and writers take the association's lock first.
    association = session.get(Association, request.association_id)
    record_event(
        session,
        partner_id=request.partner_id,
        customer_id=request.customer_id,
        operation=RecordOperation.EXPIRE,
        initiator=Initiator(request.initiator),
        association_type=association.association_type if association is not None else 0,
        at=request.expire_at,
        request=request,
    )
    notices.tell(session, ctx, request, Event.REQUEST_EXPIRED, to=Initiator(request.initiator))
    notices.audit_request(session, ctx, request, action="expire", actor=notices.SYSTEM)


def expire_requests(session: Session, ctx: AppContext) -> int:
    """``partnerhub expire``: apply every expiry that is due; returns how many requests expired."""
    due = RequestRepository(session).expired_unswept(ctx.clock.now())
    for request in due:
        expire_request(session, ctx, request)
    return len(due)


def send_decision_code(
    session: Session, ctx: AppContext, actor: Actor, request_id: str | None, language: str
) -> None:
    """A code for the customer's decision on a request it may decide, to its bound mobile, else its e-mail."""
    request = visible_request(session, actor, request_id)
    role = Role.INITIATOR if request.initiator == actor.side.value else Role.DECIDER
    next_status(request.status_at(ctx.clock.now()), Action.APPROVE, role)
    channel, target = _code_target(session, actor.id)
    send_code(
        session,
        ctx,
        scene=Scene.ASSOCIATION_DECISION,
        target=target,
        partner_id=None,
        customer_id=actor.id,
        channel=channel,
        language=language,
    )


def _subject(session: Session, actor: Actor, customer_id: str) -> tuple[Association, Customer]:
    """The association the request is about, row-locked, and its customer."""
    if actor.side is Initiator.PARTNER:
        owned = owned_customer(session, actor.id, customer_id, for_update=True)
        if owned is None:
            raise ApiError("CBC.99000035", field="customer_id")
        if owned.customer.freeze_type is not None:
            raise ApiError("CBC.99100103", field="customer_id")
        return owned.association, owned.customer
    association = AssociationRepository(session).active_of(actor.id, for_update=True)
    customer = CustomerRepository(session).get(actor.id)
    if association is None or customer is None:
        raise ApiError("CBC.99100109")
    return association, customer


def _within_cap(session: Session, ctx: AppContext, actor: Actor, customer_id: str) -> None:
    settings = ctx.settings
    made = RequestRepository(session).count_since(
        customer_id=customer_id,
        request_type=RequestType.DISASSOCIATE.value,
        initiator=actor.side.value,
        partner_id=actor.id if actor.side is Initiator.PARTNER else None,
        since=ctx.clock.now() - timedelta(days=settings.association_request_window_days),
    )
    if made >= settings.association_request_cap:
        raise ApiError(
            "CBC.99100102",
            detail="{count} in {days} days",
            params={
                "count": settings.association_request_cap,
                "days": settings.association_request_window_days,
            },
        )


def _code_target(session: Session, customer_id: str) -> tuple[str, str]:
    customer = CustomerRepository(session).get(customer_id)
    if customer is not None and customer.mobile:
        return "sms", customer.mobile
    if customer is not None and customer.email:
        return "email", customer.email
    raise ApiError("CBC.99100110")


def _check_decision_code(session: Session, ctx: AppContext, actor: Actor, code: str | None) -> None:
    if not code:
        raise ApiError("CBC.0100", field="verification_code", detail="required")
    if len(code) > 6:
        raise ApiError("CBC.0100", field="verification_code", detail="at most 6 characters")
    channel, target = _code_target(session, actor.id)
    check_code(
        session,
        ctx,
        scene=Scene.ASSOCIATION_DECISION,
        target=target,
        partner_id=None,
        customer_id=actor.id,
        code=code,
        errors=REGISTRATION_ERRORS,
        channel=channel,
    )


def _apply(
    session: Session, ctx: AppContext, request: AssociationRequest, association: Association, actor: Actor
) -> Effects:
    effects = apply_approval(session, ctx, request, association, operator=actor.label)
    operation = (
        RecordOperation.DISASSOCIATE
        if request.request_type == RequestType.DISASSOCIATE
        else RecordOperation.SWITCH_TYPE
    )
    record_event(
        session,
        partner_id=request.partner_id,
        customer_id=request.customer_id,
        operation=operation,
        initiator=Initiator(request.initiator),
        association_type=association.association_type,
        at=ctx.clock.now(),
        request=request,
    )
    return effects


def _effect_details(effects: Effects) -> dict[str, Any]:
    if effects is NOTHING:
        return {}
    return {
        "reclaimed_cash": to_text(effects.cash_minor),
        "reclaimed_coupons": [
            {"coupon_id": item.coupon_id, "amount": to_text(item.amount_minor)} for item in effects.coupons
        ],
    }
