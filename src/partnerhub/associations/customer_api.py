"""Customer routes (customer token: ``X-Auth-Token`` from ``POST /v3/auth/tokens`` with the customer's login
name and password): its partner, its association requests and decisions, and invitations to re-associate.

Writes take ``X-Client-Token`` (keys are scoped to the customer). Approving or rejecting needs the code sent
by ``.../verification-code`` to the customer's bound mobile, else its e-mail.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from partnerhub.associations.invitations import accept, invitation_view, invitations_of
from partnerhub.associations.models import Initiator
from partnerhub.associations.repository import RequestQuery
from partnerhub.associations.rules import Actor, customer_draft
from partnerhub.associations.schemas import (
    AssociationRequestList,
    AssociationRequestView,
    CreateCustomerRequestBody,
    CustomerApproveBody,
    CustomerPartnerView,
    CustomerRejectBody,
    InvitationList,
)
from partnerhub.associations.service import create_request, decide, send_decision_code
from partnerhub.associations.transitions import Action
from partnerhub.associations.views import customer_partner, list_requests, request_view
from partnerhub.auth.principals import Principal
from partnerhub.http.deps import Context, CustomerCaller, DbSession, RequestLanguage, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.idempotency.http import ClientToken, run_once
from partnerhub.kit import params

router = APIRouter(route_class=ApiRoute, tags=["customer: associations"])

REQUESTS = "/v2/customers/association-requests"
CODE_CHECK = ("CBC.99004008", "CBC.99004009", "CBC.99004010")
DECISION_CODES = ("CBC.0409", "CBC.99100103", "CBC.99100105", "CBC.99100106", "CBC.99100108", "CBC.99100110")
RequestId = Annotated[str, Path(max_length=64, description="The request's id.")]
InvitationId = Annotated[str, Path(max_length=64, description="The invitation's id.")]
Offset = Annotated[int | None, Query(description="Default 0.")]
Limit = Annotated[int | None, Query(description="1–100, default 10.")]


def _actor(caller: Principal, request: Request) -> Actor:
    return Actor(Initiator.CUSTOMER, caller.subject_id, request.client.host if request.client else None)


@router.get(
    "/v2/customers/partner",
    name="show_customer_partner",
    response_model=CustomerPartnerView,
    responses=error_responses(),
    summary="The customer's partner, association type and pending request (customer token)",
    description="Every field is null when the customer has no partner.",
)
@reads_only
def show_customer_partner(caller: CustomerCaller, session: DbSession, ctx: Context) -> Response:
    return json_response(customer_partner(session, ctx.clock.now(), caller.subject_id))


@router.post(
    REQUESTS,
    name="create_customer_association_request",
    response_model=AssociationRequestView,
    responses=error_responses("CBC.0409", "CBC.99100101", "CBC.99100102", "CBC.99100109"),
    summary="Ask your partner to disassociate (customer token)",
    description="`request_type` must be `disassociate`. No partner: CBC.99100109; one pending request at a "
    "time (CBC.99100101); at most 3 in 90 days (CBC.99100102). The partner decides within 10 days, else the "
    "request expires; you are notified of the outcome.",
)
def create_customer_association_request(
    body: CreateCustomerRequestBody,
    caller: CustomerCaller,
    session: DbSession,
    ctx: Context,
    request: Request,
    client_token: ClientToken = None,
) -> Response:
    draft = customer_draft(caller.subject_id, body.request_type, body.reason)

    def execute(_: str | None) -> tuple[Any, int]:
        created = create_request(session, ctx, _actor(caller, request), draft)
        return request_view(created, ctx.clock.now()), 200

    return run_once(
        session,
        ctx,
        partner_id=caller.subject_id,  # idempotency keys are scoped to the caller: here the customer
        key=client_token,
        operation="create_customer_association_request",
        payload=body.model_dump(),
        execute=execute,
    )


@router.get(
    REQUESTS,
    name="list_customer_association_requests",
    response_model=AssociationRequestList,
    responses=error_responses(),
    summary="Your association requests, both directions, newest first (customer token)",
)
@reads_only
def list_customer_association_requests(
    caller: CustomerCaller, session: DbSession, ctx: Context, offset: Offset = None, limit: Limit = None
) -> Response:
    query = RequestQuery(customer_id=caller.subject_id)
    return json_response(list_requests(session, ctx.clock.now(), query, offset=offset, limit=limit))


@router.post(
    REQUESTS + "/{request_id}/verification-code",
    name="send_association_decision_code",
    status_code=204,
    response_class=Response,
    responses=error_responses(
        "CBC.0409",
        "CBC.99100105",
        "CBC.99100106",
        "CBC.99100108",
        "CBC.99100110",
        "CBC.99000082",
        "CBC.99004015",
        "CBC.99004016",
        "CBC.99004003",
    ),
    summary="Send the code for your decision on a partner's request (customer token)",
    description="To your bound mobile, else your e-mail (neither: CBC.99100110 — bind one first). Only for a "
    "pending request your partner made. The code lives 10 minutes, is single use and allows 3 wrong tries.",
)
def send_association_decision_code(
    request_id: RequestId,
    caller: CustomerCaller,
    session: DbSession,
    ctx: Context,
    request: Request,
    language: RequestLanguage,
    client_token: ClientToken = None,
) -> Response:
    def execute(_: str | None) -> tuple[Any, int]:
        send_decision_code(session, ctx, _actor(caller, request), request_id, language)
        return None, 204

    return run_once(
        session,
        ctx,
        partner_id=caller.subject_id,
        key=client_token,
        operation="send_association_decision_code",
        payload={"request_id": request_id},
        execute=execute,
    )


def _decision(
    action: Action,
    request_id: str,
    code: str | None,
    reason: str | None,
    caller: Principal,
    session: DbSession,
    ctx: Context,
    request: Request,
    client_token: str | None,
) -> Response:
    def execute(_: str | None) -> tuple[Any, int]:
        decided = decide(
            session, ctx, _actor(caller, request), request_id, action, reason=reason, verification_code=code
        )
        return request_view(decided, ctx.clock.now()), 200

    return run_once(
        session,
        ctx,
        partner_id=caller.subject_id,
        key=client_token,
        operation=f"customer_{action.value}_association_request",
        payload={"request_id": request_id, "verification_code": code, "reason": reason},
        execute=execute,
    )


@router.post(
    REQUESTS + "/{request_id}/approve",
    name="approve_customer_association_request",
    response_model=AssociationRequestView,
    responses=error_responses(*DECISION_CODES, *CODE_CHECK),
    summary="Approve your partner's request (customer token)",
    description="Needs `verification_code`. Approving a disassociation ends the association; your "
    "partner-funded cash and the vouchers the partner gave you go back to the partner. A frozen account "
    "must be "
    "unfrozen by the partner first (CBC.99100103).",
)
def approve_customer_association_request(
    request_id: RequestId,
    body: CustomerApproveBody,
    caller: CustomerCaller,
    session: DbSession,
    ctx: Context,
    request: Request,
    client_token: ClientToken = None,
) -> Response:
    return _decision(
        Action.APPROVE,
        request_id,
        body.verification_code,
        body.reason,
        caller,
        session,
        ctx,
        request,
        client_token,
    )


@router.post(
    REQUESTS + "/{request_id}/reject",
    name="reject_customer_association_request",
    response_model=AssociationRequestView,
    responses=error_responses(*DECISION_CODES, *CODE_CHECK),
    summary="Reject your partner's request (customer token)",
    description="Needs `verification_code` and a `reason`.",
)
def reject_customer_association_request(
    request_id: RequestId,
    body: CustomerRejectBody,
    caller: CustomerCaller,
    session: DbSession,
    ctx: Context,
    request: Request,
    client_token: ClientToken = None,
) -> Response:
    return _decision(
        Action.REJECT,
        request_id,
        body.verification_code,
        body.reason,
        caller,
        session,
        ctx,
        request,
        client_token,
    )


@router.get(
    "/v2/customers/association-invitations",
    name="list_customer_association_invitations",
    response_model=InvitationList,
    responses=error_responses(),
    summary="Invitations from partners to associate with them, newest first (customer token)",
)
@reads_only
def list_customer_association_invitations(
    caller: CustomerCaller, session: DbSession, ctx: Context, offset: Offset = None, limit: Limit = None
) -> Response:
    first, size = params.page(offset, limit)
    total, rows = invitations_of(session, caller.subject_id, offset=first, limit=size)
    now = ctx.clock.now()
    return json_response(
        {
            "total_count": total,
            "invitations": [invitation_view(row, name, row.status_at(now).value) for row, name in rows],
        }
    )


@router.post(
    "/v2/customers/association-invitations/{invitation_id}/accept",
    name="accept_customer_association_invitation",
    response_model=CustomerPartnerView,
    responses=error_responses(
        "CBC.0409",
        "CBC.99100111",
        "CBC.99100112",
        "CBC.99100113",
        "CBC.50010065",
        "CBC.50010085",
        "CBC.50010086",
    ),
    summary="Accept a partner's invitation: associate with it (customer token)",
    description="Only without a partner (CBC.99100113); only a pending invitation (expired, accepted or "
    "superseded: CBC.99100112). Answers your new partner view. Your other pending invitations are "
    "superseded.",
)
def accept_customer_association_invitation(
    invitation_id: InvitationId,
    caller: CustomerCaller,
    session: DbSession,
    ctx: Context,
    request: Request,
    client_token: ClientToken = None,
) -> Response:
    def execute(_: str | None) -> tuple[Any, int]:
        accept(session, ctx, _actor(caller, request), invitation_id)
        return customer_partner(session, ctx.clock.now(), caller.subject_id), 200

    return run_once(
        session,
        ctx,
        partner_id=caller.subject_id,
        key=client_token,
        operation="accept_customer_association_invitation",
        payload={"invitation_id": invitation_id},
        execute=execute,
    )
