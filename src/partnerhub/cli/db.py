"""``partnerhub db upgrade``: the one command that creates a database and a master key."""

from __future__ import annotations

import typer

from partnerhub.cli.common import JsonFlag, emit, guarded, initialise, load_settings, safe_url

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(as_json: JsonFlag = False) -> None:
    """Create the data directory, database and master key if needed, then apply every pending migration."""
    with guarded(as_json):
        settings = load_settings()
        revision = initialise(settings)
    data = {
        "revision": revision,
        "database": safe_url(settings.resolved_database_url()),
        "data_dir": str(settings.data_dir),
    }
    emit(data, as_json, f"database at {revision} ({data['database']})")
