"""Sign-in, sign-out and the language switch (the only forms that work before signing in)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from partnerhub.auth.passwords import authenticate_password
from partnerhub.auth.principals import SubjectKind
from partnerhub.console import security
from partnerhub.console.actions import redirect
from partnerhub.console.i18n import LANGUAGE_COOKIE, parse_language
from partnerhub.console.sessions import end_session, session_max_age, start_session
from partnerhub.console.web import PAGES, PREFIX, CheckedForm, client_ip, safe_next, translator
from partnerhub.db.session import session_scope
from partnerhub.errors import ApiError
from partnerhub.http.deps import Context

router = APIRouter(include_in_schema=False)
PARTNERS = frozenset({SubjectKind.PARTNER})
LANGUAGE_COOKIE_DAYS = 365


def _login_page(
    request: Request, *, next_url: str, error: str | None = None, notice: str | None = None, status: int = 200
) -> Response:
    return PAGES.render(
        request, "login.html", {"next": next_url, "error": error, "notice": notice}, status=status
    )


@router.get("/login")
def login_form(
    request: Request,
    next_url: Annotated[str | None, Query(alias="next", max_length=512)] = None,
    ended: Annotated[str | None, Query(max_length=1)] = None,
    signed_out: Annotated[str | None, Query(alias="out", max_length=1)] = None,
) -> Response:
    tr = translator(request)
    notice = None
    if ended:
        notice = tr.error(ApiError("CBC.99100402"))
    elif signed_out:
        notice = tr.gettext("You have signed out.")
    return _login_page(request, next_url=safe_next(next_url), notice=notice)


@router.post("/login")
def login(request: Request, form: CheckedForm, ctx: Context) -> Response:
    tr = translator(request)
    next_url = safe_next(form.text("next"))
    name = form.text("login_name")
    if not name or not form.raw("password"):
        error = tr.gettext("Enter your login name and password.")
        return _login_page(request, next_url=next_url, error=error, status=400)
    try:
        subject = authenticate_password(
            ctx, name=name, password=form.raw("password"), client_address=client_ip(request), kinds=PARTNERS
        )
    except ApiError as exc:
        page = _login_page(request, next_url=next_url, error=tr.error(exc), status=exc.status)
        page.headers.update(exc.headers)
        return page
    with session_scope(ctx.sessions) as session:
        # A new id at every sign-in: a session id planted before sign-in is never the signed-in one.
        end_session(session, ctx, security.read_cookie(request, ctx, security.SESSION_COOKIE))
        cookie = start_session(session, ctx, partner_id=subject.subject_id)
    response = redirect(next_url)
    security.set_cookie(response, request, ctx, security.SESSION_COOKIE, cookie, max_age=session_max_age(ctx))
    return response


@router.post("/logout")
def logout(request: Request, form: CheckedForm, ctx: Context) -> Response:
    with session_scope(ctx.sessions) as session:
        end_session(session, ctx, security.read_cookie(request, ctx, security.SESSION_COOKIE))
    response = redirect(f"{PREFIX}/login?out=1")
    security.clear_cookie(response, request, ctx, security.SESSION_COOKIE)
    return response


@router.post("/language")
def choose_language(request: Request, form: CheckedForm, ctx: Context) -> Response:
    """Remembers the choice in a cookie (signed in or not) and goes back to the page it came from."""
    response = redirect(safe_next(form.text("next")))
    language = parse_language(form.text("language"))
    if language is not None:
        security.set_cookie(
            response, request, ctx, LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_DAYS * 86400
        )
    return response
