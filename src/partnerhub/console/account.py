"""The signed-in partner's own account: changing its password (audited)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from partnerhub.audit.service import record
from partnerhub.context import AppContext
from partnerhub.partners.passwords import set_partner_password


def change_password(
    session: Session, ctx: AppContext, *, partner_id: str, password: str, ip: str | None
) -> None:
    """Set the new password (the policy is ``set_partner_password``'s) and write ``partner.password``."""
    set_partner_password(session, ctx.clock, partner_id, password)
    record(
        session,
        ctx,
        partner_id=partner_id,
        actor=f"partner:{partner_id}",
        action="partner.password",
        target_kind="partner",
        target_id=partner_id,
        details={},
        ip=ip,
    )
