"""Verification codes and the outbox of messages that carried them.

A code row never holds the code or the target in clear: ``code_hash`` is a keyed hash of the code together
with its whole binding (scene, channel, target, partner, customer), ``target_hash`` a keyed hash of the
channel and target. The outbox keeps a readable copy only for the development ``outbox`` sender.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime


class CodeState:
    LIVE = "live"
    USED = "used"
    SUPERSEDED = "superseded"


class VerificationCode(Base):
    __tablename__ = "verification_codes"
    __table_args__ = (
        Index("ix_verification_codes_target_created", "target_hash", "created_at"),
        Index("ix_verification_codes_partner_created", "partner_id", "created_at"),
        Index("ix_verification_codes_customer_created", "customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    """Increasing: orders codes of one binding even when the clock stands still."""
    scene: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    """``sms`` or ``email``."""
    target_hash: Mapped[str] = mapped_column(String(64))
    partner_id: Mapped[str | None] = mapped_column(ForeignKey("partners.id"))
    """The partner that asked for the code; NULL when a customer asked for its own."""
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=CodeState.LIVE)
    failed_checks: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OutboxMessage(Base):
    """One delivered message. ``code`` and a clear ``recipient`` only for the ``outbox`` sender."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    """Increasing: the order messages were sent in."""
    message_id: Mapped[str] = mapped_column(String(32), unique=True)
    """The id handed to the sender (the gateway's or the e-mail's message id)."""
    channel: Mapped[str] = mapped_column(String(16))
    scene: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(16))
    """Which sender delivered it: ``outbox``, ``http`` or ``smtp``."""
    recipient: Mapped[str] = mapped_column(String(256))
    """In clear for the outbox sender, masked (``138****5678``) for the others."""
    recipient_hash: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str | None] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
