"""The partner's own step-up toggle — STAND-IN (the invitations branch owns step-up settings).

Turning step-up on needs a contact to send codes to (else the partner could never pass it); every change is
audited (``settings.step_up``). The caller runs ``require_step_up`` for ``Sensitive.SETTINGS_CHANGE`` first,
so switching it off needs a code while it is on.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from partnerhub.audit.service import record
from partnerhub.context import AppContext
from partnerhub.errors import ApiError
from partnerhub.partners.repository import PartnerRepository


def set_step_up_required(
    session: Session, ctx: AppContext, *, partner_id: str, required: bool, ip: str | None
) -> None:
    partner = PartnerRepository(session).get(partner_id)
    if partner is None:
        raise ApiError("CBC.0151")
    if required and not (partner.mobile or partner.email):
        raise ApiError("CBC.0155", detail="add a mobile number or e-mail address before turning this on")
    if partner.step_up_required == required:
        return
    partner.step_up_required = required
    record(
        session,
        ctx,
        partner_id=partner_id,
        actor=f"partner:{partner_id}",
        action="settings.step_up",
        target_kind="partner",
        target_id=partner_id,
        details={"step_up_required": required},
        ip=ip,
    )
    session.flush()
