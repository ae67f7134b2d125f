"""Queries on verification codes and outbox messages (the only place that builds them).

Consuming a code and counting a failed check are single conditional UPDATEs, so two concurrent checks can
neither both consume one code nor push it past its failure limit unnoticed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.orm import Session

from partnerhub.verification.models import CodeState, OutboxMessage, VerificationCode


@dataclass(frozen=True)
class BindingKey:
    """What a code is bound to, with the target already hashed."""

    scene: int
    channel: str
    target_hash: str
    partner_id: str | None
    customer_id: str | None

    def clause(self) -> ColumnElement[bool]:
        partner = (
            VerificationCode.partner_id.is_(None)
            if self.partner_id is None
            else VerificationCode.partner_id == self.partner_id
        )
        customer = (
            VerificationCode.customer_id.is_(None)
            if self.customer_id is None
            else VerificationCode.customer_id == self.customer_id
        )
        return and_(
            VerificationCode.scene == self.scene,
            VerificationCode.channel == self.channel,
            VerificationCode.target_hash == self.target_hash,
            partner,
            customer,
        )


def sent_by(partner_id: str | None, customer_id: str | None) -> ColumnElement[bool]:
    """Codes a partner asked for, or (with no partner) codes a customer asked for itself."""
    if partner_id is not None:
        return VerificationCode.partner_id == partner_id
    return and_(VerificationCode.partner_id.is_(None), VerificationCode.customer_id == customer_id)


class CodeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, code: VerificationCode) -> None:
        self.session.add(code)
        self.session.flush()

    def latest(self, binding: BindingKey) -> VerificationCode | None:
        """The newest code of the binding in any state (older ones are superseded by it)."""
        return self.session.scalars(
            select(VerificationCode)
            .where(binding.clause())
            .order_by(VerificationCode.id.desc())
            .limit(1)
            .execution_options(populate_existing=True)
        ).first()

    def supersede_live(self, binding: BindingKey) -> None:
        self.session.execute(
            update(VerificationCode)
            .where(binding.clause(), VerificationCode.state == CodeState.LIVE)
            .values(state=CodeState.SUPERSEDED)
            .execution_options(synchronize_session=False)
        )

    def consume(self, code_id: int, now: datetime, max_failed: int) -> bool:
        """Mark a live, not exhausted code used. False when a concurrent request got there first."""
        result = self.session.execute(
            update(VerificationCode)
            .where(
                VerificationCode.id == code_id,
                VerificationCode.state == CodeState.LIVE,
                VerificationCode.failed_checks < max_failed,
            )
            .values(state=CodeState.USED, consumed_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    def count_failure(self, code_id: int, max_failed: int) -> bool:
        """Add one failed check. False when the code had already reached the limit."""
        result = self.session.execute(
            update(VerificationCode)
            .where(VerificationCode.id == code_id, VerificationCode.failed_checks < max_failed)
            .values(failed_checks=VerificationCode.failed_checks + 1)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    def lock_target(self, target_hash: str) -> None:
        """Serialise check-and-send per target until the transaction ends, across workers and hosts.

        PostgreSQL: a transaction-scoped advisory lock keyed by the target hash. SQLite: every transaction
        already holds the database write lock (``BEGIN IMMEDIATE``).
        """
        if self.session.get_bind().dialect.name == "postgresql":
            key = int.from_bytes(bytes.fromhex(target_hash[:16]), "big", signed=True)
            self.session.execute(select(func.pg_advisory_xact_lock(key)))

    def sent_to_target_since(
        self, target_hash: str, since: datetime, sender: ColumnElement[bool] | None = None
    ) -> tuple[int, datetime | None]:
        """How many codes went to the target after ``since`` (from ``sender`` only, when given), and the
        oldest of them."""
        conditions = [VerificationCode.target_hash == target_hash, VerificationCode.created_at > since]
        if sender is not None:
            conditions.append(sender)
        row = self.session.execute(
            select(func.count(), func.min(VerificationCode.created_at)).where(*conditions)
        ).one()
        return int(row[0] or 0), row[1]

    def last_sent_to_target(self, target_hash: str, sender: ColumnElement[bool]) -> datetime | None:
        return self.session.scalar(
            select(func.max(VerificationCode.created_at)).where(
                VerificationCode.target_hash == target_hash, sender
            )
        )

    def sent_by_partner_since(self, partner_id: str, since: datetime) -> tuple[int, datetime | None]:
        row = self.session.execute(
            select(func.count(), func.min(VerificationCode.created_at)).where(
                VerificationCode.partner_id == partner_id, VerificationCode.created_at > since
            )
        ).one()
        return int(row[0] or 0), row[1]

    def sent_by_customer_since(self, customer_id: str, since: datetime) -> tuple[int, datetime | None]:
        """Codes a customer asked for itself (no partner), after ``since``."""
        row = self.session.execute(
            select(func.count(), func.min(VerificationCode.created_at)).where(
                VerificationCode.customer_id == customer_id,
                VerificationCode.partner_id.is_(None),
                VerificationCode.created_at > since,
            )
        ).one()
        return int(row[0] or 0), row[1]


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, message: OutboxMessage) -> None:
        self.session.add(message)
        self.session.flush()

    def list(self, recipient_hash: str | None = None, limit: int | None = None) -> Sequence[OutboxMessage]:
        """Oldest first; with ``limit``, the newest ``limit`` messages (still oldest first)."""
        query = select(OutboxMessage)
        if recipient_hash is not None:
            query = query.where(OutboxMessage.recipient_hash == recipient_hash)
        if limit is None:
            return self.session.scalars(query.order_by(OutboxMessage.id)).all()
        newest = self.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)).all()
        return list(reversed(newest))

    def newest_with_code(self, recipient_hash: str) -> OutboxMessage | None:
        return self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient_hash == recipient_hash, OutboxMessage.code.is_not(None))
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        ).first()
