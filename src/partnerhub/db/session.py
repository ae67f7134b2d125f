"""Engines and sessions. One transaction per request, CLI command or job; services only flush.

SQLite: WAL, foreign keys, a long busy timeout, and every transaction opened with ``BEGIN IMMEDIATE`` so
writers queue for the lock instead of failing halfway with "database is locked".
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from partnerhub.errors import ApiError
from partnerhub.kit.files import make_private, sqlite_files

_HOLDS_LOCK = "partnerhub_holds_write_lock"
READ_ONLY = "partnerhub_read_only"
"""Execution option of a transaction that only reads: on SQLite it begins DEFERRED, without the write lock."""
REQUEST_THREADS = 40
"""Threads that run requests' blocking work: the API's request threads (``http/request_threads.py``), and
anyio's default worker threads, which run the console's sync dependencies and handlers."""
log = logging.getLogger("partnerhub.db")


def _busy() -> ApiError:
    return ApiError("CBC.0503", headers={"Retry-After": "1"})


# No request hangs on a database that is gone or stuck: connecting, waiting for a pooled connection and one
# statement each give up in bounded time; the failure answers 503 CBC.99100502 (db/unavailable.py). The
# operator CLI sets no statement limit: `ledger verify` or `demo` on a big database may run longer.
CONNECT_TIMEOUT_SECONDS = 5
POOL_TIMEOUT_SECONDS = 10
STATEMENT_TIMEOUT_MS = 30_000


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    busy_timeout_seconds: float = 60.0,
    pool_pre_ping: bool = True,
    statement_timeout_ms: int | None = STATEMENT_TIMEOUT_MS,
) -> Engine:
    """``busy_timeout_seconds``: how long a SQLite writer waits for the lock before answering CBC.0503.

    PostgreSQL: ``pool_size`` connections kept per process; under a burst more open, up to one per request
    thread (a request holds its connection from authentication to its commit, across thread hops: a thread
    must never wait for a connection that only a request waiting for a thread can return). The most recently
    used connection is handed out first (LIFO); connections are recycled after 30 minutes (ahead of typical
    proxy and firewall idle limits). ``pool_pre_ping`` tests a connection at checkout when it sat idle.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": busy_timeout_seconds, "check_same_thread": False},
            hide_parameters=True,
        )
        _configure_sqlite(engine, busy_timeout_seconds)
        _refuse_writes_when_reading(engine)
        return engine
    # hide_parameters: bound values (mobiles, names) never reach a log line or an error message.
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max(pool_size, REQUEST_THREADS - pool_size),
        pool_use_lifo=True,
        pool_recycle=1800,
        hide_parameters=True,
        connect_args=_postgres_timeouts(statement_timeout_ms),
        pool_timeout=POOL_TIMEOUT_SECONDS,
    )
    if pool_pre_ping:
        _ping_idle_connections(engine)
    _refuse_writes_when_reading(engine)
    return engine


IDLE_BEFORE_PING_SECONDS = 5.0


def _ping_idle_connections(engine: Engine) -> None:
    """Test a pooled connection at checkout when it sat unused for a while (a server restart or failover
    happens in quiet times as well as busy ones); one in use a moment ago is not pinged, which saves a round
    trip on every request under load. A dead one is replaced before the request sees it; a disconnect met
    mid-request still invalidates every older pooled connection (SQLAlchemy's own handling)."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["partnerhub_checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in = record.info.get("partnerhub_checked_in")
        if checked_in is None or time.monotonic() - checked_in < IDLE_BEFORE_PING_SECONDS:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()
        except Exception as exc:
            raise DisconnectionError("pooled connection is gone") from exc


def _postgres_timeouts(statement_timeout_ms: int | None) -> dict[str, Any]:
    timeouts: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    if statement_timeout_ms is not None:
        timeouts["options"] = f"-c statement_timeout={statement_timeout_ms}"
    return timeouts


def _configure_sqlite(engine: Engine, busy_timeout_seconds: float) -> None:
    database = engine.url.database
    files = sqlite_files(Path(database)) if database and database != ":memory:" else ()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own BEGIN is DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_seconds * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL is persistent: once set the file stays in WAL mode. If another process holds the file right now,
        # a later connection switches it.
        with suppress(sqlite3.OperationalError):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
        # The file holds mobiles, names and password hashes. SQLite gives -wal and -shm the database's mode.
        make_private(*files)

    # Writers of this process queue on a lock before asking SQLite: SQLite's busy handler polls with growing
    # sleeps, which leaves unlucky requests waiting seconds while others get through; a lock hands over at
    # once. Other processes on the same file still meet at SQLite's own lock (busy_timeout).
    write_lock = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # WAL readers see the last commit and never wait for a writer: no lock, no queue.
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        if not write_lock.acquire(timeout=busy_timeout_seconds):
            raise _busy()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as exc:
            write_lock.release()
            # Another process held the file longer than busy_timeout: tell the client to retry, not "locked".
            raise _busy() from exc
        except BaseException:
            write_lock.release()
            raise
        connection.info[_HOLDS_LOCK] = True

    def _on_end(connection: Any) -> None:
        if connection.info.pop(_HOLDS_LOCK, False):
            write_lock.release()

    event.listen(engine, "commit", _on_end)
    event.listen(engine, "rollback", _on_end)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=True)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Commit when the block succeeds, roll back when it raises. The only place that commits.

    An error that asks to keep its changes (``keep_changes``, e.g. a failed code attempt) is committed first.
    An error carrying ``followups`` (e.g. a refusal that must be audited although its own work is rolled
    back) gets each one run afterwards in a fresh transaction of its own; a followup that fails is logged and
    never replaces the original error.
    """
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            if getattr(exc, "keep_changes", False):
                session.commit()
            else:
                session.rollback()
            _run_followups(factory, exc)
            raise


@contextmanager
def read_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that only reads, for requests that only read. On SQLite one ``BEGIN DEFERRED`` transaction
    that takes no write lock, so it neither waits behind writers nor holds them up (WAL). On PostgreSQL
    autocommit: no BEGIN and no COMMIT round trip, each statement reads the latest commit — what READ
    COMMITTED, the default, gives a transaction's statements anyway. A write through it is a bug and raises
    before it reaches the database (``_refuse_writes_when_reading``)."""
    with factory() as session:
        options: dict[str, Any] = {READ_ONLY: True}
        if session.get_bind().dialect.name == "postgresql":
            options["isolation_level"] = "AUTOCOMMIT"
        session.connection(execution_options=options)
        session.info[READ_ONLY] = True
        try:
            yield session
        finally:
            session.rollback()


def is_read_only(session: Session) -> bool:
    """Whether the session came from ``read_scope`` (without starting a transaction)."""
    return bool(session.info.get(READ_ONLY))


class WriteWhileReading(RuntimeError):
    """A statement other than a read was sent through a read-only session (a programming error)."""


_READS = ("SELECT", "WITH", "EXPLAIN", "PRAGMA", "SHOW", "BEGIN")


def _refuse_writes_when_reading(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _check(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY) and not statement.lstrip()[
            :7
        ].upper().startswith(_READS):
            raise WriteWhileReading(statement.split(None, 1)[0])


def _run_followups(factory: sessionmaker[Session], exc: BaseException) -> None:
    # An error raised *from* a refusal (the console's error page, say) carries that refusal's followups.
    followups = getattr(exc, "followups", None) or getattr(exc.__cause__, "followups", None) or ()
    for followup in followups:
        try:
            with session_scope(factory) as session:
                followup(session)
        except Exception:
            code = getattr(exc, "code", None)
            log.exception("work after a refused request failed", extra={"error_code": code})
