"""Association records: the append-only history behind the partner's association records page.

Every event writes one: an association made (``associate``), a request and what became of it (``request``,
``approve``, ``reject``, ``cancel``, ``expire``) and the change an approval made (``switch_type``,
``disassociate``). A record's ``status`` is, when it belongs to a request, that request's status now (so a
pending one can be decided from the page), else ``completed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.associations.models import AssociationRecord, AssociationRequest, Initiator, RecordOperation
from partnerhub.associations.repository import RecordQuery, RecordRepository, RecordRow
from partnerhub.kit.clock import format_utc
from partnerhub.kit.ids import new_id

COMPLETED = "completed"


def record_event(
    session: Session,
    *,
    partner_id: str,
    customer_id: str,
    operation: RecordOperation,
    initiator: Initiator,
    association_type: int,
    at: datetime,
    request: AssociationRequest | None = None,
    reason: str | None = None,
) -> AssociationRecord:
    record = AssociationRecord(
        record_id=new_id(),
        partner_id=partner_id,
        customer_id=customer_id,
        request_id=request.id if request is not None else None,
        operation_type=operation.value,
        initiator=initiator.value,
        reason=reason,
        association_type=association_type,
        operate_time=at,
    )
    RecordRepository(session).add(record)
    return record


def search_records(
    session: Session, query: RecordQuery, *, offset: int, limit: int
) -> tuple[int, list[RecordRow]]:
    return RecordRepository(session).search(query, offset=offset, limit=limit)


def record_view(row: RecordRow, now: datetime) -> dict[str, Any]:
    record = row.record
    status = row.request.status_at(now).value if row.request is not None else COMPLETED
    return {
        "record_id": record.record_id,
        "customer_id": record.customer_id,
        "account_name": row.account_name,
        "operation_type": record.operation_type,
        "initiator": record.initiator,
        "reason": record.reason,
        "association_type": record.association_type,
        "status": status,
        "request_id": record.request_id,
        "operate_time": format_utc(record.operate_time),
    }
