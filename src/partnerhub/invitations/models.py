"""Reseller invitations: one row per registration link a distributor created.

The link's token is never stored: ``token_hash`` is a keyed hash of it (``kit/crypto``), so the table alone
cannot be turned back into working links. ``status`` is ``pending`` until the link is used or revoked;
``expired`` is not stored but read from ``expires_at`` (a pending link past it).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime


class InvitationStatus(StrEnum):
    PENDING = "pending"
    USED = "used"
    EXPIRED = "expired"
    """Computed: a pending invitation whose ``expires_at`` has passed."""
    REVOKED = "revoked"


class ResellerInvitation(Base):
    __tablename__ = "reseller_invitations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    distributor_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    receiver_type: Mapped[int] = mapped_column(Integer)
    """Which of the distributor's own contacts verified the creation: 1 mobile, 2 e-mail."""
    status: Mapped[str] = mapped_column(String(16), default=InvitationStatus.PENDING)
    """``pending``, ``used`` or ``revoked`` (``expired`` is computed)."""
    codes_sent: Mapped[int] = mapped_column(Integer, default=0)
    """Registration codes the public side sent through this link (capped per link)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reseller_id: Mapped[str | None] = mapped_column(ForeignKey("partners.id"))
    """The reseller that registered through the link."""


# The list's order (newest first, ties by id) as an index: a page is an index range.
Index(
    "ix_reseller_invitations_distributor_listing",
    ResellerInvitation.distributor_id,
    ResellerInvitation.created_at.desc(),
    ResellerInvitation.id,
)
