"""The console's one seam to step-up verification (``partnerhub.stepup``, built by the invitations branch).

Everything the console asks of step-up goes through these four functions, so pointing the console at the
real module at merge touches this file only.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from partnerhub.context import AppContext
from partnerhub.stepup import policy
from partnerhub.stepup.settings import set_step_up_required

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
    set_step_up_required(session, ctx, partner_id=partner_id, required=required, ip=ip)
