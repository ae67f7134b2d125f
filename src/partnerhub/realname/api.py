"""Partner API routes for personal real-name authentication (SPEC A.25, A.26)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from partnerhub.http.deps import Context, DbSession, PartnerCaller, RequestLanguage, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.realname.schemas import (
    PersonalRealnameRequest,
    PersonalRealnameResponse,
    ReviewResultResponse,
)
from partnerhub.realname.service import apply_personal, review_state
from partnerhub.realname.validation import BankCardInput, PersonalApplication
from partnerhub.realname.verifiers import FAILING_NAMES, MISMATCHED_NAMES

router = APIRouter(route_class=ApiRoute, tags=["real-name authentication"])

APPLY_DESCRIPTION = f"""
`identify_type` **4** (bank card) is decided at once (`is_review` 0): the ID number must pass the GB 11643
check, the card number the Luhn check, `areacode` must be `0086`, and `bank_card_info.verification_code`
must come from `POST /v2/bases/verificationcode/send` with `scene` 18, this `customer_id` and the same
`mobile` (wrong `CBC.99000026`, expired `CBC.99000027`, more than 3 failures `CBC.99004009`).

`identify_type` **0** (ID documents, `verified_type` 3/5/6/9/10 with exactly 3 attachments) goes to manual
review (`is_review` 1, result 0 审核中) until an operator runs
`partnerhub realname review --customer ID --approve|--reject --opinion TEXT`.

The built-in deterministic verifier refuses the names {sorted(MISMATCHED_NAMES)} (bank card, `CBC.99007255`)
and {sorted(FAILING_NAMES)} (`CBC.99007202`); a refusal counts as an attempt (`realname_max_attempts`,
then `CBC.99007191`) and leaves the result 1 不通过.
"""


@router.post(
    "/v2/customers/realname-auths/individual",
    name="create_personal_realname_auth",
    response_model=PersonalRealnameResponse,
    responses=error_responses(
        "CBC.99000026",
        "CBC.99000027",
        "CBC.99000035",
        "CBC.99000100",
        "CBC.99004009",
        "CBC.99007188",
        "CBC.99007189",
        "CBC.99007191",
        "CBC.99007202",
        "CBC.99007255",
    ),
    summary="Apply for personal real-name authentication (A.25)",
    description=APPLY_DESCRIPTION,
)
def create_personal_realname_auth(
    body: PersonalRealnameRequest,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    language: RequestLanguage,
) -> Response:
    card = body.bank_card_info
    application = PersonalApplication(
        customer_id=body.customer_id,
        identify_type=body.identify_type,
        verified_type=body.verified_type,
        verified_file_url=body.verified_file_url,
        name=body.name,
        verified_number=body.verified_number,
        change_type=body.change_type,
        xaccount_type=body.xaccount_type,
        bank_card_info=BankCardInput(card.bank_account, card.areacode, card.mobile, card.verification_code)
        if card
        else None,
    )
    is_review = apply_personal(
        session, ctx, partner_id=caller.partner_id, application=application, language=language
    )
    return json_response({"is_review": is_review})


@router.get(
    "/v2/customers/realname-auths/result",
    name="show_realname_authentication_review_result",
    response_model=ReviewResultResponse,
    responses=error_responses("CBC.5002"),
    summary="The result of the customer's newest real-name application (A.26)",
    description="`review_result` 0 审核中 / 1 不通过 (with `opinion`) / 2 通过; an empty object when the "
    "customer never applied. A customer that is not the caller's answers `CBC.5002`.",
)
@reads_only
def show_review_result(
    caller: PartnerCaller,
    session: DbSession,
    customer_id: str | None = Query(default=None, max_length=64, description="The customer's id."),
) -> Response:
    state = review_state(session, partner_id=caller.partner_id, customer_id=customer_id)
    if state is None:
        return json_response({})
    payload: dict[str, object] = {"review_result": state.review_result}
    if state.opinion is not None:
        payload["opinion"] = state.opinion
    return json_response(payload)
