"""Partner API routes about partners themselves: a distributor's reseller list (SPEC A.22) and reveal."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from partnerhub.http.deps import Context, DbSession, PartnerCaller, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.partners.resellers import list_resellers, reseller_information
from partnerhub.partners.reveal import (
    RevealResellerRequest,
    RevealResellerResponse,
    reveal_reseller_field,
)
from partnerhub.partners.schemas import ListIndirectPartnersResponse, QueryIndirectPartnersReq
from partnerhub.stepup.api import STEP_UP_CODES, StepUp
from partnerhub.stepup.policy import Sensitive

router = APIRouter(route_class=ApiRoute, tags=["resellers"])


@router.post(
    "/v2/partners/indirect-partners/query",
    name="list_indirect_partners",
    response_model=ListIndirectPartnersResponse,
    responses=error_responses(),
    summary="Distributor: list its cloud resellers, contact data masked (A.22)",
    description="Filters: `account_name` (contains, no spaces), `associated_on_begin/end` (UTC, inclusive), "
    "`indirect_partner_id`; newest association first. Non-distributors: 403 CBC.0151.",
)
@reads_only
def list_indirect_partners(
    body: QueryIndirectPartnersReq, caller: PartnerCaller, session: DbSession
) -> Response:
    page = list_resellers(session, caller, body)
    infos = [reseller_information(row).model_dump() for row in page.rows]
    return json_response({"count": page.count, "indirect_partners": infos})


@router.post(
    "/v2/partners/indirect-partners/reveal",
    name="reveal_indirect_partner",
    response_model=RevealResellerResponse,
    responses=error_responses("CBC.0250", "CBC.99000037", *STEP_UP_CODES),
    summary="Distributor: reveal one reseller's full mobile or e-mail, audited (partnerhub extension)",
    description="`field`: `mobile_phone` | `email`; `reason` (optional, at most 256 characters). Writes one "
    "`reseller.reveal` audit event (field and reason, never the value) in the same transaction; a refused "
    "reveal writes a `reseller.reveal_refused` event (with the error code) instead. Non-distributors: 403 "
    "CBC.0151; not the caller's reseller: CBC.99000037; more than `PARTNERHUB_REVEAL_PER_HOUR` reveals in a "
    "rolling hour: 429 CBC.0250 with `Retry-After`. A sensitive operation: with `step_up_api` on it needs "
    "`X-Verification-Code`.",
)
def reveal_indirect_partner(
    body: RevealResellerRequest,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    request: Request,
    step_up: StepUp,
) -> Response:
    ip = request.client.host if request.client else None
    step_up.check(session, ctx, caller, Sensitive.REVEAL)
    revealed = reveal_reseller_field(session, ctx, caller, body, ip=ip)
    return json_response(revealed.model_dump())
