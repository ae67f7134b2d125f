"""API tokens (``X-Auth-Token``). Only a keyed hash of each token is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime


class AuthToken(Base):
    __tablename__ = "auth_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    """``partner`` or ``customer``."""
    subject_id: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
