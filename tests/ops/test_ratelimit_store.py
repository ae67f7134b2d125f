"""Rate-limit counters are shared by every worker: in the database by default, in Redis when configured."""

from __future__ import annotations

import os
import uuid

import pytest

from partnerhub.context import AppContext
from partnerhub.ops.ratelimit import DatabaseRateLimitStore, RateLimiter, RedisRateLimitStore
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
