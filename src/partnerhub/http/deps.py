"""FastAPI dependencies: the app context, the request's session, the caller and its rate limit.

``DbSession`` commits when the handler returns normally and before the response is sent, so a failed
commit becomes an error response instead of a false success.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal, SubjectKind
from partnerhub.auth.service import SignedRequest, authenticate_signature, authenticate_token
from partnerhub.context import AppContext
from partnerhub.db.session import is_read_only, read_scope, session_scope
from partnerhub.errors import ApiError, AuthenticationFailed, Language
from partnerhub.http.errors import request_language
from partnerhub.ops.ratelimit import FailureGate, Limiter, retry_after_header


# Dependencies that do no blocking work are ``async def``: FastAPI runs a plain ``def`` dependency in a worker
# thread, and each such hop (there and back to the event loop) costs more than the work itself.
def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


async def _context(request: Request) -> AppContext:
    return get_context(request)


Context = Annotated[AppContext, Depends(_context)]


_READS_ONLY = "partnerhub_reads_only"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def reads_only(endpoint: Endpoint) -> Endpoint:
    """Mark a route whose request only reads (under ``@router.get(...)``): authentication and handler then
    share one read-only session (``db.session.read_scope``: on PostgreSQL no BEGIN/COMMIT round trips, on
    SQLite no write lock). A write through it raises, so a mismarked route fails its tests."""
    setattr(endpoint, _READS_ONLY, True)
    return endpoint


def get_session(request: Request, ctx: Context) -> Iterator[Session]:
    route = request.scope.get("route")
    scope = read_scope if getattr(getattr(route, "endpoint", None), _READS_ONLY, False) else session_scope
    with scope(ctx.sessions) as session:
        yield session


DbSession = Annotated[Session, Depends(get_session, scope="function")]


async def _language(request: Request) -> Language:
    return request_language(request)


RequestLanguage = Annotated[Language, Depends(_language)]


async def raw_body(request: Request) -> bytes:
    return await request.body()


def client_address(request: Request) -> str:
    """The peer address (uvicorn applies ``X-Forwarded-For`` only from ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def authenticate(
    request: Request, ctx: Context, session: DbSession, body: bytes = Depends(raw_body)
) -> Principal:
    """Identify the caller in the request's own transaction (the handler's), then count it against its limit.

    PostgreSQL: one transaction per request: the key (or token) is read in the session the handler then uses.
    SQLite: every request transaction holds the database's write lock, which must not be held across the
    thread hops between this dependency and the handler's commit, so the key is read in a read transaction
    of its own that takes no lock (WAL). Either way the rate limit is counted in memory or Redis
    (``ops/ratelimit.py``), not in a database write. Where a count
    does write to the database (the ``database`` store, or a share below one call per second), the read
    transaction is ended first: on SQLite the request's transaction holds the write lock the counter needs.
    Failed authentications count against the client address (``auth_failures_per_second_per_address``),
    again after the read has ended; past the limit the address gets 429 for the rest of the second.
    """
    gate: FailureGate = request.app.state.failure_gate
    address = client_address(request)
    wait = gate.blocked_for(address)
    if wait is not None:
        raise ApiError("CBC.0250", headers={"Retry-After": retry_after_header(wait)})
    try:
        if session.get_bind().dialect.name == "sqlite" and not is_read_only(session):
            with read_scope(ctx.sessions) as reading:
                principal = _identify(request, ctx, reading, body)
        else:
            principal = _identify(request, ctx, session, body)
    except (AuthenticationFailed, ApiError) as exc:
        if isinstance(exc, AuthenticationFailed) or exc.code == "CBC.0154":
            session.rollback()  # nothing written: end the read before the failure counter's transaction
            over = gate.record_failure(address, ctx.settings.auth_failures_per_second_per_address)
            if over is not None:
                raise ApiError("CBC.0250", headers={"Retry-After": retry_after_header(over)}) from exc
        raise
    request.state.principal = principal
    _enforce_rate_limit(request, ctx, session, principal)
    return principal


def _identify(request: Request, ctx: AppContext, session: Session, body: bytes) -> Principal:
    token = request.headers.get("x-auth-token")
    if not token and not request.headers.get("authorization"):
        raise AuthenticationFailed("no credentials")
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


def _enforce_rate_limit(request: Request, ctx: AppContext, session: Session, principal: Principal) -> None:
    route = request.scope.get("route")
    operation = getattr(route, "name", None) or request.url.path
    limiter: Limiter = request.app.state.rate_limiter
    per_second = ctx.rate_limits.for_operation(operation)
    if limiter.writes_database(per_second):
        session.rollback()  # only reads so far; the counter's own transaction needs SQLite's write lock
    wait = limiter.check(principal.rate_key, operation, per_second)
    if wait is not None:
        raise ApiError("CBC.0250", headers={"Retry-After": retry_after_header(wait)})


Caller = Annotated[Principal, Depends(authenticate)]


async def require_partner(principal: Caller) -> Principal:
    if principal.kind is not SubjectKind.PARTNER:
        raise ApiError("CBC.0151")
    return principal


async def require_customer(principal: Caller) -> Principal:
    if principal.kind is not SubjectKind.CUSTOMER:
        raise ApiError("CBC.0151")
    return principal


PartnerCaller = Annotated[Principal, Depends(require_partner)]
CustomerCaller = Annotated[Principal, Depends(require_customer)]
