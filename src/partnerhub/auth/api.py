"""IAM-compatible endpoints: the SDK's domain discovery and password → token login."""

from __future__ import annotations

from fastapi import APIRouter, Response

from partnerhub.auth.schemas import DomainsResponse, TokenRequest
from partnerhub.auth.service import login_with_password
from partnerhub.errors import invalid
from partnerhub.http.deps import Context, DbSession, PartnerCaller
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
def list_auth_domains(caller: PartnerCaller, session: DbSession) -> Response:
    partner = PartnerRepository(session).get(caller.partner_id)
    assert partner is not None
    return json_response({"domains": [{"id": partner.id, "name": partner.account_name, "enabled": True}]})


@router.post(
    "/v3/auth/tokens",
    name="create_auth_token",
    status_code=201,
    responses=error_responses(),
    summary="Password login; the token comes back in the X-Subject-Token header and lives 24 hours",
)
def create_auth_token(body: TokenRequest, session: DbSession, ctx: Context) -> Response:
    if "password" not in body.auth.identity.methods:
        raise invalid("auth.identity.methods", "only password is supported")
    user = body.auth.identity.password.user
    issued = login_with_password(session, ctx, name=user.name, password=user.password)
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
