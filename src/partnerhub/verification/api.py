"""Routes: send a verification code (SPEC A.2) and bind a mobile later (partner and customer flows)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from partnerhub.http.deps import Context, CustomerCaller, DbSession, PartnerCaller
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute
from partnerhub.verification.binding import bind_for_customer, bind_for_partner
from partnerhub.verification.schemas import (
    CustomerBindMobileRequest,
    CustomerCodeRequest,
    PartnerBindMobileRequest,
    SendVerificationCodeRequest,
)
from partnerhub.verification.sending import SendRequest, customer_send, partner_send

router = APIRouter(route_class=ApiRoute, tags=["verification codes"])

SEND_LIMIT_CODES = ("CBC.99004015", "CBC.99004016", "CBC.99004003")
CODE_CHECK_CODES = ("CBC.99004008", "CBC.99004009", "CBC.99004010")

SEND_DESCRIPTION = """
Sends a 6-digit SMS code and answers **204 No Content**. `receiver_type` must be 1.

`scene` values:

| scene | use | `customer_id` |
|---|---|---|
| 29 (default when absent or null) | registration: `create_sub_customer` with this number | ignored |
| 18 | bank-card real-name authentication (`bank_card_info.mobile`) | required: the caller's customer |
| 30 | partnerhub: bind a mobile later (`POST /v2/partners/sub-customers/mobile/bind`) | required: as 18 |

A customer that is not the caller's (missing, or another partner's) answers `CBC.99000035`. The code lives
`timeout` minutes (default 10; any value above 60 becomes 5) and is bound to the calling partner, the scene,
the number and the customer. Limits per number: 15 per hour and 60 per day (`CBC.99004015`), one code per
60 seconds (`CBC.99004016`, with `Retry-After`); per partner a daily cap (`CBC.99004017`). A newer code
supersedes the older one.
"""


@router.post(
    "/v2/bases/verificationcode/send",
    name="send_verification_message_code",
    status_code=204,
    response_class=Response,
    responses=error_responses("CBC.99000029", "CBC.99000035", "CBC.99004017", *SEND_LIMIT_CODES),
    summary="Send a verification code by SMS (A.2)",
    description=SEND_DESCRIPTION,
)
def send_verification_message_code(
    body: SendVerificationCodeRequest, caller: PartnerCaller, session: DbSession, ctx: Context
) -> Response:
    partner_send(
        session,
        ctx,
        caller,
        SendRequest(
            receiver_type=body.receiver_type,
            timeout=body.timeout,
            mobile_phone=body.mobile_phone,
            lang=body.lang,
            scene=body.scene,
            customer_id=body.customer_id,
            indirect_partner_id=body.indirect_partner_id,
        ),
    )
    return Response(status_code=204)


@router.post(
    "/v2/partners/sub-customers/mobile/bind",
    name="bind_sub_customer_mobile",
    status_code=204,
    response_class=Response,
    responses=error_responses(
        "CBC.99000029", "CBC.99000030", "CBC.99000035", "CBC.99000037", *CODE_CHECK_CODES
    ),
    summary="Bind a mobile to a customer created without one (partnerhub)",
    description="For a customer whose mobile is absent or empty. First send a code with `scene` 30 and the "
    "`customer_id` to the new number, then bind it here → 204. A customer that already has a mobile answers "
    "`CBC.99000029`; a number registered `mobile_registration_cap` times `CBC.99000030`. "
    "Code errors as in create-customer: expired `CBC.99004008`, more than 3 failures `CBC.99004009`, "
    "wrong `CBC.99004010`.",
)
def bind_sub_customer_mobile(
    body: PartnerBindMobileRequest, caller: PartnerCaller, session: DbSession, ctx: Context
) -> Response:
    bind_for_partner(
        session,
        ctx,
        caller,
        customer_id=body.customer_id,
        mobile_phone=body.mobile_phone,
        verification_code=body.verification_code,
        indirect_partner_id=body.indirect_partner_id,
    )
    return Response(status_code=204)


@router.post(
    "/v2/customers/mobile/verificationcode",
    name="send_customer_mobile_code",
    status_code=204,
    response_class=Response,
    responses=error_responses("CBC.99000029", "CBC.99000082", *SEND_LIMIT_CODES),
    summary="A customer sends itself a bind-mobile code (customer token, partnerhub)",
    description="Called with the customer's own `X-Auth-Token` (from `POST /v3/auth/tokens` with its login "
    "name and password). Sends a scene-30 code to `mobile_phone` → 204. Same per-number limits as the "
    "partner operation; per customer `code_customer_daily_cap` codes a day (`CBC.99000082`).",
)
def send_customer_mobile_code(
    body: CustomerCodeRequest, caller: CustomerCaller, session: DbSession, ctx: Context
) -> Response:
    customer_send(
        session,
        ctx,
        customer_id=caller.subject_id,
        mobile_phone=body.mobile_phone,
        lang=body.lang,
        timeout=body.timeout,
    )
    return Response(status_code=204)


@router.post(
    "/v2/customers/mobile/bind",
    name="bind_customer_mobile",
    status_code=204,
    response_class=Response,
    responses=error_responses("CBC.99000029", "CBC.99000030", *CODE_CHECK_CODES),
    summary="A customer binds a mobile to its own account (customer token, partnerhub)",
    description="With the code from `POST /v2/customers/mobile/verificationcode` → 204. Same rules as the "
    "partner operation.",
)
def bind_customer_mobile(
    body: CustomerBindMobileRequest, caller: CustomerCaller, session: DbSession, ctx: Context
) -> Response:
    bind_for_customer(
        session,
        ctx,
        customer_id=caller.subject_id,
        mobile_phone=body.mobile_phone,
        verification_code=body.verification_code,
    )
    return Response(status_code=204)
