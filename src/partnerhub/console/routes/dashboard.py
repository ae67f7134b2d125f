"""The dashboard: balances, customers, the last 30 days and recent activity."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from partnerhub.console.dashboard import overview
from partnerhub.console.web import PAGES, CurrentUser
from partnerhub.http.deps import Context, DbSession

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(request: Request, user: CurrentUser, session: DbSession, ctx: Context) -> Response:
    return PAGES.render(request, "dashboard.html", overview(session, ctx, user))
