"""Rate-limit counters are shared by every worker: in the database by default, in Redis when configured."""

from __future__ import annotations

import os
import uuid

import pytest

from partnerhub.context import AppContext
from partnerhub.ops.ratelimit import (
    DatabaseRateLimitStore,
    LocalRateLimiter,
    RateLimiter,
    RedisRateLimitStore,
)
from tests.support import Env


def test_database_store_counts_across_separate_session_factories(env: Env, ctx: AppContext) -> None:
    from partnerhub.db.session import make_engine, make_sessionmaker

    other_worker = make_engine(ctx.settings.resolved_database_url())
    try:
        first = DatabaseRateLimitStore(ctx.sessions)
        second = DatabaseRateLimitStore(make_sessionmaker(other_worker))
        key = uuid.uuid4().hex
        assert [first.hit(key, "op", 100), second.hit(key, "op", 100), first.hit(key, "op", 100)] == [1, 2, 3]
        assert second.hit(key, "op", 101) == 1
        assert first.hit(key, "other-op", 100) == 1
    finally:
        other_worker.dispose()


def test_limiter_refuses_past_the_limit_and_says_how_long_to_wait(env: Env, ctx: AppContext) -> None:
    limiter = RateLimiter(DatabaseRateLimitStore(ctx.sessions))
    key = uuid.uuid4().hex
    waits = [limiter.check(key, "op", 3) for _ in range(12)]
    refused = [wait for wait in waits if wait is not None]
    assert refused and all(0 < wait <= 1 for wait in refused)
    assert waits.count(None) <= 6


@pytest.mark.skipif(not os.environ.get("PARTNERHUB_TEST_REDIS_URL"), reason="set PARTNERHUB_TEST_REDIS_URL")
def test_redis_store_counts_per_window() -> None:
    store = RedisRateLimitStore(os.environ["PARTNERHUB_TEST_REDIS_URL"])
    key = uuid.uuid4().hex
    assert [store.hit(key, "op", 7), store.hit(key, "op", 7), store.hit(key, "op", 8)] == [1, 2, 1]
    other = RedisRateLimitStore(os.environ["PARTNERHUB_TEST_REDIS_URL"])
    assert other.hit(key, "op", 7) == 3


class FakeStore:
    def __init__(self) -> None:
        self.hits: dict[tuple[str, str, int], int] = {}

    def hit(self, key: str, operation: str, window_start: int) -> int:
        bucket = (key, operation, window_start)
        self.hits[bucket] = self.hits.get(bucket, 0) + 1
        return self.hits[bucket]


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_local_limiters_together_never_pass_the_published_limit() -> None:
    """Four processes, each with its share: over any t seconds at most L·(1 + t) calls pass in total."""
    clock = FakeTime()
    processes = [LocalRateLimiter(4, RateLimiter(FakeStore()), clock) for _ in range(4)]
    limit, accepted, started = 10, 0, clock.now
    for step in range(400):  # 4 s of calls every 10 ms on every process, far above the limit
        clock.now = started + step * 0.01
        accepted += sum(p.check("key", "op", limit) is None for p in processes)
    assert accepted <= limit * (1 + 4)
    assert accepted >= limit * 4 * 0.9  # and the limit is offered, not starved


def test_local_limiter_refuses_with_the_time_until_the_next_call_fits() -> None:
    clock = FakeTime()
    limiter = LocalRateLimiter(1, RateLimiter(FakeStore()), clock)
    assert [limiter.check("k", "op", 2) for _ in range(2)] == [None, None]
    wait = limiter.check("k", "op", 2)
    assert wait is not None and 0 < wait <= 0.5
    assert limiter.check("other-key", "op", 2) is None and limiter.check("k", "other-op", 2) is None
    clock.now += wait
    assert limiter.check("k", "op", 2) is None


def test_local_limiter_counts_a_share_below_one_call_per_second_in_the_shared_store() -> None:
    store = FakeStore()
    limiter = LocalRateLimiter(4, RateLimiter(store), FakeTime())
    waits = [limiter.check("k", "op", 2) for _ in range(3)]
    assert waits[:2] == [None, None] and waits[2] is not None
    assert sum(store.hits.values()) == 3
    assert limiter.check("k", "op", 8) is None and sum(store.hits.values()) == 3  # share 2: in memory


def test_local_limiter_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LocalRateLimiter, "MAX_BUCKETS", 100)
    clock = FakeTime()
    limiter = LocalRateLimiter(1, RateLimiter(FakeStore()), clock)
    for n in range(1000):
        clock.now += 0.01
        limiter.check(f"key-{n}", "op", 5)
    assert len(limiter._buckets) <= 101


def test_store_choice_follows_the_settings(ctx: AppContext) -> None:
    from partnerhub.app import create_app
    from partnerhub.context import AppContext as Context

    def limiter_for(**changes: object) -> object:
        settings = ctx.settings.model_copy(update=changes)
        return create_app(
            context=Context(settings, ctx.engine, ctx.sessions, ctx.master_key)
        ).state.rate_limiter

    local = limiter_for(workers=3, rate_limit_hosts=2)
    assert isinstance(local, LocalRateLimiter) and local.processes == 6
    assert isinstance(local.shared.store, DatabaseRateLimitStore)
    shared = limiter_for(rate_limit_store="database")
    assert isinstance(shared, RateLimiter) and isinstance(shared.store, DatabaseRateLimitStore)
    with pytest.raises(ValueError, match="REDIS_URL"):
        limiter_for(rate_limit_store="redis")
