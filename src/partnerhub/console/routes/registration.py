"""The page behind a reseller invitation link: ``/console/register/{token}`` (no sign-in).

The distributor's invitation (``POST /v2/partners/indirect-partners/invitations``) answers a
``registration_url`` pointing here. The page calls the same services as the public API
(``invitations/registration.py``): who invites and until when, a code to the registrant's own mobile, then the
registration — every rule, refusal and limit is theirs. Requests count against the same per-address limits
as the public API routes (their route names).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from partnerhub.console.web import PAGES, CheckedForm, Form, PageError, client_ip, translator
from partnerhub.context import AppContext
from partnerhub.db.session import session_scope
from partnerhub.errors import ApiError
from partnerhub.http.deps import Context
from partnerhub.invitations.registration import register, send_registration_code, show_registration, validated
from partnerhub.invitations.schemas import RegisterResellerRequest
from partnerhub.ops.ratelimit import Limiter, retry_after_header

router = APIRouter(include_in_schema=False)
Token = Annotated[str, Path(max_length=128)]
KEPT_FIELDS = ("name", "login", "mobile_phone", "email")
"""What the form shows again after sending a code or a refusal (never the password or the code)."""


def _render(request: Request, values: dict[str, object], status: int = 200) -> Response:
    page: dict[str, object] = {"link_error": None, "registered": None, "error": None, "notice": None}
    return PAGES.render(request, "register.html", {**page, **values}, status=status)


def _count(request: Request, ctx: AppContext, operation: str) -> None:
    """The public API's per-address limit of the same operation."""
    limiter: Limiter = request.app.state.rate_limiter
    key = f"ip:{client_ip(request) or 'unknown'}"
    wait = limiter.check(key, operation, ctx.rate_limits.for_operation(operation))
    if wait is not None:
        raise ApiError("CBC.0250", headers={"Retry-After": retry_after_header(wait)})


def _page(
    request: Request,
    ctx: AppContext,
    token: str,
    *,
    form: Form | None = None,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    tr = translator(request)
    try:
        with session_scope(ctx.sessions) as session:
            invitation = show_registration(session, ctx, token)
    except ApiError as exc:  # unknown, expired, used or revoked link: say so, show no form
        return _render(request, {"link_error": tr.error(exc)}, status=exc.status)
    values = {name: form.text(name) for name in KEPT_FIELDS} if form else {}
    return _render(
        request,
        {
            "token": token,
            "distributor_name": invitation["distributor_name"],
            "expire_time": invitation["expire_time"],
            "form": values,
            "error": error,
            "notice": notice,
        },
        status=status,
    )


@router.get("/register/{token}")
def registration_form(request: Request, token: Token, ctx: Context) -> Response:
    try:
        _count(request, ctx, "show_reseller_registration")
    except ApiError as exc:
        return PAGES.render(
            request, "register.html", {"link_error": translator(request).error(exc)}, status=429
        )
    return _page(request, ctx, token)


@router.post("/register/{token}")
def registration_submit(request: Request, token: Token, form: CheckedForm, ctx: Context) -> Response:
    tr = translator(request)
    try:
        if form.text("intent") == "send_code":
            _count(request, ctx, "send_reseller_registration_code")
            with session_scope(ctx.sessions) as session:
                send_registration_code(
                    session, ctx, token, mobile_phone=form.text("mobile_phone") or None, language=tr.language
                )
            return _page(request, ctx, token, form=form, notice=tr.gettext("A code was sent to the mobile."))
        _count(request, ctx, "register_reseller")
        body = RegisterResellerRequest(
            name=form.text("name") or None,
            login=form.text("login") or None,
            mobile_phone=form.text("mobile_phone") or None,
            verification_code=form.text("verification_code") or None,
            email=form.text("email") or None,
            password=form.raw("password") or None,
        )
        registration = validated(body)  # argon2 before the transaction (the SQLite write lock)
        with session_scope(ctx.sessions) as session:
            registered = register(session, ctx, token, registration, ip=client_ip(request))
    except ApiError as exc:
        page = _page(request, ctx, token, form=form, error=tr.error(exc), status=exc.status)
        page.headers.update(exc.headers)
        raise PageError(page) from exc
    return _render(request, {"registered": registered.login})
