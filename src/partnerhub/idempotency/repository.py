"""Queries on idempotency records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from partnerhub.idempotency.models import IdempotencyRecord


class IdempotencyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, partner_id: str, key: str) -> IdempotencyRecord | None:
        return self.session.scalars(
            select(IdempotencyRecord)
            .where(IdempotencyRecord.partner_id == partner_id, IdempotencyRecord.idempotency_key == key)
            .execution_options(populate_existing=True)
        ).one_or_none()

    def try_insert(self, record: IdempotencyRecord) -> bool:
        """Insert inside a savepoint; False when another transaction holds the key.

        On PostgreSQL the insert waits while a concurrent first use of the key is in flight and fails once it
        commits (or succeeds if it rolled back); on SQLite writers are already serialized.
        """
        try:
            with self.session.begin_nested():
                self.session.add(record)
                self.session.flush()
        except IntegrityError:  # the savepoint's rollback has already discarded ``record``
            return False
        return True

    def remove(self, record: IdempotencyRecord) -> None:
        self.session.delete(record)
        self.session.flush()

    def purge_before(self, cutoff: datetime) -> int:
        result = self.session.execute(
            delete(IdempotencyRecord)
            .where(IdempotencyRecord.created_at < cutoff)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
