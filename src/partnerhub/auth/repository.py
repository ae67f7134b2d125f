"""Queries on tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from partnerhub.auth.models import AuthToken


class TokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, token_hash: str) -> AuthToken | None:
        return self.session.get(AuthToken, token_hash)

    def add(self, token: AuthToken) -> None:
        self.session.add(token)
        self.session.flush()

    def purge_expired(self, now: datetime) -> int:
        result = self.session.execute(delete(AuthToken).where(AuthToken.expires_at < now))
        return int(getattr(result, "rowcount", 0) or 0)
