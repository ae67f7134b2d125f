"""Faults the service survives, against real ``partnerhub serve`` processes (issue 13 §2).

* database restart: a PostgreSQL of the test's own is stopped in the middle of a funding load;
* disk full: the SQLite file lives on a small tmpfs that is then filled up;
* graceful shutdown: SIGTERM while requests are in flight.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from partnerhub.config import Settings
from partnerhub.context import AppContext, build_context
from partnerhub.db.migrate import upgrade
from partnerhub.db.session import session_scope
from partnerhub.idempotency.models import IdempotencyRecord
from partnerhub.kit.clock import FakeClock
from partnerhub.ledger.accounts import customer_funded
from partnerhub.ledger.service import balance_of
from tests.funding.helpers import top_up
from tests.reliability.bank import Caller, sign
from tests.reliability.cluster import Cluster, Instance, partnerhub_command, server_environment
from tests.reliability.throwaway_postgres import ThrowawayPostgres, unavailable_reason
from tests.support import Env, make_customer, make_partner

FUND = "/v2/accounts/partner-accounts/adjust-amount"
UNAVAILABLE = "CBC.99100502"
ANSWER_WITHIN = 20.0
"""No request may hang longer than this (connect 5 s + pool 10 s at most, db/session.py)."""


@dataclass
class Funder:
    """Keyed fundings of one customer; remembers which keys were acknowledged and every answer's status."""

    url: str
    caller: Caller
    customer_id: str
    acknowledged: dict[str, int] = field(default_factory=dict)
    statuses: list[int] = field(default_factory=list)
    slowest: float = 0.0
    unavailable_bodies: list[httpx.Response] = field(default_factory=list)

    def once(self, key: str, minor: int = 100) -> httpx.Response | None:
        body = {"customer_id": self.customer_id, "amount": str(minor / 100)}
        headers, raw = sign(self.url, self.caller, "POST", FUND, body)
        started = time.monotonic()
        try:
            response = httpx.post(
                self.url + FUND,
                headers={**headers, "X-Client-Token": key},
                content=raw,
                timeout=ANSWER_WITHIN + 10,
            )
        except httpx.HTTPError:
            return None
        finally:
            self.slowest = max(self.slowest, time.monotonic() - started)
        self.statuses.append(response.status_code)
        if response.status_code == 200:
            self.acknowledged[key] = minor
        elif response.status_code == 503:
            self.unavailable_bodies.append(response)
        return response


def seed(ctx: AppContext) -> tuple[Caller, str]:
    env = Env(ctx=ctx, url="", app=cast(FastAPI, None), clock=cast(FakeClock, ctx.clock))
    partner = make_partner(env, "solution_provider")
    top_up(env, partner, "100000")
    return Caller(partner.id, partner.access_key, partner.secret_key), make_customer(env, partner)


def funded(ctx: AppContext, customer_id: str) -> int:
    with session_scope(ctx.sessions) as session:
        return balance_of(session, customer_funded(customer_id)) or 0


def unfinished_keys(ctx: AppContext) -> int:
    """Claimed idempotency keys without a stored answer: a half-written request."""
    with session_scope(ctx.sessions) as session:
        statement = select(func.count()).select_from(IdempotencyRecord)
        return int(session.scalar(statement.where(IdempotencyRecord.status_code.is_(None))) or 0)


def books_verify(database_url: str, data_dir: Path) -> None:
    env = server_environment(database_url, data_dir)
    for command in (("ledger", "verify"), ("audit", "verify")):
        done = subprocess.run(
            partnerhub_command(*command), env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (command, done.stdout, done.stderr)


def assert_unavailable(funder: Funder) -> None:
    assert funder.unavailable_bodies, "the outage was never answered with 503"
    for response in funder.unavailable_bodies:
        assert response.json()["error_code"] == UNAVAILABLE, response.text
        assert response.headers["Retry-After"].isdigit()
    assert 500 not in funder.statuses
    assert funder.slowest < ANSWER_WITHIN


def readiness(url: str) -> int:
    try:
        return httpx.get(url + "/readyz", timeout=ANSWER_WITHIN).status_code
    except httpx.HTTPError:
        return 0


def wait_for(condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.1)


@contextlib.contextmanager
def served(database_url: str, data_dir: Path, **extra: str) -> Iterator[tuple[AppContext, Cluster]]:
    upgrade(database_url)
    ctx = build_context(Settings(data_dir=data_dir, database_url=database_url))
    cluster = Cluster(database_url, data_dir, 1, extra_env=extra)
    try:
        yield ctx, cluster
    finally:
        cluster.stop()
        ctx.engine.dispose()


def test_a_postgres_restart_answers_503_then_recovers_losing_nothing(tmp_path: Path) -> None:
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"no throwaway PostgreSQL cluster: {reason}")
    database = ThrowawayPostgres.create()
    try:
        with served(database.url, tmp_path) as (ctx, cluster):
            caller, customer = seed(ctx)
            cluster.start()
            url = cluster.urls[0]
            funder = Funder(url, caller, customer)
            stop = threading.Event()
            sequence = iter(range(1_000_000))
            pending: list[str] = []

            def load() -> None:
                while not stop.is_set():
                    key = f"pg-{next(sequence)}"
                    answer = funder.once(key)
                    if answer is None or answer.status_code != 200:
                        pending.append(key)
                    time.sleep(0.02)

            threads = [threading.Thread(target=load) for _ in range(3)]
            for thread in threads:
                thread.start()
            wait_for(lambda: len(funder.acknowledged) >= 20)
            database.stop()
            wait_for(lambda: readiness(url) == 503)
            wait_for(lambda: len(funder.unavailable_bodies) >= 5)
            assert readiness(url) == 503
            database.start()
            # The test's own pool (not the server's) may hold a connection the old server dropped a moment
            # ago: the pool pings only connections idle 5 s or more, so start it afresh.
            ctx.engine.dispose()
            wait_for(lambda: readiness(url) == 200)  # by itself: nobody restarted the server
            before = len(funder.acknowledged)
            wait_for(lambda: len(funder.acknowledged) >= before + 20)
            stop.set()
            for thread in threads:
                thread.join(timeout=60)

            # The refused requests are retried with their keys: each moves money at most once.
            for key in pending:
                answer = funder.once(key)
                assert answer is not None and answer.status_code == 200, answer and answer.text
            assert_unavailable(funder)
            assert funded(ctx, customer) == sum(funder.acknowledged.values())
            assert unfinished_keys(ctx) == 0
            books_verify(database.url, tmp_path)
    finally:
        database.destroy()


@contextlib.contextmanager
def small_tmpfs(size: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="partnerhub-full-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the disk-full test needs one")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()


def fill(folder: Path) -> Path:
    """Write one file until the filesystem refuses another byte."""
    filler = folder / "filler"
    with filler.open("wb") as out:
        chunk = b"\0" * 65536
        with contextlib.suppress(OSError):
            while True:
                out.write(chunk)
                out.flush()
    with contextlib.suppress(OSError), filler.open("ab") as out:
        while True:  # the last few bytes
            out.write(b"\0")
            out.flush()
    return filler


def test_a_full_disk_answers_503_and_leaves_sqlite_intact(tmp_path: Path) -> None:
    with small_tmpfs("24m") as folder:
        database_url = f"sqlite:///{folder / 'partnerhub.db'}"
        with served(database_url, folder) as (ctx, cluster):
            caller, customer = seed(ctx)
            cluster.start()
            funder = Funder(cluster.urls[0], caller, customer)
            for number in range(5):
                assert (answer := funder.once(f"ok-{number}")) is not None and answer.status_code == 200
            filler = fill(folder)
            refused = [funder.once(f"full-{number}", 700) for number in range(30)]
            assert any(r is not None and r.status_code == 503 for r in refused), [
                r and r.text for r in refused
            ]
            assert_unavailable(funder)
            filler.unlink()
            # Room again: the same server serves, and the refused keys are retried.
            for number in range(30):
                answer = funder.once(f"full-{number}", 700)
                assert answer is not None and answer.status_code == 200, answer and answer.text
            assert funded(ctx, customer) == sum(funder.acknowledged.values())
            assert unfinished_keys(ctx) == 0
        with sqlite3.connect(folder / "partnerhub.db") as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        books_verify(database_url, folder)


def test_sigterm_finishes_in_flight_requests_refuses_new_ones_and_leaves_nothing_half_written(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path / 'partnerhub.db'}"
    with served(database_url, tmp_path) as (ctx, cluster):
        caller, customer = seed(ctx)
        cluster.start()
        instance: Instance = cluster.instances[0]
        funder = Funder(instance.url, caller, customer)
        assert (answer := funder.once("warm-up")) is not None and answer.status_code == 200
        # Hold SQLite's write lock from outside: the requests below are then in flight, waiting for it.
        blocker = sqlite3.connect(tmp_path / "partnerhub.db", isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        answers: dict[str, httpx.Response | None] = {}

        def send(key: str) -> None:
            answers[key] = funder.once(key)

        in_flight = [threading.Thread(target=send, args=(f"flight-{n}",)) for n in range(4)]
        for thread in in_flight:
            thread.start()
        wait_for(lambda: _established(instance.port) >= 4)  # connected, then blocked on the lock
        time.sleep(1.0)  # and read by the server
        assert instance.process is not None
        instance.process.terminate()  # SIGTERM
        wait_for(lambda: _refuses_connections(instance.url))
        assert instance.process.poll() is None, "the server must wait for its in-flight requests"
        blocker.execute("ROLLBACK")
        blocker.close()
        for thread in in_flight:
            thread.join(timeout=60)
        # uvicorn re-raises the SIGTERM once it has shut down cleanly, so the status says "terminated".
        assert instance.process.wait(timeout=30) in (0, -15)
        assert {key: a.status_code if a else None for key, a in answers.items()} == {
            f"flight-{n}": 200 for n in range(4)
        }
        assert funded(ctx, customer) == sum(funder.acknowledged.values()) == 500
        assert unfinished_keys(ctx) == 0
    books_verify(database_url, tmp_path)


def _established(port: int) -> int:
    """Established TCP connections whose local end is ``port`` (the server's side), from /proc/net/tcp."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    wanted = f":{port:04X}"
    return sum(1 for row in rows if row.split()[1].endswith(wanted) and row.split()[3] == "01")


def _refuses_connections(url: str) -> bool:
    try:
        httpx.get(url + "/healthz", timeout=2)
    except httpx.ConnectError:
        return True
    except httpx.HTTPError:
        return False
    return False
