"""What a money-moving request answered under an idempotency key, kept for replays.

The record is written in the same transaction as the money movement it describes, so neither can exist
without the other. The primary key (partner, key) decides races between concurrent first uses.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"

    partner_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    """The calling partner: keys are scoped per caller."""
    idempotency_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    operation: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the operation and its canonical request body."""
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
