"""Per access key and operation request limits, counted in a store every server worker shares.

Fixed one-second windows. The database store upserts one row per (key, operation, second) in its own short
transaction; the Redis store uses INCR with a short expiry. Limits are about real throughput, so windows
follow the wall clock, not the injectable business clock.
"""

from __future__ import annotations

import math
import random
import time
from typing import Protocol

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from partnerhub.db.session import session_scope
from partnerhub.ops.models import RateLimitWindow


class RateLimitStore(Protocol):
    def hit(self, key: str, operation: str, window_start: int) -> int:
        """Count one request in the window and return the window's count so far."""
        ...


class DatabaseRateLimitStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def hit(self, key: str, operation: str, window_start: int) -> int:
        bucket = f"{key}|{operation}|{window_start}"
        with session_scope(self._sessions) as session:
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = (
                insert(RateLimitWindow)
                .values(bucket=bucket, hits=1, window_start=window_start)
                .on_conflict_do_update(
                    index_elements=[RateLimitWindow.bucket], set_={"hits": RateLimitWindow.hits + 1}
                )
                .returning(RateLimitWindow.hits)
            )
            hits = int(session.execute(statement).scalar_one())
            if random.random() < 0.01:  # keep the table small without a separate job
                session.execute(
                    delete(RateLimitWindow).where(RateLimitWindow.window_start < window_start - 60)
                )
            return hits


class RedisRateLimitStore:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def hit(self, key: str, operation: str, window_start: int) -> int:
        name = f"partnerhub:rl:{key}|{operation}|{window_start}"
        pipe = self._redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, 5)
        hits, _ = pipe.execute()
        return int(hits)


class RateLimiter:
    def __init__(self, store: RateLimitStore) -> None:
        self.store = store

    def check(self, key: str, operation: str, per_second: int) -> float | None:
        """None when allowed; otherwise the seconds to wait before retrying."""
        if per_second <= 0:
            return None
        now = time.time()
        window = int(now)
        if self.store.hit(key, operation, window) <= per_second:
            return None
        return max(window + 1 - now, 0.001)


class FailureGate:
    """Failed authentications per client address and second, counted in the shared store.

    Only failures are counted, so a valid request costs nothing here. Once an address's failures in one
    second pass the limit, this worker refuses that address for the next second without asking the store
    again; other workers learn it at their next failure from the address.
    """

    OPERATION = "authentication_failure"

    def __init__(self, store: RateLimitStore) -> None:
        self.store = store
        self._blocked: dict[str, float] = {}

    def reset(self) -> None:
        self._blocked.clear()

    def blocked_for(self, address: str) -> float | None:
        """Seconds until the address may try again, or None."""
        until = self._blocked.get(address)
        if until is None:
            return None
        wait = until - time.time()
        if wait <= 0:
            self._blocked.pop(address, None)
            return None
        return wait

    def record_failure(self, address: str, per_second: int) -> float | None:
        """Count one failure; the seconds to wait when it went over the limit, else None."""
        if per_second <= 0:
            return None
        now = time.time()
        window = int(now)
        if self.store.hit(f"address:{address}", self.OPERATION, window) <= per_second:
            return None
        if len(self._blocked) > 10_000:  # bounded memory under a spray of addresses
            self._blocked.clear()
        self._blocked[address] = now + 1.0
        return 1.0


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
