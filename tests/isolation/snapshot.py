"""What the database holds, to prove a refused call changed nothing.

Left out: rate-limit windows, an access key's ``last_used_at`` and a console session's ``last_seen_at``
(every authenticated call touches them, whatever it asks) and the audit log, which the matrix compares on
its own: a refused reveal is audited by design, in the caller's own chain, the same for a foreign id as for
a missing one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from partnerhub.audit.models import AuditEvent
from partnerhub.context import AppContext
from partnerhub.models import Base

SKIPPED_TABLES = {"rate_limit_windows", "audit_events", "audit_heads"}
SKIPPED_COLUMNS = {("access_keys", "last_used_at"), ("console_sessions", "last_seen_at")}


@dataclass(frozen=True)
class Snapshot:
    tables: dict[str, list[str]]
    audit_ids: frozenset[int]


def _row_text(row: Any) -> str:
    return json.dumps([str(value) for value in row])


def take(ctx: AppContext) -> Snapshot:
    tables: dict[str, list[str]] = {}
    with ctx.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIPPED_TABLES:
                continue
            columns = [c for c in table.columns if (table.name, c.name) not in SKIPPED_COLUMNS]
            rows = connection.execute(select(*columns)).all()
            tables[table.name] = sorted(_row_text(row) for row in rows)
        audit_ids = frozenset(connection.scalars(select(AuditEvent.id)))
    return Snapshot(tables, audit_ids)


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    return [name for name in before.tables if before.tables[name] != after.tables[name]]


def new_audit_events(ctx: AppContext, before: Snapshot, after: Snapshot) -> list[dict[str, Any]]:
    """The events written between two snapshots, oldest first, without what differs per request."""
    added = sorted(after.audit_ids - before.audit_ids)
    if not added:
        return []
    columns = (
        AuditEvent.partner_id,
        AuditEvent.actor,
        AuditEvent.action,
        AuditEvent.target_kind,
        AuditEvent.target_id,
        AuditEvent.details,
    )
    with ctx.engine.connect() as connection:
        rows = connection.execute(select(*columns).where(AuditEvent.id.in_(added)).order_by(AuditEvent.id))
        return [dict(row._mapping) for row in rows]
