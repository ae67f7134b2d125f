"""Notifications: what happened, for whom, and whether they read it.

The text is not stored: ``event`` and ``params`` (ids, types, a login name, the other side's reason) are, and
the title and content are rendered in the reader's language (``X-Language``) when listed.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
_SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")


class RecipientKind(StrEnum):
    PARTNER = "partner"
    CUSTOMER = "customer"


class MessageStatus(StrEnum):
    """What became of the message that accompanied the notification."""

    NONE = "none"
    """No message for this event (in-app only)."""
    SENT = "sent"
    NO_CONTACT = "no_contact"
    """The recipient has neither a mobile nor an e-mail."""
    FAILED = "failed"
    """The sender refused it; the notification and the change it reports stand."""


class Notification(Base):
    __tablename__ = "notifications"
    # The list's order (created_at desc, id desc) read backwards: a page is an index range.
    __table_args__ = (
        Index("ix_notifications_recipient_listing", "recipient_kind", "recipient_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(_SEQUENCE, primary_key=True, autoincrement=True)
    """Insertion order: newest first even within one second."""
    notification_id: Mapped[str] = mapped_column(String(32), unique=True)
    recipient_kind: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[str] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(String(48))
    params: Mapped[str] = mapped_column(Text)
    """JSON object; never a secret."""
    request_id: Mapped[str | None] = mapped_column(String(32))
    customer_id: Mapped[str | None] = mapped_column(String(32))
    is_read: Mapped[bool] = mapped_column(Boolean, default=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
