"""Queries on idempotency records."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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

    def try_insert(self, values: Mapping[str, Any]) -> bool:
        """Insert unless the key exists (``ON CONFLICT DO NOTHING``, one round trip); False when it does.

        On PostgreSQL the insert waits while a concurrent first use of the key is in flight and does nothing
        once it commits (or inserts if it rolled back); on SQLite writers are already serialized.
        """
        insert_into = (
            postgresql_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        inserted = self.session.execute(
            insert_into(IdempotencyRecord)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(IdempotencyRecord.partner_id)
        ).first()
        return inserted is not None

    def attach_response(self, partner_id: str, key: str, status_code: int, body: str) -> bool:
        """Store the response on the key this transaction claimed (one UPDATE); False when there is none."""
        result = self.session.execute(
            update(IdempotencyRecord)
            .where(
                IdempotencyRecord.partner_id == partner_id,
                IdempotencyRecord.idempotency_key == key,
                IdempotencyRecord.status_code.is_(None),
            )
            .values(status_code=status_code, response_body=body)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

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
