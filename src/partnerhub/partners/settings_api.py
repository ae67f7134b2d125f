"""The partner's own settings over the API: step-up verification toggles (partnerhub extension)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from partnerhub.http.deps import Context, DbSession, PartnerCaller, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.partners.models import StepUpChannel
from partnerhub.partners.settings import SettingsChange, read_settings, update_settings
from partnerhub.stepup.api import STEP_UP_CODES, StepUp

router = APIRouter(route_class=ApiRoute, tags=["settings"])


class PartnerSettings(BaseModel):
    step_up_required: bool = Field(
        description="Console: sensitive operations ask for a code sent to the partner's own contact."
    )
    step_up_api: bool = Field(
        description="API (AK/SK or token): sensitive calls need `X-Verification-Code` (partnerhub extension)."
    )
    step_up_channel: Literal["mobile", "email"] = Field(description="Where step-up codes go.")
    step_up_target: str | None = Field(
        description="The partner's own address on the channel, masked; null when it has none."
    )


class UpdatePartnerSettingsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step_up_required: StrictBool | None = Field(default=None, description="Absent or null: unchanged.")
    step_up_api: StrictBool | None = Field(default=None, description="Absent or null: unchanged.")
    step_up_channel: Literal["mobile", "email"] | None = Field(
        default=None, description="`mobile` or `email`; absent or null: unchanged."
    )


UPDATE_DESCRIPTION = """
Changes the caller's own step-up settings; fields left out (or null) keep their value. Answers the settings
as they are afterwards.

* A toggle can be on only when the partner has an address on `step_up_channel`: CBC.99100305 otherwise.
* **The change itself is a sensitive operation.** It needs `X-Verification-Code` (a code from
  `POST /v2/partners/step-up/verification-code`, sent on the *current* channel) when `step_up_api` is on, and
  also, whatever the toggles of the caller's interface, when it switches off a toggle that is on, or changes
  the channel while a toggle is on. Switching a toggle on needs no code of its own.
* Every change is an audit event `settings.changed` (values before and after); a request that changes
  nothing writes nothing.
"""


@router.get(
    "/v2/partners/settings",
    name="show_partner_settings",
    response_model=PartnerSettings,
    responses=error_responses(),
    summary="The caller's own step-up verification settings (partnerhub extension)",
)
@reads_only
def show_partner_settings(caller: PartnerCaller, session: DbSession) -> Response:
    return json_response(asdict(read_settings(session, caller.partner_id)))


@router.put(
    "/v2/partners/settings",
    name="update_partner_settings",
    response_model=PartnerSettings,
    responses=error_responses(*STEP_UP_CODES),
    summary="Change the caller's own step-up verification settings (partnerhub extension)",
    description=UPDATE_DESCRIPTION,
)
def update_partner_settings(
    body: UpdatePartnerSettingsRequest,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    step_up: StepUp,
) -> Response:
    change = SettingsChange(
        step_up_required=body.step_up_required,
        step_up_api=body.step_up_api,
        step_up_channel=StepUpChannel(body.step_up_channel) if body.step_up_channel else None,
    )
    view = update_settings(
        session,
        ctx,
        partner_id=caller.partner_id,
        change=change,
        code=step_up.code,
        interactive=False,
        actor=f"partner:{caller.partner_id}",
        ip=step_up.ip,
    )
    return json_response(asdict(view))
