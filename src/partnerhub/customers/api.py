"""Partner API routes for customers (SPEC A.1–A.6)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from partnerhub.customers.identity import check_user_identity
from partnerhub.customers.schemas import CheckUserIdentityRequest, CheckUserIdentityResponse
from partnerhub.http.deps import Context, DbSession, PartnerCaller
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response

router = APIRouter(route_class=ApiRoute, tags=["customers"])


@router.post(
    "/v2/partners/sub-customers/users/check-identity",
    name="check_user_identity",
    response_model=CheckUserIdentityResponse,
    responses=error_responses(),
    summary="Check whether a login name, mobile or e-mail can still register (A.1)",
)
def check_identity(
    body: CheckUserIdentityRequest, caller: PartnerCaller, session: DbSession, ctx: Context
) -> Response:
    result = check_user_identity(
        session,
        search_type=body.search_type,
        search_value=body.search_value,
        mobile_cap=ctx.settings.mobile_registration_cap,
    )
    payload = CheckUserIdentityResponse(
        check_result=result.check_result, mobile_remain_available_num=result.mobile_remain_available_num
    )
    return json_response(payload.model_dump(exclude_none=True))
