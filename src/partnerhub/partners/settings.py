"""A partner's own settings: step-up verification (SPEC D.6) and partnerhub's API extension of it.

``step_up_required`` governs the console, ``step_up_api`` API calls (AK/SK and tokens), ``step_up_channel``
where the codes go (the partner's own mobile or e-mail). A toggle can be on only when the partner has an
address on the channel (CBC.99100305). Whether the change itself needs a code is the step-up policy's
decision (``stepup.policy.settings_change_needs_code``). A change is audited as ``settings.changed`` with the
values before and after; a request that changes nothing writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from partnerhub.audit.service import record
from partnerhub.context import AppContext
from partnerhub.errors import ApiError
from partnerhub.partners.models import Partner, StepUpChannel
from partnerhub.partners.repository import PartnerRepository
from partnerhub.stepup.policy import NO_CONTACT, StepUpSettings, contact, require_step_up_for_settings


@dataclass(frozen=True)
class SettingsChange:
    """What the caller asks for; None keeps the current value."""

    step_up_required: bool | None = None
    step_up_api: bool | None = None
    step_up_channel: StepUpChannel | None = None


@dataclass(frozen=True)
class SettingsView:
    step_up_required: bool
    step_up_api: bool
    step_up_channel: str
    step_up_target: str | None
    """Where codes go, masked (``138****5678``); None when the partner has no address on the channel."""


def read_settings(session: Session, partner_id: str) -> SettingsView:
    return _view(_partner(session, partner_id))


def update_settings(
    session: Session,
    ctx: AppContext,
    *,
    partner_id: str,
    change: SettingsChange,
    code: str | None,
    interactive: bool,
    actor: str,
    ip: str | None = None,
) -> SettingsView:
    partner = _partner(session, partner_id)
    current = StepUpSettings.of(partner)
    wanted = StepUpSettings(
        required=current.required if change.step_up_required is None else change.step_up_required,
        api=current.api if change.step_up_api is None else change.step_up_api,
        channel=current.channel if change.step_up_channel is None else change.step_up_channel,
    )
    if wanted.any_on and contact(partner, wanted.channel) is None:
        raise ApiError(
            NO_CONTACT,
            field="step_up_channel",
            detail="no {channel} on record",
            params={"channel": wanted.channel.value},
        )
    require_step_up_for_settings(
        session, ctx, partner_id=partner.id, wanted=wanted, code=code, interactive=interactive, ip=ip
    )
    if wanted == current:
        return _view(partner)
    partner.step_up_required = wanted.required
    partner.step_up_api = wanted.api
    partner.step_up_channel = wanted.channel.value
    session.flush()
    record(
        session,
        ctx,
        partner_id=partner.id,
        actor=actor,
        action="settings.changed",
        target_kind="partner",
        target_id=partner.id,
        details={"before": _values(current), "after": _values(wanted)},
        ip=ip,
    )
    return _view(partner)


def _values(settings: StepUpSettings) -> dict[str, object]:
    return {
        "step_up_required": settings.required,
        "step_up_api": settings.api,
        "step_up_channel": settings.channel.value,
    }


def _view(partner: Partner) -> SettingsView:
    settings = StepUpSettings.of(partner)
    address = contact(partner, settings.channel)
    return SettingsView(
        step_up_required=settings.required,
        step_up_api=settings.api,
        step_up_channel=settings.channel.value,
        step_up_target=address.masked if address else None,
    )


def _partner(session: Session, partner_id: str) -> Partner:
    partner = PartnerRepository(session).get(partner_id)
    if partner is None:
        raise ApiError("CBC.0151")
    return partner
