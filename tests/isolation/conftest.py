"""The isolation world, built once per engine for the whole package (building it is the expensive part)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from partnerhub.context import AppContext
from partnerhub.kit.clock import FakeClock
from tests.conftest import truncate_all
from tests.isolation.world import World, build_world
from tests.support import Env, LiveServer


@pytest.fixture(scope="package")
def isolated(ctx: AppContext, live_server: LiveServer, clock: FakeClock) -> Iterator[tuple[Env, World]]:
    truncate_all(ctx)
    clock.set(datetime.now(UTC))
    env = Env(ctx=ctx, url=live_server.url, app=live_server.app, clock=clock)
    try:
        yield env, build_world(env)
    finally:
        truncate_all(ctx)
