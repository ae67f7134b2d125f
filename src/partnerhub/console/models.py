"""Console sign-ins: one row per browser session, found by a keyed hash of the cookie's random id.

The cookie's value never reaches the database: a stolen table (or backup) holds no usable session. A row
lives until logout, ``idle`` minutes without a request, or ``absolute`` hours after sign-in, whichever comes
first (``Settings.console_session_*``); expired rows are purged at each sign-in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime


class ConsoleSession(Base):
    __tablename__ = "console_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    """``keyed_hash("console-session", <cookie value>)``."""
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    """The absolute end (sign-in + ``console_session_absolute_hours``); idleness: ``last_seen_at``."""
    flash: Mapped[str | None] = mapped_column(Text)
    """JSON of the message the next page shows once (post/redirect/get); never a secret or personal value."""
