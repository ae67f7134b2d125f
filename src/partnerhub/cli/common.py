"""What every command shares: output, one transaction per command, and the one-line errors.

Only ``db upgrade`` (and ``demo``, which runs it) creates a database or a master key. Every other command
opens what is there and answers a missing, unmigrated or unreachable database, or a missing master key, with
one line naming a ``CBC.*`` code and what to run, exit status 2 — never a traceback, never a new empty file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from alembic.runtime.migration import MigrationContext
from pydantic import ValidationError
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from partnerhub.config import Settings
from partnerhub.context import AppContext
from partnerhub.db import migrate
from partnerhub.db.session import make_engine, make_sessionmaker, session_scope
from partnerhub.error_details import from_validation
from partnerhub.errors import ApiError
from partnerhub.kit.crypto import MasterKey, load_or_create_master_key
from partnerhub.kit.files import private_dir

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

ERROR_EXIT = 2
"""Exit status of a refused command; 1 is kept for "checked and found broken" (``ledger verify``)."""

MASTER_KEY_FILE = "master.key"


def emit(data: Any, as_json: bool, text: str) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, default=str) if as_json else text)


def fail(error: ApiError, as_json: bool = False) -> NoReturn:
    """One line on stderr, the code first; with ``--json`` the API's error body."""
    message = error.message("en-us")
    if as_json:
        line = json.dumps({"error_code": error.code, "error_msg": message}, ensure_ascii=False)
    else:
        line = f"error: {error.code} {message}"
    typer.echo(line, err=True)
    raise typer.Exit(ERROR_EXIT)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = "PARTNERHUB_" + "_".join(str(part) for part in first["loc"]).upper()
        template, params = from_validation(str(first["type"]), first.get("ctx"))
        raise ApiError("CBC.0100", field=variable, detail=template, params=params) from None


def safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def schema_revision(engine: Engine) -> str | None:
    """The migrated revision, None for a database without partnerhub's schema. CBC.99100602 if unreachable."""
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except (OperationalError, DBAPIError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise ApiError(
            "CBC.99100602",
            detail="{url}: {reason}",
            params={"url": safe_url(str(engine.url)), "reason": reason},
        ) from None


def _missing_database(settings: Settings, what: str) -> ApiError:
    return ApiError(
        "CBC.99100601",
        detail="{what} (data dir {data_dir}; see PARTNERHUB_DATA_DIR, PARTNERHUB_DATABASE_URL)",
        params={"what": what, "data_dir": settings.data_dir},
    )


def open_engine(settings: Settings) -> Engine:
    """An engine on a database that exists and is at the latest migration; creates nothing."""
    url = settings.resolved_database_url()
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise _missing_database(settings, f"no database at {path}")
    engine = make_engine(
        url, busy_timeout_seconds=settings.sqlite_busy_timeout_seconds, statement_timeout_ms=None
    )
    try:
        revision = schema_revision(engine)
        head = migrate.head_revision()
        if revision != head:
            found = f"schema at {revision}" if revision else "no partnerhub schema"
            raise _missing_database(settings, f"{found} in {safe_url(url)}, this version needs {head}")
    except BaseException:
        engine.dispose()
        raise
    return engine


def existing_master_key(settings: Settings) -> MasterKey:
    if settings.master_key is not None:
        return MasterKey(settings.master_key.get_secret_value().encode())
    path = settings.data_dir / MASTER_KEY_FILE
    if not path.is_file():
        raise ApiError("CBC.99100603", detail="no {path}", params={"path": path})
    return load_or_create_master_key(None, settings.data_dir)


def open_context(settings: Settings | None = None) -> AppContext:
    """The context of a command that uses what ``db upgrade`` made; CBC.9910060x when it is not there."""
    settings = settings or load_settings()
    engine = open_engine(settings)
    try:
        master_key = existing_master_key(settings)
    except BaseException:
        engine.dispose()
        raise
    return AppContext(
        settings=settings, engine=engine, sessions=make_sessionmaker(engine), master_key=master_key
    )


def initialise(settings: Settings) -> str | None:
    """``db upgrade``: create the data directory, the database and the master key as needed; migrate.

    A database that already holds partnerhub's schema never gets a new master key: its sealed secrets
    could not be opened with it (CBC.99100603 instead).
    """
    url = settings.resolved_database_url()
    path = sqlite_file(url)
    if path is not None:
        private_dir(path.parent)
    engine = make_engine(
        url, busy_timeout_seconds=settings.sqlite_busy_timeout_seconds, statement_timeout_ms=None
    )
    try:
        revision = schema_revision(engine)
    finally:
        engine.dispose()
    has_key = settings.master_key is not None or (settings.data_dir / MASTER_KEY_FILE).is_file()
    if not has_key and revision is not None:
        raise ApiError(
            "CBC.99100603",
            detail="the database is already migrated but {path} is missing",
            params={"path": settings.data_dir / MASTER_KEY_FILE},
        )
    migrate.upgrade(url)
    if not has_key:
        load_or_create_master_key(None, settings.data_dir)
    return migrate.head_revision()


@contextmanager
def guarded(as_json: bool = False) -> Iterator[None]:
    """Expected failures of a command (registered codes, a lost database) as one line, exit 2."""
    try:
        yield
    except ApiError as exc:
        fail(exc, as_json)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        fail(ApiError("CBC.99100602", detail="{reason}", params={"reason": reason}), as_json)


@contextmanager
def transaction(as_json: bool = False) -> Iterator[tuple[Session, AppContext]]:
    """One transaction on the existing database: committed when the block succeeds."""
    with guarded(as_json):
        ctx = open_context()
        try:
            with session_scope(ctx.sessions) as session:
                yield session, ctx
        finally:
            ctx.engine.dispose()
