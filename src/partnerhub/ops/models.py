"""Operational tables: rate-limit windows shared by every worker."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base


class RateLimitWindow(Base):
    __tablename__ = "rate_limit_windows"

    bucket: Mapped[str] = mapped_column(String(200), primary_key=True)
    """``<access key>|<operation>|<window start, epoch seconds>``."""
    hits: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[int] = mapped_column(BigInteger, index=True)
