"""The partner's read-back of its own audit events (partnerhub extension)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from partnerhub.audit.service import event_view, partner_events
from partnerhub.http.deps import DbSession, PartnerCaller, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.kit import params

router = APIRouter(route_class=ApiRoute, tags=["audit"])


class AuditEventInfo(BaseModel):
    id: int
    actor: str
    action: str
    target_kind: str
    target_id: str
    request_id: str | None
    client_request_id: str | None = None
    ip: str | None
    created_at: str
    details: dict[str, Any]


class ListAuditEventsResponse(BaseModel):
    total_count: int
    events: list[AuditEventInfo]


@router.get(
    "/v2/partners/audit-events",
    name="list_audit_events",
    response_model=ListAuditEventsResponse,
    responses=error_responses(),
    summary="The caller's own audit events, newest first (partnerhub extension)",
    description="`action` filters exactly (e.g. `customer.reveal`); `offset` 0 or more, `limit` 1–100 "
    "(default 10). Chain hashes are not shown; `partnerhub audit verify` checks them.",
)
@reads_only
def list_audit_events(
    caller: PartnerCaller,
    session: DbSession,
    offset: Annotated[int | None, Query()] = None,
    limit: Annotated[int | None, Query()] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    start, size = params.page(offset, limit)
    events, total = partner_events(
        session, caller.partner_id, action=action or None, offset=start, limit=size
    )
    return json_response({"total_count": total, "events": [event_view(event) for event in events]})
