"""Audit tables: append-only events, hash-chained per partner, and each chain's head.

``hash = sha256(prev_hash + canonical JSON of the event's fields)``; the first event of a partner chains
to ``GENESIS_HASH``. ``audit_heads`` holds each chain's last hash and id; writers row-lock it, so events of
one partner chain in order even when written concurrently. Only ``partnerhub.audit.service`` writes here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
_SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_partner_id_created_at", "partner_id", "created_at"),
        # The events list's order (newest first = highest id) within a partner.
        Index("ix_audit_events_partner_listing", "partner_id", "id"),
    )

    id: Mapped[int] = mapped_column(_SEQUENCE, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(String(32))
    """The tenant whose chain the event belongs to."""
    actor: Mapped[str] = mapped_column(String(64))
    """``partner:<id>`` for API calls, ``operator`` for the CLI."""
    action: Mapped[str] = mapped_column(String(64))
    target_kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    """The server's request id; a client's own ``X-Request-Id`` is only ever ``client_request_id``."""
    client_request_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    details: Mapped[str] = mapped_column(Text)
    """Canonical JSON; never a secret and never a revealed value."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_heads"

    partner_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))
    last_id: Mapped[int | None] = mapped_column(BigInteger)
