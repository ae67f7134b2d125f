"""Development outbox: the messages the ``outbox`` sender kept, codes included, so a person trying
partnerhub locally can read the codes it "sent". Absent (404) whenever a real sender is configured."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from partnerhub.console.web import PAGES, CurrentUser
from partnerhub.http.deps import Context, DbSession
from partnerhub.verification.outbox import list_messages

router = APIRouter(include_in_schema=False)
SHOWN = 50


@router.get("/dev/outbox")
def outbox_page(request: Request, user: CurrentUser, session: DbSession, ctx: Context) -> Response:
    if ctx.settings.sms_sender != "outbox" and ctx.settings.email_sender != "outbox":
        raise HTTPException(404)
    messages = [
        entry for entry in reversed(list_messages(session, ctx, limit=SHOWN)) if entry.sender == "outbox"
    ]
    return PAGES.render(request, "outbox.html", {"messages": messages})
