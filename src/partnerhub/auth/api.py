"""IAM-compatible endpoints: the SDK's domain discovery and password → token login."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from partnerhub.auth.passwords import authenticate_password
from partnerhub.auth.schemas import DomainsResponse, TokenRequest
from partnerhub.auth.service import issue_token
from partnerhub.db.session import session_scope
from partnerhub.errors import invalid
from partnerhub.http.deps import Context, DbSession, PartnerCaller, client_address, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.kit.clock import format_utc
from partnerhub.partners.repository import PartnerRepository

router = APIRouter(route_class=ApiRoute, tags=["auth"])


@router.get(
    "/v3/auth/domains",
    name="list_auth_domains",
    response_model=DomainsResponse,
    responses=error_responses(),
    summary="The caller's account (the SDK's domain-id discovery for global services)",
)
@reads_only
def list_auth_domains(caller: PartnerCaller, session: DbSession) -> Response:
    partner = PartnerRepository(session).get(caller.partner_id)
    assert partner is not None
    return json_response({"domains": [{"id": partner.id, "name": partner.account_name, "enabled": True}]})


@router.post(
    "/v3/auth/tokens",
    name="create_auth_token",
    status_code=201,
    responses=error_responses("CBC.0156"),
    summary="Password login; the token comes back in the X-Subject-Token header and lives 24 hours",
    description=(
        "A wrong login name or password answers `401 CBC.0156` (the server log holds the reason under the "
        "response's `X-Request-Id`). Logins are throttled per account and per client address: beyond "
        "`PARTNERHUB_LOGIN_FREE_ATTEMPTS_PER_ACCOUNT` (5) / `_PER_ADDRESS` (30) attempts, each further "
        "attempt locks the account or address for a doubling time (2 s, 4 s, … up to 15 minutes); while "
        "locked every attempt, the right password included, answers `429 CBC.0250` with `Retry-After`."
    ),
)
def create_auth_token(body: TokenRequest, request: Request, ctx: Context) -> Response:
    if "password" not in body.auth.identity.methods:
        raise invalid("auth.identity.methods", "only password is supported")
    user = body.auth.identity.password.user
    # Two short transactions of its own around the password check: never the write lock during argon2.
    subject = authenticate_password(
        ctx, name=user.name, password=user.password, client_address=client_address(request)
    )
    with session_scope(ctx.sessions) as session:
        issued = issue_token(session, ctx, subject)
    domain = {"id": issued.subject_id, "name": issued.login_name}
    payload = {
        "token": {
            "methods": ["password"],
            "issued_at": format_utc(issued.issued_at),
            "expires_at": format_utc(issued.expires_at),
            "user": {"id": issued.subject_id, "name": issued.login_name, "domain": domain},
            "domain": domain,
            "subject_kind": issued.subject_kind.value,
        }
    }
    return json_response(payload, status_code=201, headers={"X-Subject-Token": issued.token})
