"""The console's one seam to step-up verification (``partnerhub.stepup``) and the partner's settings.

Everything the console asks of step-up goes through these four functions, all interactive: the console
follows the partner's ``step_up_required`` toggle, the API its ``step_up_api`` toggle.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from partnerhub.context import AppContext
from partnerhub.partners.settings import SettingsChange, update_settings
from partnerhub.stepup import policy

Sensitive = policy.Sensitive


def needed(session: Session, ctx: AppContext, partner_id: str) -> bool:
    return policy.step_up_needed(session, ctx, partner_id, interactive=True)


def require(
    session: Session, ctx: AppContext, partner_id: str, operation: Sensitive, code: str | None
) -> None:
    policy.require_step_up(
        session, ctx, partner_id=partner_id, operation=operation, code=code or None, interactive=True
    )


def send(session: Session, ctx: AppContext, partner_id: str, language: str) -> str:
    """Sends a code to the partner's own contact; returns where it went, masked."""
    return policy.send_step_up_code(session, ctx, partner_id=partner_id, language=language)


def set_required(session: Session, ctx: AppContext, partner_id: str, required: bool, ip: str | None) -> None:
    """The ``step_up_required`` toggle, through the same settings service as ``PUT /v2/partners/settings``
    (its audit event, its contact check). The caller has already run ``require`` for SETTINGS_CHANGE."""
    update_settings(
        session,
        ctx,
        partner_id=partner_id,
        change=SettingsChange(step_up_required=required),
        code=None,
        interactive=True,
        actor=f"partner:{partner_id}",
        ip=ip,
    )
