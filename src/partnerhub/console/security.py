"""Browser-facing protections: cookie attributes, CSRF tokens and the response headers of every page.

* Cookies are ``HttpOnly`` and ``SameSite=Lax``; over https (or with ``console_cookie_secure=always``) they
  are ``Secure`` and carry the ``__Host-`` prefix, so no sibling host can plant one.
* CSRF: every form carries a token derived from a cookie the page's visitor holds —
  ``keyed_hash("console-csrf", "session:" + session cookie)`` once signed in, or from the anonymous
  ``partnerhub_csrf`` cookie before (the sign-in and language forms). Nothing to store; a token is good
  exactly as long as its cookie, and only the server can compute it. A POST without a matching token is
  refused with 403 ``CBC.99100401`` before anything runs.
* Headers: a ``Content-Security-Policy`` that allows only this origin's scripts, styles and images (no
  inline script, no inline style), ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``, ``nosniff``,
  ``Referrer-Policy: same-origin``, and ``Cache-Control: no-store`` on pages (they carry personal data).
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerhub.context import AppContext

SESSION_COOKIE = "partnerhub_session"
ANONYMOUS_COOKIE = "partnerhub_csrf"
CSRF_FIELD = "csrf_token"
CSRF_PURPOSE = "console-csrf"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_secure(request: Request, ctx: AppContext) -> bool:
    mode = ctx.settings.console_cookie_secure
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")


def cookie_name(base: str, secure: bool) -> str:
    return f"__Host-{base}" if secure else base


def read_cookie(request: Request, ctx: AppContext, base: str) -> str | None:
    return request.cookies.get(cookie_name(base, is_secure(request, ctx))) or None


def set_cookie(
    response: Response, request: Request, ctx: AppContext, base: str, value: str, *, max_age: int | None
) -> None:
    secure = is_secure(request, ctx)
    response.set_cookie(
        cookie_name(base, secure),
        value,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def clear_cookie(response: Response, request: Request, ctx: AppContext, base: str) -> None:
    secure = is_secure(request, ctx)
    response.delete_cookie(cookie_name(base, secure), path="/", secure=secure, httponly=True, samesite="lax")


def new_cookie_value() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(ctx: AppContext, *, session_cookie: str | None, anonymous_cookie: str | None) -> str:
    """The token forms must carry: bound to the session once signed in, else to the anonymous cookie."""
    if session_cookie:
        return ctx.master_key.keyed_hash(CSRF_PURPOSE, "session:" + session_cookie)
    if anonymous_cookie:
        return ctx.master_key.keyed_hash(CSRF_PURPOSE, "anonymous:" + anonymous_cookie)
    return ""


def csrf_matches(
    ctx: AppContext, submitted: str | None, *, session_cookie: str | None, anonymous: str | None
) -> bool:
    """Whether ``submitted`` is the token of one of the cookies the request carries (constant time)."""
    if not submitted:
        return False
    candidates = [
        csrf_token(ctx, session_cookie=session_cookie, anonymous_cookie=None) if session_cookie else "",
        csrf_token(ctx, session_cookie=None, anonymous_cookie=anonymous) if anonymous else "",
    ]
    matched = False
    for candidate in candidates:
        if candidate and hmac.compare_digest(candidate.encode(), submitted.encode()):
            matched = True
    return matched


class SecurityHeadersMiddleware:
    """Adds the page headers to every console response; pages (not static files) are never cached."""

    def __init__(self, app: ASGIApp, static_prefix: str) -> None:
        self.app = app
        self.static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope.get("path", "").startswith(self.static_prefix)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                for name, value in PAGE_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                if not is_static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
