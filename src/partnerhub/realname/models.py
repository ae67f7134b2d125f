"""Real-name applications. Names, ID and card numbers are sealed; numbers also keyed-hashed for counting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime

REVIEW_PENDING = 0
REVIEW_REJECTED = 1
REVIEW_APPROVED = 2


class RealnameApplication(Base):
    __tablename__ = "realname_applications"
    __table_args__ = (Index("ix_realname_applications_number_hash", "number_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    """Increasing: the newest application of a customer is the one with the highest id."""
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    identify_type: Mapped[int] = mapped_column(Integer)
    """0 = ID documents, 4 = bank card."""
    verified_type: Mapped[int | None] = mapped_column(Integer)
    name_sealed: Mapped[str] = mapped_column(Text)
    number_sealed: Mapped[str] = mapped_column(Text)
    number_hash: Mapped[str] = mapped_column(String(64))
    bank_account_sealed: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[str] = mapped_column(Text)
    """JSON list of the relative attachment paths, in the order given."""
    is_review: Mapped[int] = mapped_column(Integer)
    review_result: Mapped[int] = mapped_column(Integer)
    """0 under review, 1 rejected, 2 approved (the values A.26 answers)."""
    opinion: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
