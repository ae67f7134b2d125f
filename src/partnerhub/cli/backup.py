"""``partnerhub backup PATH`` and ``partnerhub restore PATH``: a consistent copy of the live database, and
bringing one back into an empty database (see docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from partnerhub.cli.common import JsonFlag, emit, guarded, load_settings, open_engine, safe_url
from partnerhub.ops.backup import backup as backup_database
from partnerhub.ops.backup import restore as restore_database

BackupPath = Annotated[Path, typer.Argument(help="The backup file.", dir_okay=False)]


def backup(path: BackupPath, as_json: JsonFlag = False) -> None:
    """Write a consistent copy of the live database to the new file PATH while writes go on.

    SQLite: the online backup API; PostgreSQL: pg_dump (custom format). The master key is not in it: keep
    master.key (or PARTNERHUB_MASTER_KEY) with the backup."""
    with guarded(as_json):
        settings = load_settings()
        url = settings.resolved_database_url()
        open_engine(settings).dispose()  # only a migrated partnerhub database is worth a backup
        result = backup_database(url, path)
    data = {
        "path": str(result.path),
        "engine": result.engine,
        "size_bytes": result.size_bytes,
        "database": safe_url(url),
    }
    emit(data, as_json, f"backed up {data['database']} to {result.path} ({result.size_bytes} bytes)")


def restore(path: BackupPath, as_json: JsonFlag = False) -> None:
    """Bring the backup PATH into the configured database, which must be empty (CBC.99100503 otherwise).

    Run `partnerhub db upgrade` afterwards when this version is newer than the backup's."""
    with guarded(as_json):
        settings = load_settings()
        url = settings.resolved_database_url()
        engine = restore_database(url, path)
    data = {"path": str(path), "engine": engine, "database": safe_url(url)}
    emit(data, as_json, f"restored {path} into {data['database']}")
