"""Partner API routes about partners themselves: a distributor's reseller list (SPEC A.22)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from partnerhub.http.deps import DbSession, PartnerCaller
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.partners.resellers import list_resellers, reseller_information
from partnerhub.partners.schemas import ListIndirectPartnersResponse, QueryIndirectPartnersReq

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
def list_indirect_partners(
    body: QueryIndirectPartnersReq, caller: PartnerCaller, session: DbSession
) -> Response:
    page = list_resellers(session, caller, body)
    infos = [reseller_information(row).model_dump() for row in page.rows]
    return json_response({"count": page.count, "indirect_partners": infos})
