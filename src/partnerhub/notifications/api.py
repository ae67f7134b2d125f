"""Partner routes: its notifications, newest first, and marking one read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from partnerhub.errors import invalid
from partnerhub.http.deps import Context, DbSession, PartnerCaller, RequestLanguage, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.idempotency.http import ClientToken, run_once
from partnerhub.kit import params
from partnerhub.notifications.models import RecipientKind
from partnerhub.notifications.schemas import NotificationList, NotificationView
from partnerhub.notifications.service import mark_read, notification_view, notifications_of

router = APIRouter(route_class=ApiRoute, tags=["notifications"])


@router.get(
    "/v2/partners/notifications",
    name="list_partner_notifications",
    response_model=NotificationList,
    responses=error_responses(),
    summary="Your notifications, newest first, with a read flag (partnerhub)",
    description="`unread=true`: only the unread ones. Title and content in the language of `X-Language`. "
    "Association events: a request awaiting your decision, the outcome of your requests (approved, rejected, "
    "expired), a customer's cancellation, an accepted invitation.",
)
@reads_only
def list_partner_notifications(
    caller: PartnerCaller,
    session: DbSession,
    language: RequestLanguage,
    unread: Annotated[str | None, Query(max_length=5, description="`true` | `false` (default).")] = None,
    offset: Annotated[int | None, Query(description="Default 0.")] = None,
    limit: Annotated[int | None, Query(description="1–100, default 10.")] = None,
) -> Response:
    if unread not in (None, "", "true", "false"):
        raise invalid("unread", "true or false")
    first, size = params.page(offset, limit)
    total, rows = notifications_of(
        session,
        RecipientKind.PARTNER,
        caller.partner_id,
        unread_only=unread == "true",
        offset=first,
        limit=size,
    )
    return json_response(
        {"total_count": total, "notifications": [notification_view(row, language) for row in rows]}
    )


@router.post(
    "/v2/partners/notifications/{notification_id}/read",
    name="read_partner_notification",
    response_model=NotificationView,
    responses=error_responses("CBC.0409", "CBC.99100114"),
    summary="Mark one of your notifications read (partnerhub)",
    description="Marking it again changes nothing. Another partner's notification answers as a missing one.",
)
def read_partner_notification(
    notification_id: Annotated[str, Path(max_length=64)],
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    language: RequestLanguage,
    client_token: ClientToken = None,
) -> Response:
    def execute(_: str | None) -> tuple[Any, int]:
        read = mark_read(session, ctx, RecipientKind.PARTNER, caller.partner_id, notification_id)
        return notification_view(read, language), 200

    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=client_token,
        operation="read_partner_notification",
        payload={"notification_id": notification_id, "language": language},
        execute=execute,
    )
