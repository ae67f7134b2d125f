"""Step-up on the API: the ``X-Verification-Code`` header, the route that sends a code, the route guard.

Every sensitive API route declares ``step_up: StepUp`` and calls ``step_up.check(...)`` before its first
write (or hands ``step_up.guard(...)`` to ``run_once``, so an idempotent replay needs no fresh code). The
header is a partnerhub extension: it is read only when the partner turned ``step_up_api`` on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.context import AppContext
from partnerhub.http.deps import Context, DbSession, PartnerCaller, RequestLanguage
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute
from partnerhub.stepup.policy import (
    MISSING_CODE,
    NO_CONTACT,
    STEP_UP_ERRORS,
    Sensitive,
    require_step_up,
    send_step_up_code,
)

HEADER = "X-Verification-Code"
MAX_HEADER_LENGTH = 32
HEADER_DESCRIPTION = (
    "partnerhub extension (step-up verification): a code from `POST /v2/partners/step-up/verification-code`, "
    "sent to the partner's own mobile or e-mail. Read only when the partner turned `step_up_api` on "
    "(`PUT /v2/partners/settings`); then a sensitive call without a valid code answers 403 and changes "
    "nothing. A code lives 5 minutes, works once, and more than 3 wrong tries invalidate it. An idempotent "
    "replay (same `X-Client-Token` and body) needs no new code."
)
STEP_UP_CODES = (
    MISSING_CODE,
    STEP_UP_ERRORS.wrong,
    STEP_UP_ERRORS.expired,
    STEP_UP_ERRORS.exhausted,
    NO_CONTACT,
)
SEND_CODES = (NO_CONTACT, "CBC.99004003", "CBC.99004015", "CBC.99004016", "CBC.99004017")


def _verification_code(
    x_verification_code: Annotated[
        str | None, Header(alias=HEADER, description=HEADER_DESCRIPTION, max_length=MAX_HEADER_LENGTH)
    ] = None,
) -> str | None:
    return x_verification_code


StepUpCode = Annotated[str | None, Depends(_verification_code)]
"""The raw header value, for routes of other branches that call ``require_step_up`` themselves."""


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


@dataclass(frozen=True)
class StepUpProof:
    """What an API request brings for step-up: the header's code and the client address (for the audit)."""

    code: str | None
    ip: str | None

    def check(self, session: Session, ctx: AppContext, caller: Principal, operation: Sensitive) -> None:
        """The step-up check of an API call (AK/SK or token): governed by the caller's ``step_up_api``."""
        require_step_up(
            session,
            ctx,
            partner_id=caller.partner_id,
            operation=operation,
            code=self.code,
            interactive=False,
            ip=self.ip,
        )

    def guard(
        self, session: Session, ctx: AppContext, caller: Principal, operation: Sensitive
    ) -> Callable[[], None]:
        """``check`` as a ``run_once`` guard (skipped for idempotent replays)."""
        return lambda: self.check(session, ctx, caller, operation)


def _proof(request: Request, code: StepUpCode) -> StepUpProof:
    return StepUpProof(code, client_ip(request))


StepUp = Annotated[StepUpProof, Depends(_proof)]


router = APIRouter(route_class=ApiRoute, tags=["step-up verification"])


@router.post(
    "/v2/partners/step-up/verification-code",
    name="send_step_up_code",
    status_code=204,
    response_class=Response,
    responses=error_responses(*SEND_CODES),
    summary="Send a step-up verification code to the partner's own mobile or e-mail (partnerhub extension)",
    description="No body. The code goes to the caller's own registered contact on its `step_up_channel` "
    "(`GET /v2/partners/settings`), never elsewhere; the message is in the `X-Language` language. It lives "
    "5 minutes (`PARTNERHUB_STEP_UP_CODE_LIFETIME_MINUTES`), works once, and a newer code replaces an older "
    "one. Send limits as for every code: 15 per hour and 60 per day per address (CBC.99004015), 60 s apart "
    "(CBC.99004016), a daily cap per partner (CBC.99004017). No contact on the channel: CBC.99100305.",
)
def send_step_up_verification_code(
    caller: PartnerCaller, session: DbSession, ctx: Context, language: RequestLanguage
) -> Response:
    send_step_up_code(session, ctx, partner_id=caller.partner_id, language=language)
    return Response(status_code=204)
