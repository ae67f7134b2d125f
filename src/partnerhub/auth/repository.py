"""Queries on signing keys, tokens and password-login throttles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from partnerhub.auth.models import AuthToken, LoginThrottle
from partnerhub.customers.models import Customer
from partnerhub.partners.models import AccessKey, Partner


@dataclass(frozen=True)
class SigningKey:
    partner_id: str
    partner_kind: str
    secret_sealed: str


def active_signing_key(session: Session, access_key: str) -> SigningKey | None:
    """An active key with its partner, in one indexed read (columns only: nothing enters the identity map,
    so the handler sharing this transaction loads its own fresh rows)."""
    row = session.execute(
        select(AccessKey.partner_id, Partner.kind, AccessKey.secret_sealed)
        .join(Partner, Partner.id == AccessKey.partner_id)
        .where(AccessKey.access_key == access_key, AccessKey.status == "active")
    ).one_or_none()
    return SigningKey(row[0], row[1], row[2]) if row is not None else None


def partner_kind(session: Session, partner_id: str) -> str | None:
    """The partner's kind, or None when there is no such partner (a column: no entity loaded)."""
    return session.scalar(select(Partner.kind).where(Partner.id == partner_id))


def customer_exists(session: Session, customer_id: str) -> bool:
    return session.scalar(select(Customer.id).where(Customer.id == customer_id)) is not None


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


class LoginThrottleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def locked(self, keys: Sequence[str]) -> Sequence[LoginThrottle]:
        """The rows of ``keys``, row-locked (PostgreSQL) so check-and-count is one step per key."""
        statement = select(LoginThrottle).where(LoginThrottle.key.in_(keys)).order_by(LoginThrottle.key)
        return self.session.scalars(
            statement.with_for_update().execution_options(populate_existing=True)
        ).all()

    def ensure(self, keys: Sequence[str], now: datetime) -> None:
        """Create missing rows (a concurrent creator wins quietly)."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        for key in keys:
            self.session.execute(
                insert(LoginThrottle)
                .values(key=key, failures=0, last_attempt_at=now, locked_until=None)
                .on_conflict_do_nothing(index_elements=[LoginThrottle.key])
            )

    def clear(self, key: str) -> None:
        self.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))

    def purge_older_than(self, cutoff: datetime) -> None:
        self.session.execute(
            delete(LoginThrottle).where(
                LoginThrottle.last_attempt_at < cutoff,
                or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < cutoff),
            )
        )
