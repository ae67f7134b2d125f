"""Partner routes (AK/SK or partner token): association requests, decisions, records and invitations.

Every write takes ``X-Client-Token``: a retry with the same key answers the first response again and changes
nothing twice. Step-up verification (D.6) guards requests, decisions and invitations: with ``step_up_api`` on,
each needs ``X-Verification-Code`` on its first execution (a replay needs none), checked before any write.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from partnerhub.associations.invitations import invite
from partnerhub.associations.models import Initiator
from partnerhub.associations.rules import Actor, partner_draft
from partnerhub.associations.schemas import (
    ApproveBody,
    AssociationRecordList,
    AssociationRequestList,
    AssociationRequestView,
    CreatePartnerRequestBody,
    InvitationCreated,
    InviteBody,
    RejectBody,
)
from partnerhub.associations.service import create_request, decide
from partnerhub.associations.transitions import Action
from partnerhub.associations.views import list_records, list_requests, partner_request_query, request_view
from partnerhub.auth.principals import Principal
from partnerhub.http.deps import Context, DbSession, PartnerCaller, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.idempotency.http import ClientToken, run_once
from partnerhub.kit.clock import format_utc
from partnerhub.stepup.api import STEP_UP_CODES, StepUp, StepUpProof
from partnerhub.stepup.policy import Sensitive

router = APIRouter(route_class=ApiRoute, tags=["associations"])

REQUESTS = "/v2/partners/sub-customers/association-requests"
DECISION_CODES = ("CBC.0409", "CBC.99100103", "CBC.99100105", "CBC.99100106", "CBC.99100108", *STEP_UP_CODES)
RequestId = Annotated[str, Path(max_length=64, description="The request's id (32 hex characters).")]
Offset = Annotated[int | None, Query(description="Default 0.")]
Limit = Annotated[int | None, Query(description="1–100, default 10.")]


def _actor(caller: Principal, request: Request) -> Actor:
    return Actor(Initiator.PARTNER, caller.partner_id, request.client.host if request.client else None)


@router.post(
    REQUESTS,
    name="create_association_request",
    response_model=AssociationRequestView,
    responses=error_responses(
        "CBC.0409",
        "CBC.99000035",
        "CBC.99100101",
        "CBC.99100102",
        "CBC.99100103",
        "CBC.99100104",
        *STEP_UP_CODES,
    ),
    summary="Ask a customer to disassociate or to switch its association type (partnerhub, D.2)",
    description="The customer decides within `PARTNERHUB_ASSOCIATION_REQUEST_EXPIRY_DAYS` (10) days; then "
    "the request expires. Rules: only your own, actively associated customers (CBC.99000035 as for a "
    "missing one); "
    "not while the customer is frozen (CBC.99100103); a switch goes between 1 and 2, never to the current "
    "type (CBC.99100104); one pending request per customer (CBC.99100101); at most 3 disassociation requests "
    "per customer in 90 days (CBC.99100102, settings). You are notified of the outcome.",
)
def create_association_request(
    body: CreatePartnerRequestBody,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    request: Request,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    draft = partner_draft(body.customer_id, body.request_type, body.target_association_type, body.reason)

    def execute(_: str | None) -> tuple[Any, int]:
        created = create_request(session, ctx, _actor(caller, request), draft)
        return request_view(created, ctx.clock.now()), 200

    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=client_token,
        operation="create_association_request",
        guard=step_up.guard(session, ctx, caller, Sensitive.ASSOCIATION_REQUEST),
        payload=body.model_dump(),
        execute=execute,
    )


@router.get(
    REQUESTS,
    name="list_association_requests",
    response_model=AssociationRequestList,
    responses=error_responses(),
    summary="List the association requests of your customers, newest first (partnerhub)",
    description="Both directions: the ones you made and the ones your customers made. Filters: "
    "`customer_id`, "
    "`status` (`pending` | `approved` | `rejected` | `cancelled` | `expired` — a pending request past its "
    "expiry is `expired`), `initiator` (`partner` | `customer`), `request_type`.",
)
@reads_only
def list_association_requests(
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    initiator: Annotated[str | None, Query(max_length=16)] = None,
    request_type: Annotated[str | None, Query(max_length=16)] = None,
    offset: Offset = None,
    limit: Limit = None,
) -> Response:
    query = partner_request_query(
        caller.partner_id,
        customer_id=customer_id,
        status=status,
        initiator=initiator,
        request_type=request_type,
    )
    return json_response(list_requests(session, ctx.clock.now(), query, offset=offset, limit=limit))


def _decision(
    action: Action,
    request_id: str,
    reason: str | None,
    caller: Principal,
    session: DbSession,
    ctx: Context,
    request: Request,
    client_token: str | None,
    step_up: StepUpProof,
) -> Response:
    def execute(_: str | None) -> tuple[Any, int]:
        decided = decide(session, ctx, _actor(caller, request), request_id, action, reason=reason)
        return request_view(decided, ctx.clock.now()), 200

    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=client_token,
        operation=f"{action.value}_association_request",
        payload={"request_id": request_id, "reason": reason},
        execute=execute,
        guard=step_up.guard(session, ctx, caller, Sensitive.ASSOCIATION_DECISION),
    )


@router.post(
    REQUESTS + "/{request_id}/approve",
    name="approve_association_request",
    response_model=AssociationRequestView,
    responses=error_responses(*DECISION_CODES),
    summary="Approve a customer's association request (partnerhub)",
    description="Only requests your customer made (your own: CBC.99100106), only while pending "
    "(CBC.99100105), not while the customer is frozen (CBC.99100103). Approving a disassociation returns the "
    "customer's partner-funded cash to your cash (`SOURCE_OPERATION_BEUNBIND`) and its usable vouchers to "
    "their "
    "quotas (coupon record type 3), and ends the association; the customer is notified. Another partner's "
    "request answers as a missing one (404 CBC.99100108).",
)
def approve_association_request(
    request_id: RequestId,
    body: ApproveBody,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    request: Request,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    return _decision(
        Action.APPROVE, request_id, body.reason, caller, session, ctx, request, client_token, step_up
    )


@router.post(
    REQUESTS + "/{request_id}/reject",
    name="reject_association_request",
    response_model=AssociationRequestView,
    responses=error_responses(*DECISION_CODES),
    summary="Reject a customer's association request (partnerhub)",
    description="`reason` is required. Only requests your customer made, only while pending.",
)
def reject_association_request(
    request_id: RequestId,
    body: RejectBody,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    request: Request,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    return _decision(
        Action.REJECT, request_id, body.reason, caller, session, ctx, request, client_token, step_up
    )


@router.post(
    REQUESTS + "/{request_id}/cancel",
    name="cancel_association_request",
    response_model=AssociationRequestView,
    responses=error_responses("CBC.0409", "CBC.99100105", "CBC.99100107", "CBC.99100108", *STEP_UP_CODES),
    summary="Cancel your own pending association request (partnerhub)",
    description="Only the initiator cancels (CBC.99100107), only while pending (CBC.99100105).",
)
def cancel_association_request(
    request_id: RequestId,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    request: Request,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    return _decision(Action.CANCEL, request_id, None, caller, session, ctx, request, client_token, step_up)


@router.get(
    "/v2/partners/sub-customers/association-records",
    name="list_association_records",
    response_model=AssociationRecordList,
    responses=error_responses(),
    summary="Association records: associations, requests, decisions, switches and disassociations (D.2)",
    description="Newest first; your history, including customers no longer associated with you. "
    "`operation_type`: `associate` | `request` | `approve` | `reject` | `cancel` | `expire` | "
    "`switch_type` | "
    "`disassociate`; `start_time` / `end_time` (UTC `yyyy-MM-ddTHH:mm:ssZ`, inclusive) bound `operate_time`.",
)
@reads_only
def list_association_records(
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    operation_type: Annotated[str | None, Query(max_length=16)] = None,
    start_time: Annotated[str | None, Query(max_length=20)] = None,
    end_time: Annotated[str | None, Query(max_length=20)] = None,
    offset: Offset = None,
    limit: Limit = None,
) -> Response:
    return json_response(
        list_records(
            session,
            ctx.clock.now(),
            caller.partner_id,
            customer_id=customer_id,
            operation_type=operation_type,
            start_time=start_time,
            end_time=end_time,
            offset=offset,
            limit=limit,
        )
    )


@router.post(
    "/v2/partners/sub-customers/association-invitations",
    name="create_association_invitation",
    response_model=InvitationCreated,
    responses=error_responses("CBC.0409", "CBC.50010065", "CBC.50010085", "CBC.50010086", *STEP_UP_CODES),
    summary="Invite a customer without a partner to associate with you (partnerhub)",
    description="By login name. The answer is the same whether the login exists or not (and whether it is "
    "free): an invitation id and its expiry (`PARTNERHUB_ASSOCIATION_INVITATION_EXPIRY_DAYS`, 7). Only a "
    "customer without a partner can see and accept it; your newer invitation to the same customer replaces "
    "your older one.",
)
def create_association_invitation(
    body: InviteBody,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    request: Request,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    def execute(_: str | None) -> tuple[Any, int]:
        created = invite(
            session,
            ctx,
            _actor(caller, request),
            domain_name=body.domain_name,
            association_type=body.association_type,
        )
        return {"invitation_id": created.id, "expire_time": format_utc(created.expire_at)}, 200

    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=client_token,
        operation="create_association_invitation",
        payload=body.model_dump(),
        execute=execute,
        guard=step_up.guard(session, ctx, caller, Sensitive.ASSOCIATION_INVITE),
    )
