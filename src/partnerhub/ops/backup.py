"""Consistent copies of a live database, and bringing one back into an empty database.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies pages while other connections keep
writing; a page changed mid-copy restarts the copy, so the file is one committed state. PostgreSQL:
``pg_dump`` in its custom format runs in one repeatable-read snapshot, so writes that go on are simply not in
it. Either way the copy holds whole transactions only: ledger balances equal their transfers on it.

Restore refuses a target that already has tables (it never merges into or overwrites data). The master key
is not in the database: a restored copy opens its sealed secrets only with the master key of its source.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, make_url
from sqlalchemy.engine import URL

from partnerhub.db.session import make_engine
from partnerhub.errors import ApiError
from partnerhub.kit.files import make_private, private_dir

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
_TOOL_TIMEOUT_SECONDS = 3600


@dataclass(frozen=True)
class BackupResult:
    engine: str
    path: Path
    size_bytes: int


def _failed(detail: str, **params: object) -> ApiError:
    return ApiError("CBC.99100501", detail=detail, params=params)


def _is_sqlite(url: URL) -> bool:
    return url.drivername.startswith("sqlite")


def _sqlite_path(url: URL) -> Path:
    if url.database in (None, "", ":memory:"):
        raise _failed("an in-memory SQLite database cannot be backed up or restored")
    return Path(str(url.database))


def libpq_connection(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq URL for ``pg_dump``/``pg_restore`` and the environment carrying the password.

    SQLAlchemy spells the driver into the scheme (``postgresql+psycopg://``); libpq wants ``postgresql://``.
    The password goes through ``PGPASSWORD`` so it never appears in the process list.
    """
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), environment


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise _failed("{tool} was not found on PATH", tool=name)
    return found


def _run(command: list[str], environment: dict[str, str]) -> None:
    done = subprocess.run(  # noqa: S603 - fixed tool, arguments are ours
        command,
        env=environment,
        capture_output=True,
        text=True,
        timeout=_TOOL_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise _failed("{tool}: {reason}", tool=Path(command[0]).name, reason=lines[0] if lines else "failed")


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise _failed("{path} already exists; choose a new file", path=path)


def backup(database_url: str, path: Path) -> BackupResult:
    """Write a consistent copy of the database at ``database_url`` to the new file ``path`` (mode 0600)."""
    url = make_url(database_url)
    _refuse_existing(path)
    if not path.parent.is_dir():
        raise _failed("no folder {path}", path=path.parent)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    make_private(partial)
    try:
        if _is_sqlite(url):
            source = _sqlite_path(url)
            if not source.is_file():
                raise _failed("no database at {path}", path=source)
            _sqlite_copy(source, partial)
        else:
            libpq_url, environment = libpq_connection(url)
            _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", libpq_url],
                environment,
            )
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult("sqlite" if _is_sqlite(url) else "postgresql", path, path.stat().st_size)


def _sqlite_copy(source_file: Path, target_file: Path) -> None:
    """A copy through the online backup API: one committed state, whatever others write meanwhile."""
    source = sqlite3.connect(source_file, timeout=60)
    try:
        target = sqlite3.connect(target_file)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def _has_tables(database_url: str) -> bool:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return bool(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def _check_header(path: Path, header: bytes, kind: str) -> None:
    if not path.is_file():
        raise _failed("no backup file {path}", path=path)
    with path.open("rb") as stream:
        if stream.read(len(header)) != header:
            raise _failed("{path} is not a {kind} backup", path=path, kind=kind)


def restore(database_url: str, path: Path) -> str:
    """Bring the backup ``path`` into the empty database at ``database_url``; the engine's name.

    CBC.99100503 when the target already has tables: restore never mixes a copy with live data.
    """
    url = make_url(database_url)
    if _is_sqlite(url):
        target = _sqlite_path(url)
        _check_header(path, SQLITE_HEADER, "SQLite")
        if target.exists() and target.stat().st_size > 0 and _has_tables(database_url):
            raise _not_empty(url)
        private_dir(target.parent)
        _sqlite_copy(path, target)
        make_private(target)
        return "sqlite"
    _check_header(path, PG_DUMP_HEADER, "pg_dump custom-format")
    if _has_tables(database_url):
        raise _not_empty(url)
    libpq_url, environment = libpq_connection(url)
    _run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={libpq_url}",
            str(path),
        ],
        environment,
    )
    return "postgresql"


def _not_empty(url: URL) -> ApiError:
    return ApiError("CBC.99100503", detail="{url} already has tables", params={"url": url.render_as_string()})
