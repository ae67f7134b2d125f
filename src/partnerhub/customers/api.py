"""Partner API routes for customers (SPEC A.1, A.3–A.6) and the audited reveal of a masked field."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request, Response

from partnerhub.customers.creation import create_customer
from partnerhub.customers.freezing import ItemFailure, freeze_customers, parse_batch, unfreeze_customers
from partnerhub.customers.identity import check_user_identity
from partnerhub.customers.listing import customer_information, list_customers
from partnerhub.customers.reveal import (
    RevealCustomerRequest,
    RevealCustomerResponse,
    reveal_customer_field,
)
from partnerhub.customers.schemas import (
    CheckUserIdentityRequest,
    CheckUserIdentityResponse,
    CreateCustomerRequest,
    CreateCustomerResponse,
    FreezeCustomersRequest,
    FreezeCustomersResponse,
    ListCustomersRequest,
    ListCustomersResponse,
    UnfreezeCustomersRequest,
)
from partnerhub.errors import Language
from partnerhub.http.deps import Context, DbSession, PartnerCaller, RequestLanguage, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.stepup.api import STEP_UP_CODES, StepUp
from partnerhub.stepup.policy import Sensitive

router = APIRouter(route_class=ApiRoute, tags=["customers"])

_FREEZE_ERRORS = ("CBC.99000037",)
_FREEZE_NOTE = (
    "Answers 200 with `error_details` listing only the customers that failed, or `{}` when all succeeded. "
    "Per-customer codes: `CBC.99000035` not your customer, `CBC.5024` referral customer, "
    "`CBC.99003656` already frozen, `CBC.0460` not frozen, "
    "`CBC.0101` unfreeze type differs from the freeze type."
)


@router.post(
    "/v2/partners/sub-customers/users/check-identity",
    name="check_user_identity",
    response_model=CheckUserIdentityResponse,
    responses=error_responses(),
    summary="Check whether a login name, mobile or e-mail can still register (A.1)",
)
@reads_only
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


@router.post(
    "/v2/partners/sub-customers",
    name="create_sub_customer",
    response_model=CreateCustomerResponse,
    responses=error_responses(
        "CBC.5017",
        "CBC.99000030",
        "CBC.99000031",
        "CBC.99000036",
        "CBC.99000037",
        "CBC.99000038",
        "CBC.99000039",
        "CBC.99004008",
        "CBC.99004009",
        "CBC.99004010",
        "CBC.50010065",
        "CBC.50010085",
        "CBC.50010086",
    ),
    summary="Create a customer account associated with the partner (A.3)",
    description="The account and its association (resale by default, referral with `cooperation_type` "
    '`"1"`) are written in one transaction, so the answer is always final. `xaccount_type` must be the '
    "calling partner's platform id (CBC.0100 otherwise).",
)
def create_sub_customer(
    body: CreateCustomerRequest, caller: PartnerCaller, session: DbSession, ctx: Context
) -> Response:
    created = create_customer(session, ctx, caller, body)
    return json_response(
        CreateCustomerResponse(domain_id=created.domain_id, domain_name=created.domain_name).model_dump()
    )


@router.post(
    "/v2/partners/sub-customers/query",
    name="list_sub_customers",
    response_model=ListCustomersResponse,
    responses=error_responses("CBC.99000037"),
    summary="List the partner's customers (A.4)",
    description="Customers actively associated with the caller (or with `indirect_partner_id`, a reseller of "
    "the calling distributor), newest association first. Mobile, e-mail and personal real names are masked.",
)
@reads_only
def list_sub_customers(body: ListCustomersRequest, caller: PartnerCaller, session: DbSession) -> Response:
    page = list_customers(session, caller, body)
    infos = [customer_information(row).model_dump(exclude_none=True) for row in page.rows]
    return json_response({"customer_infos": infos, "count": page.count})


@router.post(
    "/v2/partners/sub-customers/reveal",
    name="reveal_sub_customer",
    response_model=RevealCustomerResponse,
    responses=error_responses("CBC.0250", "CBC.99000035", "CBC.99000037", *STEP_UP_CODES),
    summary="Reveal one customer's full mobile, e-mail or real name, audited (partnerhub extension)",
    description="`field`: `telephone` | `email` | `customer` (real name); `value` is null when the customer "
    "has none. Scope as in the customer list (`indirect_partner_id`: a reseller of the calling distributor). "
    "Writes one `customer.reveal` audit event (field and reason, never the value) in the same transaction; a "
    "refused reveal writes a `customer.reveal_refused` event (with the error code) instead. Not the "
    "partner's customer: CBC.99000035; more than `PARTNERHUB_REVEAL_PER_HOUR` reveals in a rolling hour: 429 "
    "CBC.0250 with `Retry-After`. A sensitive operation: with `step_up_api` on it needs "
    "`X-Verification-Code`.",
)
def reveal_sub_customer(
    body: RevealCustomerRequest,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    request: Request,
    step_up: StepUp,
) -> Response:
    ip = request.client.host if request.client else None
    step_up.check(session, ctx, caller, Sensitive.REVEAL)
    return json_response(reveal_customer_field(session, ctx, caller, body, ip=ip).model_dump())


@router.post(
    "/v2/partners/sub-customers/freeze",
    name="freeze_sub_customers",
    response_model=FreezeCustomersResponse,
    responses=error_responses(*_FREEZE_ERRORS),
    summary="Freeze customer accounts (A.5)",
    description=_FREEZE_NOTE,
)
def freeze_sub_customers(
    body: FreezeCustomersRequest,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    language: RequestLanguage,
) -> Response:
    batch = parse_batch(
        body.customer_ids, body.reason, body.indirect_partner_id, body.freeze_type, type_field="freeze_type"
    )
    return _batch_response(freeze_customers(session, ctx, caller, batch), language)


@router.post(
    "/v2/partners/sub-customers/unfreeze",
    name="unfreeze_sub_customers",
    response_model=FreezeCustomersResponse,
    responses=error_responses(*_FREEZE_ERRORS),
    summary="Unfreeze customer accounts (A.6)",
    description=_FREEZE_NOTE,
)
def unfreeze_sub_customers(
    body: UnfreezeCustomersRequest,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    language: RequestLanguage,
) -> Response:
    batch = parse_batch(
        body.customer_ids,
        body.reason,
        body.indirect_partner_id,
        body.unfreeze_type,
        type_field="unfreeze_type",
    )
    return _batch_response(unfreeze_customers(session, ctx, caller, batch), language)


def _batch_response(failures: Sequence[ItemFailure], language: Language) -> Response:
    if not failures:
        return json_response({})
    return json_response(
        {"error_details": [item.error.as_detail(language, item.customer_id) for item in failures]}
    )
