"""Partner API routes for voucher quotas (SPEC A.17–A.21)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from partnerhub.http.deps import Context, DbSession, PartnerCaller, RequestLanguage, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.idempotency.http import ClientToken, run_once
from partnerhub.kit import params
from partnerhub.kit.money import parse_amount, to_decimal
from partnerhub.partners.scope import acting_partner_id
from partnerhub.quotas.listing import list_issued_quotas, list_quota_records, list_quotas
from partnerhub.quotas.schemas import (
    ListCouponQuotasRecordsQuery,
    ListCouponQuotasRecordsResponse,
    ListIssuedCouponQuotasQuery,
    ListIssuedCouponQuotasResponse,
    ListQuotaCouponsRequest,
    ListQuotaCouponsResponse,
    ReclaimCouponQuotasRequest,
    ReclaimCouponQuotasResponse,
    UpdateCouponQuotasRequest,
    UpdateCouponQuotasResponse,
)
from partnerhub.quotas.service import issue_to_resellers, reclaim_from_resellers, require_distributor
from partnerhub.stepup.api import STEP_UP_CODES, StepUp
from partnerhub.stepup.policy import Sensitive

router = APIRouter(route_class=ApiRoute, tags=["vouchers"])

MAX_RESELLERS = 100
MAX_RECLAIMS = 10
MAX_REMARK = 256


@router.post(
    "/v2/partners/coupon-quotas/query",
    name="list_quota_coupons",
    response_model=ListQuotaCouponsResponse,
    responses=error_responses("CBC.99000037"),
    summary="List the partner's voucher quotas with their remaining balance (A.17)",
)
@reads_only
def list_quota_coupons(
    body: ListQuotaCouponsRequest, caller: PartnerCaller, session: DbSession, ctx: Context
) -> Response:
    partner_id = acting_partner_id(session, caller, body.indirect_partner_id)
    return json_response(list_quotas(session, ctx.clock.now(), partner_id, body))


@router.post(
    "/v2/partners/coupon-quotas/indirect-partner-adjust",
    name="update_coupon_quotas",
    response_model=UpdateCouponQuotasResponse,
    responses=error_responses("CBC.99000012", "CBC.99000015", "CBC.99000017", *STEP_UP_CODES),
    summary="Distributor: carve a child quota for each of up to 100 own resellers (A.18)",
    description="Per-reseller failures answer HTTP 200 in `error_details`: CBC.99000037 not the caller's "
    "reseller, CBC.50010105 reseller exiting, CBC.99000013 parent quota exhausted. "
    "Non-distributors: CBC.0151.",
)
def update_coupon_quotas(
    body: UpdateCouponQuotasRequest,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    language: RequestLanguage,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    require_distributor(caller)
    quota_id = params.required_id(body.quota_id, "quota_id")
    resellers = params.id_list(
        body.indirect_partner_ids, "indirect_partner_ids", maximum=MAX_RESELLERS, required=True
    )
    amount = parse_amount(body.quota_amount, "quota_amount", maximum=ctx.settings.max_amount)

    def execute(_key: str | None) -> tuple[Any, int]:
        result = issue_to_resellers(session, ctx.clock.now(), caller, quota_id, resellers, amount)
        return {
            "error_details": [error.as_detail(language, item) for item, error in result.failed],
            "simple_quota_infos": [{"id": done.item_id, "quota_id": done.quota_id} for done in result.done],
        }, 200

    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=client_token,
        operation="update_coupon_quotas",
        payload=body.model_dump(),
        execute=execute,
        guard=step_up.guard(session, ctx, caller, Sensitive.QUOTA_ISSUE),
    )


@router.post(
    "/v2/partners/coupon-quotas/indirect-partner-reclaim",
    name="reclaim_coupon_quotas",
    response_model=ReclaimCouponQuotasResponse,
    responses=error_responses("CBC.0409", *STEP_UP_CODES),
    summary="Distributor: take back up to 10 resellers' child quotas (A.19)",
    description="Each child's whole remaining balance returns to its parent; `quota_balance` is that amount. "
    "Missing, foreign, already reclaimed or expired children: CBC.99000012 in `error_details` (HTTP 200).",
)
def reclaim_coupon_quotas(
    body: ReclaimCouponQuotasRequest,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    language: RequestLanguage,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    require_distributor(caller)
    quota_ids = params.id_list(body.quota_ids, "quota_ids", maximum=MAX_RECLAIMS, required=True)
    remark = params.optional_text(body.remark, "remark", maximum=MAX_REMARK)

    def execute(_key: str | None) -> tuple[Any, int]:
        result = reclaim_from_resellers(session, ctx.clock.now(), caller, quota_ids, remark)
        return {
            "error_details": [error.as_detail(language, item) for item, error in result.failed],
            "simple_quota_infos": [
                {"quota_id": done.quota_id, "quota_balance": to_decimal(done.amount_minor)}
                for done in result.done
            ],
        }, 200

    # A retry after a lost answer replays it instead of reporting the reclaimed children as missing.
    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=client_token,
        operation="reclaim_coupon_quotas",
        payload=body.model_dump(),
        execute=execute,
        guard=step_up.guard(session, ctx, caller, Sensitive.QUOTA_RECLAIM),
    )


@router.get(
    "/v2/partners/issued-coupon-quotas",
    name="list_issued_coupon_quotas",
    response_model=ListIssuedCouponQuotasResponse,
    responses=error_responses("CBC.99000037"),
    summary="Distributor: list the child quotas issued to its resellers, reclaimed ones as status 6 (A.20)",
)
@reads_only
def list_issued_coupon_quotas(
    query: Annotated[ListIssuedCouponQuotasQuery, Query()],
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
) -> Response:
    require_distributor(caller)
    return json_response(list_issued_quotas(session, ctx.clock.now(), caller.partner_id, query))


@router.get(
    "/v2/partners/coupon-quotas/records",
    name="list_coupon_quotas_records",
    response_model=ListCouponQuotasRecordsResponse,
    responses=error_responses("CBC.99000037"),
    summary="Distributor: list quota issue (10) and reclaim (11) records (A.21)",
)
@reads_only
def list_coupon_quotas_records(
    query: Annotated[ListCouponQuotasRecordsQuery, Query()], caller: PartnerCaller, session: DbSession
) -> Response:
    require_distributor(caller)
    return json_response(list_quota_records(session, caller.partner_id, query))
