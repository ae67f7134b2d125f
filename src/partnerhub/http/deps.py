"""FastAPI dependencies: the app context, the request's session, the caller and its rate limit.

``DbSession`` commits when the handler returns normally and before the response is sent, so a failed
commit becomes an error response instead of a false success.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal, SubjectKind
from partnerhub.auth.service import SignedRequest, authenticate_signature, authenticate_token
from partnerhub.context import AppContext
from partnerhub.db.session import session_scope
from partnerhub.errors import ApiError, AuthenticationFailed, Language
from partnerhub.http.errors import request_language
from partnerhub.ops.ratelimit import FailureGate, RateLimiter, retry_after_header


def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


Context = Annotated[AppContext, Depends(get_context)]


def get_session(ctx: Context) -> Iterator[Session]:
    with session_scope(ctx.sessions) as session:
        yield session


DbSession = Annotated[Session, Depends(get_session, scope="function")]


RequestLanguage = Annotated[Language, Depends(request_language)]


async def raw_body(request: Request) -> bytes:
    return await request.body()


def client_address(request: Request) -> str:
    """The peer address (uvicorn applies ``X-Forwarded-For`` only from ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def authenticate(request: Request, ctx: Context, body: bytes = Depends(raw_body)) -> Principal:
    """Identify the caller in a short transaction of its own, then count it against its rate limit.

    Neither step may run inside the handler's transaction: on SQLite that transaction holds the write
    lock, and the rate-limit counter needs it too. Failed authentications count against the client
    address (``auth_failures_per_second_per_address``); past the limit the address gets 429 for the rest
    of the second, whatever it sends.
    """
    gate: FailureGate = request.app.state.failure_gate
    address = client_address(request)
    wait = gate.blocked_for(address)
    if wait is not None:
        raise ApiError("CBC.0250", headers={"Retry-After": retry_after_header(wait)})
    try:
        principal = _identify(request, ctx, body)
    except (AuthenticationFailed, ApiError) as exc:
        if isinstance(exc, AuthenticationFailed) or exc.code == "CBC.0154":
            over = gate.record_failure(address, ctx.settings.auth_failures_per_second_per_address)
            if over is not None:
                raise ApiError("CBC.0250", headers={"Retry-After": retry_after_header(over)}) from exc
        raise
    request.state.principal = principal
    _enforce_rate_limit(request, ctx, principal)
    return principal


def _identify(request: Request, ctx: AppContext, body: bytes) -> Principal:
    token = request.headers.get("x-auth-token")
    if not token and not request.headers.get("authorization"):
        raise AuthenticationFailed("no credentials")
    with session_scope(ctx.sessions) as session:
        if token:
            return authenticate_token(session, ctx, token)
        signed = SignedRequest(
            method=request.method,
            path=request.url.path,
            raw_query=request.url.query,
            headers=dict(request.headers),
            body=body,
        )
        return authenticate_signature(session, ctx, signed)


def _enforce_rate_limit(request: Request, ctx: AppContext, principal: Principal) -> None:
    route = request.scope.get("route")
    operation = getattr(route, "name", None) or request.url.path
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = limiter.check(principal.rate_key, operation, ctx.rate_limits.for_operation(operation))
    if wait is not None:
        raise ApiError("CBC.0250", headers={"Retry-After": retry_after_header(wait)})


Caller = Annotated[Principal, Depends(authenticate)]


def require_partner(principal: Caller) -> Principal:
    if principal.kind is not SubjectKind.PARTNER:
        raise ApiError("CBC.0151")
    return principal


def require_customer(principal: Caller) -> Principal:
    if principal.kind is not SubjectKind.CUSTOMER:
        raise ApiError("CBC.0151")
    return principal


PartnerCaller = Annotated[Principal, Depends(require_partner)]
CustomerCaller = Annotated[Principal, Depends(require_customer)]
