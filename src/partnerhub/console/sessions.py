"""Console sessions: sign-in, lookup with idle and absolute expiry, sign-out, and one-shot flash messages.

The cookie holds 32 random bytes; the table holds only ``keyed_hash("console-session", cookie)``. A session
ends at logout, after ``console_session_idle_minutes`` without a request or ``console_session_absolute_hours``
after sign-in (times from ``ctx.clock``, so tests move them). ``last_seen_at`` is written at most once a
minute, so reading pages does not rewrite the row on every request.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.console.models import ConsoleSession
from partnerhub.console.repository import ConsoleSessionRepository
from partnerhub.console.security import new_cookie_value
from partnerhub.context import AppContext

SESSION_PURPOSE = "console-session"
TOUCH_EVERY = timedelta(minutes=1)


def _hash(ctx: AppContext, cookie: str) -> str:
    return ctx.master_key.keyed_hash(SESSION_PURPOSE, cookie)


def _idle(ctx: AppContext) -> timedelta:
    return timedelta(minutes=ctx.settings.console_session_idle_minutes)


def start_session(session: Session, ctx: AppContext, *, partner_id: str) -> str:
    """A new session for the partner; returns the cookie value (shown to nobody else, stored nowhere)."""
    now = ctx.clock.now()
    sessions = ConsoleSessionRepository(session)
    sessions.purge(now=now, idle_before=now - _idle(ctx))
    cookie = new_cookie_value()
    sessions.add(
        ConsoleSession(
            id_hash=_hash(ctx, cookie),
            partner_id=partner_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=ctx.settings.console_session_absolute_hours),
            flash=None,
        )
    )
    return cookie


def session_max_age(ctx: AppContext) -> int:
    """The cookie's own lifetime: the absolute one (the server ends idle sessions itself)."""
    return ctx.settings.console_session_absolute_hours * 3600


def live_session(session: Session, ctx: AppContext, cookie: str | None) -> ConsoleSession | None:
    """The session of this cookie when it has not ended; an ended one is deleted on sight."""
    if not cookie:
        return None
    sessions = ConsoleSessionRepository(session)
    row = sessions.get(_hash(ctx, cookie))
    if row is None:
        return None
    now = ctx.clock.now()
    if row.expires_at <= now or row.last_seen_at <= now - _idle(ctx):
        sessions.remove(row.id_hash)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.flush()
    return row


def end_session(session: Session, ctx: AppContext, cookie: str | None) -> None:
    if cookie:
        ConsoleSessionRepository(session).remove(_hash(ctx, cookie))


def set_flash(session: Session, session_hash: str, message: dict[str, Any]) -> None:
    """What the next page shows once (texts already in the user's language; no secret, no revealed value)."""
    live = ConsoleSessionRepository(session).get(session_hash)
    if live is not None:
        live.flash = json.dumps(message, ensure_ascii=False)
        session.flush()


def pop_flash(session: Session, row: ConsoleSession) -> dict[str, Any] | None:
    if row.flash is None:
        return None
    message: dict[str, Any] = json.loads(row.flash)
    row.flash = None
    session.flush()
    return message


def idle_deadline(ctx: AppContext, row: ConsoleSession) -> datetime:
    return min(row.expires_at, row.last_seen_at + _idle(ctx))
