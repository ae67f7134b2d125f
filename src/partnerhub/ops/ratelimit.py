"""Per access key and operation request limits: in each process's memory, or counted in a shared store.

``LocalRateLimiter`` (the default without Redis) keeps a token bucket per key and operation in the process
and writes nothing: each of the N processes serving the API (``workers`` × ``rate_limit_hosts``) refills at
L/N per second and holds at most L/N, so all of them together accept at most L·(1 + t) calls in any t seconds
— the bound fixed one-second windows give — however the load is spread. An uneven spread refuses early
instead (a keep-alive client on one of two workers gets L/2). A share below one call per second cannot be
kept in memory and goes to the shared store instead.

``RateLimiter`` counts fixed one-second windows in a shared store: the database (one upsert per call in its
own short transaction, the ``database`` store) or Redis (one INCR+EXPIRE round trip). Exact across processes
and hosts. Limits are about real throughput, so windows and buckets follow the wall clock, not the injectable
business clock.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable
from typing import Literal, Protocol

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


class Limiter(Protocol):
    def writes_database(self, per_second: int) -> bool:
        """Whether a check of this limit writes to the database (a transaction of its own: on SQLite it must
        not run while the caller's transaction holds the write lock)."""
        ...

    def check(self, key: str, operation: str, per_second: int) -> float | None:
        """None when allowed; otherwise the seconds to wait before retrying."""
        ...


class RateLimiter:
    """Fixed one-second windows counted in a shared store: exact across every process and host."""

    def __init__(self, store: RateLimitStore) -> None:
        self.store = store

    def writes_database(self, per_second: int) -> bool:
        return per_second > 0 and isinstance(self.store, DatabaseRateLimitStore)

    def check(self, key: str, operation: str, per_second: int) -> float | None:
        """None when allowed; otherwise the seconds to wait before retrying."""
        if per_second <= 0:
            return None
        now = time.time()
        window = int(now)
        if self.store.hit(key, operation, window) <= per_second:
            return None
        return max(window + 1 - now, 0.001)


class LocalRateLimiter:
    """Token buckets in this process's memory, each holding and refilling this process's share of the limit.

    ``processes``: how many processes serve the API with this limiter (workers × hosts); each gets 1/processes
    of every limit. Shares below one call per second are counted by ``shared`` (the database or Redis).
    """

    MAX_BUCKETS = 50_000

    def __init__(
        self, processes: int, shared: RateLimiter, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.processes = max(1, processes)
        self.shared = shared
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        """(key, operation) → (tokens, refilled at)."""

    def writes_database(self, per_second: int) -> bool:
        return 0 < per_second < self.processes and self.shared.writes_database(per_second)

    def check(self, key: str, operation: str, per_second: int) -> float | None:
        if per_second <= 0:
            return None
        share = per_second / self.processes
        if share < 1:
            return self.shared.check(key, operation, per_second)
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get((key, operation), (share, now))
            tokens = min(share, tokens + (now - at) * share)
            if tokens >= 1:
                self._store((key, operation), tokens - 1, now)
                return None
            self._store((key, operation), tokens, now)
            return (1 - tokens) / share

    def _store(self, bucket: tuple[str, str], tokens: float, now: float) -> None:
        if len(self._buckets) >= self.MAX_BUCKETS and bucket not in self._buckets:
            # Forget buckets idle long enough to be full again (at most 1 s for any share of at least 1 call
            # per second): forgetting one changes nothing. Bounded memory under a spray of keys.
            self._buckets = {b: v for b, v in self._buckets.items() if now - v[1] < 1.0}
        self._buckets[bucket] = (tokens, now)


StoreChoice = Literal["auto", "local", "database", "redis"]


def build_limiter(
    choice: StoreChoice, shared_store: RateLimitStore, processes: int
) -> LocalRateLimiter | RateLimiter:
    """``auto``: Redis when configured (exact across hosts, no database write), else ``local``."""
    shared = RateLimiter(shared_store)
    if choice == "local" or (choice == "auto" and not isinstance(shared_store, RedisRateLimitStore)):
        return LocalRateLimiter(processes, shared)
    return shared


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
