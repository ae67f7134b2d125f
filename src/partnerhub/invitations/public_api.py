"""Public, unauthenticated routes of the reseller registration, rate-limited per client address.

The link's token travels in the path. The access log writes the route template, never the path, and no
error message repeats the token, so it reaches no log line.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from partnerhub.errors import REGISTRY, ApiError
from partnerhub.http.deps import Context, DbSession, RequestLanguage
from partnerhub.http.errors import ErrorBody
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.invitations.registration import (
    register,
    send_registration_code,
    show_registration,
    validated,
)
from partnerhub.invitations.schemas import (
    RegisteredReseller,
    RegisterResellerRequest,
    RegistrationCodeRequest,
    RegistrationInfo,
)
from partnerhub.ops.ratelimit import Limiter, retry_after_header

router = APIRouter(route_class=ApiRoute, tags=["public reseller registration"])

BASE = "/v2/public/reseller-registrations/{token}"
LINK_CODES = ("CBC.99100202", "CBC.99100203", "CBC.99100204", "CBC.99100205", "CBC.99100208")
TokenPath = Annotated[str, Path(description="The token of the registration link.")]


def public_responses(*codes: str) -> dict[int | str, dict[str, object]]:
    """OpenAPI error lists for routes without credentials (no 401, no 403 CBC.0151)."""
    by_status: dict[int, list[str]] = {}
    for code in ("CBC.0100", "CBC.0250", "CBC.0999", *codes):
        by_status.setdefault(REGISTRY[code].status, []).append(code)
    return {
        status: {"description": "<br>".join(f"`{c}` {REGISTRY[c].en}" for c in listed), "model": ErrorBody}
        for status, listed in sorted(by_status.items())
    }


def client_address(request: Request, ctx: Context) -> str | None:
    """Count the request against its client address's limit for this operation (before any transaction)."""
    address = request.client.host if request.client else None
    route = request.scope.get("route")
    operation = getattr(route, "name", None) or "public"
    limiter: Limiter = request.app.state.rate_limiter
    wait = limiter.check(f"ip:{address or 'unknown'}", operation, ctx.rate_limits.for_operation(operation))
    if wait is not None:
        raise ApiError("CBC.0250", headers={"Retry-After": retry_after_header(wait)})
    return address


ClientAddress = Annotated[str | None, Depends(client_address)]


@router.get(
    BASE,
    name="show_reseller_registration",
    response_model=RegistrationInfo,
    responses=public_responses(*LINK_CODES),
    summary="Public: who invites, and until when the link works",
    description="No credentials. Unknown link: 404 CBC.99100202; expired, used or revoked: 410 "
    "CBC.99100203 / CBC.99100204 / CBC.99100205. At most "
    "`PARTNERHUB_RATE_PUBLIC_REGISTRATION_PER_SECOND` requests per second per client address (429 CBC.0250).",
)
def show_reseller_registration(
    token: TokenPath, address: ClientAddress, session: DbSession, ctx: Context
) -> Response:
    return json_response(show_registration(session, ctx, token))


@router.post(
    f"{BASE}/verification-code",
    name="send_reseller_registration_code",
    status_code=204,
    response_class=Response,
    responses=public_responses(
        *LINK_CODES,
        "CBC.99000029",
        "CBC.99100207",
        "CBC.99004003",
        "CBC.99004015",
        "CBC.99004016",
        "CBC.99004017",
    ),
    summary="Public: send a registration code to the new reseller's own mobile",
    description="No credentials. `mobile_phone`: the registrant's mainland China mobile, not yet registered "
    "to any partner (CBC.99000029). The code lives 10 minutes. Limits: per mobile as for every code "
    "(CBC.99004015, CBC.99004016), per inviting distributor (CBC.99004017), per link "
    "(`PARTNERHUB_INVITATION_CODES_PER_LINK`, CBC.99100207) and per client address "
    "(`PARTNERHUB_RATE_PUBLIC_REGISTRATION_CODE_PER_SECOND`, 429 CBC.0250).",
)
def send_reseller_registration_code(
    token: TokenPath,
    body: RegistrationCodeRequest,
    address: ClientAddress,
    session: DbSession,
    ctx: Context,
    language: RequestLanguage,
) -> Response:
    send_registration_code(session, ctx, token, mobile_phone=body.mobile_phone, language=language)
    return Response(status_code=204)


@router.post(
    BASE,
    name="register_reseller",
    response_model=RegisteredReseller,
    responses=public_responses(
        *LINK_CODES,
        "CBC.99000029",
        "CBC.99000031",
        "CBC.99000036",
        "CBC.99000038",
        "CBC.99004008",
        "CBC.99004009",
        "CBC.99004010",
    ),
    summary="Public: register the new cloud reseller through the link (used once)",
    description="No credentials. Creates a reseller of the inviting distributor — in its reseller list "
    "(A.22), able to log in with `POST /v3/auth/tokens` — and uses up the link. Refused, creating nothing: "
    "a link that is unknown, expired, used or revoked; a weak password (CBC.99000036, the message says why); "
    "a malformed (CBC.99000031) or taken (CBC.99000038) login; a mobile registered to any partner "
    "(CBC.99000029); a wrong (CBC.99004010), expired (CBC.99004008) or exhausted (CBC.99004009) code.",
)
def register_reseller(
    token: TokenPath,
    body: RegisterResellerRequest,
    address: ClientAddress,
    session: DbSession,
    ctx: Context,
) -> Response:
    registration = validated(body)
    registered = register(session, ctx, token, registration, ip=address)
    return json_response({"partner_id": registered.partner_id, "login": registered.login})
