"""Distributor routes for reseller invitations (partnerhub; the seed's partner registration, SPEC §E)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from partnerhub.errors import invalid
from partnerhub.http.deps import Context, DbSession, PartnerCaller, RequestLanguage, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.invitations.models import InvitationStatus
from partnerhub.invitations.schemas import (
    CreatedInvitation,
    CreateInvitationRequest,
    InvitationInfo,
    ListInvitationsResponse,
    SendInvitationCodeRequest,
)
from partnerhub.invitations.service import (
    create_invitation,
    invitation_view,
    list_invitations,
    revoke_invitation,
    send_invitation_code,
)
from partnerhub.kit import params
from partnerhub.kit.clock import format_utc
from partnerhub.stepup.api import SEND_CODES, STEP_UP_CODES, StepUp, client_ip
from partnerhub.stepup.policy import Sensitive

router = APIRouter(route_class=ApiRoute, tags=["reseller invitations"])

BASE = "/v2/partners/indirect-partners/invitations"
CODE_CHECK_CODES = ("CBC.99000026", "CBC.99000027", "CBC.99004009")

CREATE_DESCRIPTION = """
Distributors only (others: 403 CBC.0151). `receiver_type` and `verification_code` name the code that
`POST .../invitations/verification-code` sent to the distributor's own mobile (1) or e-mail (2). Wrong code:
CBC.99000026; expired: CBC.99000027; more than 3 failed checks: CBC.99004009 (each failure is audited as
`step_up.failed`). This code is the operation's step-up verification: no `X-Verification-Code` is needed.

Answers the link once: `registration_url` carries a random 256-bit token that partnerhub stores only as a
keyed hash, so the link cannot be shown again. It can be used once, within 24 hours
(`PARTNERHUB_INVITATION_LIFETIME_HOURS`). No `X-Client-Token`: the answer holds the secret link (an
idempotency record would store it), and the code is single use, so a retry cannot create a second link.
Audited as `invitation.created`.
"""


@router.post(
    f"{BASE}/verification-code",
    name="send_reseller_invitation_code",
    status_code=204,
    response_class=Response,
    responses=error_responses(*SEND_CODES, "CBC.99100208"),
    summary="Distributor: send the invitation code to its own mobile or e-mail (partnerhub)",
    description="`receiver_type`: 1 — the distributor's own registered mobile; 2 — its own e-mail. Never to "
    "an address the caller names. Distributors only (403 CBC.0151); no such contact: CBC.99100305; an "
    "inactive distributor: CBC.99100208. The code lives 10 minutes; send limits as for every code.",
)
def send_reseller_invitation_code(
    body: SendInvitationCodeRequest,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    language: RequestLanguage,
) -> Response:
    send_invitation_code(session, ctx, caller, receiver_type=body.receiver_type, language=language)
    return Response(status_code=204)


@router.post(
    BASE,
    name="create_reseller_invitation",
    response_model=CreatedInvitation,
    responses=error_responses(*CODE_CHECK_CODES, "CBC.99100208", "CBC.99100305"),
    summary="Distributor: create a single-use, 24-hour reseller registration link (partnerhub)",
    description=CREATE_DESCRIPTION,
)
def create_reseller_invitation(
    body: CreateInvitationRequest, caller: PartnerCaller, session: DbSession, ctx: Context, request: Request
) -> Response:
    created = create_invitation(
        session,
        ctx,
        caller,
        receiver_type=body.receiver_type,
        verification_code=body.verification_code,
        ip=client_ip(request),
    )
    payload = CreatedInvitation(
        invitation_id=created.invitation.id,
        registration_url=created.registration_url,
        expire_time=format_utc(created.invitation.expires_at),
    )
    return json_response(payload.model_dump())


@router.get(
    BASE,
    name="list_reseller_invitations",
    response_model=ListInvitationsResponse,
    responses=error_responses(),
    summary="Distributor: its invitations with their status, newest first (partnerhub)",
    description="`status`: `pending` | `used` | `expired` | `revoked` (absent: all); `offset` 0 or more, "
    "`limit` 1–100 (default 10). The links themselves are never shown again. Distributors only (403 "
    "CBC.0151).",
)
@reads_only
def list_reseller_invitations(
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    status: Annotated[str | None, Query(max_length=16)] = None,
    offset: Annotated[int | None, Query()] = None,
    limit: Annotated[int | None, Query()] = None,
) -> Response:
    start, size = params.page(offset, limit)
    wanted = _status(status)
    rows, total = list_invitations(session, ctx, caller, status=wanted, offset=start, limit=size)
    now = ctx.clock.now()
    return json_response({"total_count": total, "invitations": [invitation_view(row, now) for row in rows]})


@router.delete(
    f"{BASE}/{{invitation_id}}",
    name="revoke_reseller_invitation",
    response_model=InvitationInfo,
    responses=error_responses("CBC.99100201", "CBC.99100206", *STEP_UP_CODES),
    summary="Distributor: revoke a pending invitation; its link stops working at once (partnerhub)",
    description="Answers the invitation, now `revoked`; revoking it again answers the same. A used or "
    "expired invitation cannot be revoked (409 CBC.99100206). Not the caller's invitation, or none: "
    "CBC.99100201. Audited as `invitation.revoked`. A sensitive operation: with `step_up_api` on it needs "
    "`X-Verification-Code`.",
)
def revoke_reseller_invitation(
    invitation_id: Annotated[str, Path(max_length=64)],
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    step_up: StepUp,
) -> Response:
    step_up.check(session, ctx, caller, Sensitive.RESELLER_INVITATION)
    invitation = revoke_invitation(session, ctx, caller, invitation_id, ip=step_up.ip)
    return json_response(invitation_view(invitation, ctx.clock.now()))


def _status(value: str | None) -> InvitationStatus | None:
    if not value:
        return None
    try:
        return InvitationStatus(value)
    except ValueError:
        raise invalid("status", "pending, used, expired or revoked") from None
