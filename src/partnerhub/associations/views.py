"""Read side: requests as the API shows them, the lists, and a customer's view of its partner.

Times are UTC ``yyyy-MM-ddTHH:mm:ssZ``; a pending request past its expiry shows ``expired``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.associations.models import (
    AssociationRequest,
    Initiator,
    RecordOperation,
    RequestStatus,
    RequestType,
)
from partnerhub.associations.records import record_view, search_records
from partnerhub.associations.repository import RecordQuery, RequestQuery, RequestRepository
from partnerhub.customers.repository import AssociationRepository
from partnerhub.errors import invalid
from partnerhub.kit import params
from partnerhub.kit.clock import format_utc
from partnerhub.partners.repository import PartnerRepository


def request_view(request: AssociationRequest, now: datetime) -> dict[str, Any]:
    return {
        "request_id": request.id,
        "customer_id": request.customer_id,
        "request_type": request.request_type,
        "target_association_type": request.target_association_type,
        "initiator": request.initiator,
        "reason": request.reason,
        "status": request.status_at(now).value,
        "create_time": format_utc(request.created_at),
        "expire_time": format_utc(request.expire_at),
        "decide_time": format_utc(request.decided_at) if request.decided_at else None,
        "decision_reason": request.decision_reason,
    }


def enum_filter(value: str | None, field: str, allowed: type[Any]) -> Any:
    """Absent or ``""``: no filter; a member's value: the member; anything else: CBC.0100."""
    if not value:
        return None
    try:
        return allowed(value)
    except ValueError:
        raise invalid(
            field, "use {choices}", choices=" | ".join(member.value for member in allowed)
        ) from None


def list_requests(
    session: Session,
    now: datetime,
    query: RequestQuery,
    *,
    offset: int | None,
    limit: int | None,
) -> dict[str, Any]:
    first, size = params.page(offset, limit)
    total, rows = RequestRepository(session).search(query, now, offset=first, limit=size)
    return {"total_count": total, "requests": [request_view(row, now) for row in rows]}


def partner_request_query(
    partner_id: str,
    *,
    customer_id: str | None,
    status: str | None,
    initiator: str | None,
    request_type: str | None,
) -> RequestQuery:
    if customer_id is not None and len(customer_id) > params.MAX_ID_LENGTH:
        raise invalid("customer_id", "at most {maximum} characters", maximum=params.MAX_ID_LENGTH)
    return RequestQuery(
        partner_id=partner_id,
        customer_id=customer_id or None,
        status=enum_filter(status, "status", RequestStatus),
        initiator=enum_filter(initiator, "initiator", Initiator),
        request_type=enum_filter(request_type, "request_type", RequestType),
    )


def list_records(
    session: Session,
    now: datetime,
    partner_id: str,
    *,
    customer_id: str | None,
    operation_type: str | None,
    start_time: str | None,
    end_time: str | None,
    offset: int | None,
    limit: int | None,
) -> dict[str, Any]:
    if customer_id is not None and len(customer_id) > params.MAX_ID_LENGTH:
        raise invalid("customer_id", "at most {maximum} characters", maximum=params.MAX_ID_LENGTH)
    start = params.time_value(start_time, "start_time")
    end = params.time_value(end_time, "end_time")
    if start and end and start > end:
        raise invalid("start_time", "must not be after end_time")
    operation = enum_filter(operation_type, "operation_type", RecordOperation)
    query = RecordQuery(
        partner_id=partner_id,
        customer_id=customer_id or None,
        operation_type=operation.value if operation is not None else None,
        start=start,
        # Times are shown to the second: an end of 10:00:00 includes 10:00:00.9.
        end_before=end + timedelta(seconds=1) if end else None,
    )
    first, size = params.page(offset, limit)
    total, rows = search_records(session, query, offset=first, limit=size)
    return {"total_count": total, "records": [record_view(row, now) for row in rows]}


def customer_partner(session: Session, now: datetime, customer_id: str) -> dict[str, Any]:
    """The customer's partner now, or nulls when it has none; with its pending request, if any."""
    association = AssociationRepository(session).active_of(customer_id)
    pending = RequestRepository(session).pending_of(customer_id)
    pending_view = (
        request_view(pending, now)
        if pending is not None and pending.status_at(now) is RequestStatus.PENDING
        else None
    )
    if association is None:
        return {
            "partner_id": None,
            "partner_name": None,
            "association_type": None,
            "associated_on": None,
            "pending_request": None,
        }
    partner = PartnerRepository(session).get(association.partner_id)
    return {
        "partner_id": association.partner_id,
        "partner_name": partner.name if partner is not None else None,
        "association_type": association.association_type,
        "associated_on": format_utc(association.associated_on),
        "pending_request": pending_view,
    }
