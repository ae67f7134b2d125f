"""Partner API routes for coupons (SPEC A.13–A.16)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from partnerhub.coupons.listing import list_coupon_records, list_issued_coupons
from partnerhub.coupons.schemas import (
    CreatePartnerCouponsRequest,
    CreatePartnerCouponsResponse,
    ListCouponRecordsQuery,
    ListIssuedCouponsQuery,
    ListIssuedPartnerCouponsResponse,
    ListPartnerCouponsRecordResponse,
    ReclaimPartnerCouponsRequest,
)
from partnerhub.coupons.service import issue_coupons, parse_issue, reclaim_coupon
from partnerhub.errors import invalid
from partnerhub.http.deps import Context, DbSession, PartnerCaller, RequestLanguage, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.idempotency.http import ClientToken, run_once
from partnerhub.kit.params import required_id
from partnerhub.partners.scope import acting_partner_id
from partnerhub.stepup.api import STEP_UP_CODES, StepUp
from partnerhub.stepup.policy import Sensitive

router = APIRouter(route_class=ApiRoute, tags=["vouchers"])


@router.post(
    "/v2/promotions/benefits/partner-coupons",
    name="create_partner_coupons",
    response_model=CreatePartnerCouponsResponse,
    responses=error_responses(
        "CBC.99000012",
        "CBC.99000017",
        "CBC.99000018",
        "CBC.99000019",
        "CBC.99000023",
        "CBC.99000037",
        *STEP_UP_CODES,
    ),
    summary="Issue coupons from a quota to up to 100 resale customers (A.13)",
    description="Per-customer failures answer HTTP 200 in `error_details`: CBC.99000035 not the partner's "
    "customer, CBC.99000014 referral customer, CBC.8214 frozen customer, CBC.99000013 quota exhausted.",
)
def create_partner_coupons(
    body: CreatePartnerCouponsRequest,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    language: RequestLanguage,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    issue = parse_issue(body, ctx.settings.max_amount)
    partner_id = acting_partner_id(session, caller, body.indirect_partner_id)

    def execute(_key: str | None) -> tuple[Any, int]:
        result = issue_coupons(session, ctx.clock.now(), caller, partner_id, issue)
        return {
            "error_details": [error.as_detail(language, item) for item, error in result.failed],
            "coupon_infos": [{"id": customer, "coupon_id": coupon} for customer, coupon in result.issued],
        }, 200

    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=client_token,
        operation="create_partner_coupons",
        payload=body.model_dump(),
        execute=execute,
        guard=step_up.guard(session, ctx, caller, Sensitive.COUPON_ISSUE),
    )


@router.post(
    "/v2/promotions/benefits/partner-coupons/reclaim",
    name="reclaim_partner_coupons",
    status_code=204,
    response_class=Response,
    responses=error_responses(
        "CBC.0409", "CBC.99000035", "CBC.99000037", "CBC.99000045", "CBC.99000048", *STEP_UP_CODES
    ),
    summary="Reclaim a usable coupon's whole remaining balance into its quota (A.14)",
)
def reclaim_partner_coupons(
    body: ReclaimPartnerCouponsRequest,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    coupon_id = required_id(body.coupon_id, "coupon_id")
    if body.indirect_partner_id == "":
        raise invalid("indirect_partner_id", "must not be an empty string")
    partner_id = acting_partner_id(session, caller, body.indirect_partner_id)

    def execute(_key: str | None) -> tuple[Any, int]:
        reclaim_coupon(session, ctx.clock.now(), caller, partner_id, coupon_id)
        return None, 204

    # A retry after a lost answer replays the 204 instead of "already reclaimed" (CBC.99000048).
    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=client_token,
        operation="reclaim_partner_coupons",
        payload=body.model_dump(),
        execute=execute,
        guard=step_up.guard(session, ctx, caller, Sensitive.COUPON_RECLAIM),
    )


@router.get(
    "/v2/promotions/benefits/partner-coupons",
    name="list_issued_partner_coupons",
    response_model=ListIssuedPartnerCouponsResponse,
    responses=error_responses("CBC.99000037"),
    summary="List issued coupons, reclaimed and expired ones included (A.15)",
)
@reads_only
def list_issued_partner_coupons(
    query: Annotated[ListIssuedCouponsQuery, Query()], caller: PartnerCaller, session: DbSession, ctx: Context
) -> Response:
    partner_id = acting_partner_id(session, caller, query.indirect_partner_id)
    return json_response(list_issued_coupons(session, ctx.clock.now(), partner_id, query))


@router.get(
    "/v2/promotions/benefits/partner-coupons/records/query",
    name="list_partner_coupons_record",
    response_model=ListPartnerCouponsRecordResponse,
    responses=error_responses("CBC.99000037"),
    summary="List coupon issue, reclaim and expiry records (A.16)",
)
@reads_only
def list_partner_coupons_record(
    query: Annotated[ListCouponRecordsQuery, Query()], caller: PartnerCaller, session: DbSession
) -> Response:
    partner_id = acting_partner_id(session, caller, query.indirect_partner_id)
    return json_response(list_coupon_records(session, partner_id, query))
