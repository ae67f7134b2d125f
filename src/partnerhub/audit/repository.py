"""Queries on the audit tables. Partner-facing reads are scoped by the partner id."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from partnerhub.audit.models import AuditEvent, AuditHead


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def locked_head(self, partner_id: str, genesis: str) -> AuditHead:
        """The partner's chain head, created when missing, row-locked until the transaction ends."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        self.session.execute(
            insert(AuditHead)
            .values(partner_id=partner_id, last_hash=genesis, last_id=None)
            .on_conflict_do_nothing(index_elements=[AuditHead.partner_id])
        )
        return self.session.scalars(
            select(AuditHead)
            .where(AuditHead.partner_id == partner_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()

    def count_since(
        self, partner_id: str, actions: Sequence[str], since: datetime
    ) -> tuple[int, datetime | None]:
        """How many of the partner's events with these actions happened after ``since``; the oldest's time."""
        statement = select(func.count(), func.min(AuditEvent.created_at)).where(
            AuditEvent.partner_id == partner_id,
            AuditEvent.action.in_(actions),
            AuditEvent.created_at > since,
        )
        count, oldest = self.session.execute(statement).one()
        return int(count), oldest

    def events_for_partner(
        self, partner_id: str, *, action: str | None, offset: int, limit: int
    ) -> Sequence[AuditEvent]:
        """The partner's own events, newest first."""
        statement = select(AuditEvent).where(*_conditions(partner_id, action))
        statement = statement.order_by(AuditEvent.id.desc()).offset(offset).limit(limit)
        return self.session.scalars(statement).all()

    def count_for_partner(self, partner_id: str, *, action: str | None) -> int:
        statement = select(func.count()).select_from(AuditEvent).where(*_conditions(partner_id, action))
        return int(self.session.execute(statement).scalar_one())

    def all_events_in_chain_order(self) -> Iterator[AuditEvent]:
        """Every event, partner by partner, each chain in insertion order (streamed)."""
        statement = select(AuditEvent).order_by(AuditEvent.partner_id, AuditEvent.id)
        yield from self.session.scalars(statement.execution_options(yield_per=1000))

    def all_heads(self) -> Sequence[AuditHead]:
        return self.session.scalars(select(AuditHead).order_by(AuditHead.partner_id)).all()


def _conditions(partner_id: str, action: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [AuditEvent.partner_id == partner_id]
    if action:
        conditions.append(AuditEvent.action == action)
    return conditions
