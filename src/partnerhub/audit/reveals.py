"""What every reveal of masked personal data shares: the per-partner hourly allowance and its audit events.

The allowance is counted from the audit log itself (``reveal_per_hour`` events in any rolling hour), after
the partner's chain head is locked, so concurrent reveals of one partner cannot overshoot it. The event
names the field and the reason, never the value.

A refused reveal (not the partner's customer or reseller, not a distributor, allowance used up) is audited
too, as ``<action>_refused`` with the error code: written after the refused request's transaction rolled
back (``audit.service.record_after``). Refusals do not count against the allowance. Malformed requests
(CBC.0100) are not audited: they name nothing.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from partnerhub.audit.service import lock_chain, recent_use, record, record_after
from partnerhub.auth.principals import Principal
from partnerhub.context import AppContext
from partnerhub.errors import ApiError, invalid
from partnerhub.ops.ratelimit import retry_after_header

REVEAL_ACTIONS = ("reseller.reveal", "customer.reveal")
MAX_REASON_LENGTH = 256
_WINDOW = timedelta(hours=1)


def checked_reason(reason: str | None) -> str | None:
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise invalid("reason", "at most {maximum} characters", maximum=MAX_REASON_LENGTH)
    return reason or None


def record_reveal(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    *,
    action: str,
    target_kind: str,
    target_id: str,
    details: dict[str, str | None],
    ip: str | None,
) -> None:
    """Refuse with 429 CBC.0250 once the caller's partner used its hourly allowance; else write the event."""
    partner_id = caller.partner_id
    lock_chain(session, partner_id)
    use = recent_use(session, ctx, partner_id=partner_id, actions=REVEAL_ACTIONS, window=_WINDOW)
    if use.count >= ctx.settings.reveal_per_hour:
        raise ApiError("CBC.0250", headers={"Retry-After": retry_after_header(use.retry_after_seconds)})
    record(
        session,
        ctx,
        partner_id=partner_id,
        actor=f"partner:{partner_id}",
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        details=details,
        ip=ip,
    )


def refused_reveal(
    error: ApiError,
    ctx: AppContext,
    caller: Principal,
    *,
    action: str,
    target_kind: str,
    target_id: str,
    details: dict[str, str | None],
    ip: str | None,
) -> ApiError:
    """``error``, carrying the ``<action>_refused`` audit event to write once its transaction rolled back."""
    partner_id = caller.partner_id
    return record_after(
        error,
        ctx,
        partner_id=partner_id,
        actor=f"partner:{partner_id}",
        action=f"{action}_refused",
        target_kind=target_kind,
        target_id=target_id,
        details={**details, "error_code": error.code},
        ip=ip,
    )
