"""Writing audit events: one call per audited action, in the caller's transaction (never commits).

Each event is chained to the previous event of the same partner: ``record`` row-locks the partner's chain
head (``SELECT … FOR UPDATE``; SQLite serializes writers anyway), so concurrent events of one partner
still form one unbroken chain. Details must never carry a secret or a revealed personal value.

A refusal that must be audited (a refused reveal, a failed step-up check) cannot write in the refused
request's transaction, which rolls back: ``record_after`` attaches the event to the error, and the request's
``session_scope`` writes it in a transaction of its own once the refused one has ended.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.audit.models import AuditEvent
from partnerhub.audit.repository import AuditRepository
from partnerhub.context import AppContext
from partnerhub.errors import ApiError
from partnerhub.kit.clock import Clock, format_utc
from partnerhub.logs import client_request_id_var, request_id_var

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(event: AuditEvent) -> str:
    """``sha256(prev_hash + canonical JSON of the event's fields)`` — id and time included."""
    fields: dict[str, Any] = {
        "id": event.id,
        "partner_id": event.partner_id,
        "actor": event.actor,
        "action": event.action,
        "target_kind": event.target_kind,
        "target_id": event.target_id,
        "request_id": event.request_id,
        "ip": event.ip,
        "created_at": event.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "details": event.details,
    }
    if event.client_request_id is not None:  # added later: events without one keep their original hash
        fields["client_request_id"] = event.client_request_id
    return hashlib.sha256((event.prev_hash + canonical_json(fields)).encode()).hexdigest()


def record(
    session: Session,
    ctx: AppContext,
    *,
    partner_id: str,
    actor: str,
    action: str,
    target_kind: str,
    target_id: str,
    details: Mapping[str, Any],
    ip: str | None = None,
) -> AuditEvent:
    """Append one event to the partner's chain and move the chain head to it."""
    return append(
        session,
        ctx.clock,
        partner_id=partner_id,
        actor=actor,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        details=details,
        ip=ip,
    )


def record_after(
    error: ApiError,
    ctx: AppContext,
    *,
    partner_id: str,
    actor: str,
    action: str,
    target_kind: str,
    target_id: str,
    details: Mapping[str, Any],
    ip: str | None = None,
) -> ApiError:
    """Audit a refusal: the event is written in a fresh transaction once the refused request's own
    transaction has been rolled back (``session_scope`` runs the error's followups), so it survives the
    rollback that undoes everything else. Returns ``error`` for ``raise record_after(...)``."""
    frozen = dict(details)

    def write(session: Session) -> None:
        record(
            session,
            ctx,
            partner_id=partner_id,
            actor=actor,
            action=action,
            target_kind=target_kind,
            target_id=target_id,
            details=frozen,
            ip=ip,
        )

    error.followups.append(write)
    return error


def append(
    session: Session,
    clock: Clock,
    *,
    partner_id: str,
    actor: str,
    action: str,
    target_kind: str,
    target_id: str,
    details: Mapping[str, Any],
    ip: str | None = None,
) -> AuditEvent:
    """``record`` for callers that hold a clock rather than the whole context (the operator's services)."""
    audit = AuditRepository(session)
    head = audit.locked_head(partner_id, GENESIS_HASH)
    event = AuditEvent(
        partner_id=partner_id,
        actor=actor,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        request_id=request_id_var.get(),
        client_request_id=client_request_id_var.get(),
        ip=ip,
        created_at=clock.now(),
        details=canonical_json(dict(details)),
        prev_hash=head.last_hash,
        hash="",
    )
    session.add(event)
    session.flush()  # the id is part of what the hash covers
    event.hash = event_hash(event)
    head.last_hash, head.last_id = event.hash, event.id
    session.flush()
    return event


@dataclass(frozen=True)
class WindowUse:
    count: int
    retry_after_seconds: float
    """When ``count`` reached the limit: seconds until the oldest event leaves the window."""


def recent_use(
    session: Session, ctx: AppContext, *, partner_id: str, actions: Sequence[str], window: timedelta
) -> WindowUse:
    """How many of these actions the partner performed in the rolling ``window`` ending now.

    Call it after ``lock_chain`` so concurrent requests of one partner count each other's events.
    """
    now = ctx.clock.now()
    count, oldest = AuditRepository(session).count_since(partner_id, actions, now - window)
    wait = (oldest + window - now).total_seconds() if oldest is not None else 0.0
    return WindowUse(count, max(wait, 0.0))


def lock_chain(session: Session, partner_id: str) -> None:
    """Row-lock the partner's chain head for the rest of the transaction (serializes its audited actions)."""
    AuditRepository(session).locked_head(partner_id, GENESIS_HASH)


def partner_events(
    session: Session, partner_id: str, *, action: str | None, offset: int, limit: int
) -> tuple[Sequence[AuditEvent], int]:
    """The partner's own events, newest first, and their total."""
    audit = AuditRepository(session)
    return (
        audit.events_for_partner(partner_id, action=action, offset=offset, limit=limit),
        audit.count_for_partner(partner_id, action=action),
    )


def event_view(event: AuditEvent) -> dict[str, Any]:
    """An event as the partner sees it: everything but the chain hashes."""
    details: Any = json.loads(event.details)
    return {
        "id": event.id,
        "actor": event.actor,
        "action": event.action,
        "target_kind": event.target_kind,
        "target_id": event.target_id,
        "request_id": event.request_id,
        "client_request_id": event.client_request_id,
        "ip": event.ip,
        "created_at": format_utc(event.created_at),
        "details": details,
    }
