"""Shared fixtures: every database test runs on SQLite and, when configured, on PostgreSQL.

The schema is built by the real migrations. A live uvicorn server per backend serves the app so the
official SDK can drive it; each test starts from empty tables and a clock set to now.
"""

from __future__ import annotations

import logging
import os
import tempfile

# The SDK writes ~/.huaweicloud/application_id on import; keep it out of the real home.
os.environ["HOME"] = tempfile.mkdtemp(prefix="partnerhub-test-home-")

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from partnerhub.app import create_app
from partnerhub.config import RateLimits, Settings
from partnerhub.context import AppContext, build_context
from partnerhub.db.migrate import upgrade
from partnerhub.kit.clock import FakeClock
from partnerhub.models import Base
from tests import secret_watch
from tests.support import Env, LiveServer

POSTGRES_URL = os.environ.get("PARTNERHUB_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("PARTNERHUB_TEST_REQUIRE_POSTGRES") == "1"
POSTGRES_SKIP = "PostgreSQL half skipped"
"""Every PostgreSQL skip's reason starts so; the report folds them into one line of the short summary."""


@pytest.fixture(autouse=True)
def _record_server_logs() -> None:
    """Every test's server-side log records, at the service's INFO level, reach the secret scan (a test that
    reconfigures logging drops the handler from the root logger: it is put back before the next test)."""
    root = logging.getLogger()
    if secret_watch.WATCH not in root.handlers:
        root.addHandler(secret_watch.WATCH)
    service = logging.getLogger("partnerhub")
    if service.getEffectiveLevel() > logging.INFO:
        service.setLevel(logging.INFO)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    watch = secret_watch.WATCH
    terminalreporter.write_line(
        f"secret scan: {watch.records} server log records, {watch.watched} secrets and codes watched"
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The whole run's server log records hold no secret key, password, token or verification code."""
    found = secret_watch.WATCH.leaks()
    if found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        heading = f"secrets in server log records ({len(found)} of {secret_watch.WATCH.records}):"
        lines = [heading, *found[:20]]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """One location for every PostgreSQL skip, so ``-ra`` prints one line ("SKIPPED [285] ...") for all of
    them; any other skip keeps its own line."""
    report: pytest.TestReport = yield
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and POSTGRES_SKIP in str(longrepr[2]):
        report.longrepr = (__file__, _SKIP_LINE, longrepr[2])
    return report


def _postgres_database() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip(f"{POSTGRES_SKIP}: set PARTNERHUB_TEST_POSTGRES_URL; the suite ran on SQLite only")
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"partnerhub_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        if REQUIRE_POSTGRES:
            raise
        pytest.skip(f"{POSTGRES_SKIP}: PostgreSQL unreachable ({exc.orig}); the suite ran on SQLite only")
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_SKIP_LINE = _postgres_database.__code__.co_firstlineno


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'partnerhub.db'}"
        upgrade(url)
        yield url
        return
    for url in _postgres_database():
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def clock() -> FakeClock:
    return FakeClock()


def test_settings(database_url: str, data_dir: Path) -> Settings:
    # Generous rate limits so the suite is never throttled; the rate-limit tests lower them explicitly.
    generous = RateLimits(
        default_per_second=100_000,
        check_identity_per_second=100_000,
        send_code_per_second=100_000,
        adjust_records_per_second=100_000,
        account_change_records_per_second=100_000,
        public_registration_per_second=100_000,
        public_registration_code_per_second=100_000,
    )
    return Settings(data_dir=data_dir, database_url=database_url, rate_limits=generous, log_json=True)


@pytest.fixture(scope="session")
def ctx(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, clock: FakeClock
) -> Iterator[AppContext]:
    context = build_context(test_settings(database_url, tmp_path_factory.mktemp("data")), clock=clock)
    yield context
    context.engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(ctx: AppContext) -> Iterator[LiveServer]:
    app = create_app(context=ctx)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        time.sleep(0.02)
    yield LiveServer(url=f"http://127.0.0.1:{port}", app=app)
    server.should_exit = True
    thread.join(timeout=10)


def truncate_all(ctx: AppContext) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with ctx.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{name}"' for name in tables)  # table names come from our own metadata
            connection.execute(text(f"TRUNCATE {names} CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608


@pytest.fixture
def env(ctx: AppContext, live_server: LiveServer, clock: FakeClock) -> Iterator[Env]:
    """A live server on empty tables, with the business clock set to now."""
    clock.set(datetime.now(UTC))
    yield Env(ctx=ctx, url=live_server.url, app=live_server.app, clock=clock)
    truncate_all(ctx)
