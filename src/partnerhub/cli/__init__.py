"""The operator CLI, ``partnerhub``: one module per command group, shared helpers in ``common``.

Every command runs in one transaction, finds its data the same way from any folder (``PARTNERHUB_DATA_DIR``,
else the platform's user data directory), takes ``--json`` and answers an expected failure with one line
naming a ``CBC.*`` code (exit 2).
"""

from __future__ import annotations

from typing import Annotated

import typer

from partnerhub import __version__
from partnerhub.cli.audit import audit_app
from partnerhub.cli.backup import backup, restore
from partnerhub.cli.customer import customer_app
from partnerhub.cli.db import db_app
from partnerhub.cli.demo import demo
from partnerhub.cli.expire import expire_command
from partnerhub.cli.idempotency import idempotency_app
from partnerhub.cli.key import key_app
from partnerhub.cli.ledger import ledger_app
from partnerhub.cli.outbox import outbox_app
from partnerhub.cli.partner import partner_app
from partnerhub.cli.quota import quota_app
from partnerhub.cli.realname import realname_app
from partnerhub.cli.serve import serve
from partnerhub.cli.topup import topup
from partnerhub.cli.usage import usage_app

# No locals in an unexpected traceback: they could hold a password or a secret key.
app = typer.Typer(
    help="partnerhub operator commands.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"partnerhub {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """partnerhub operator commands. Data: PARTNERHUB_DATA_DIR, else the user data directory."""


for name, group in (
    ("db", db_app),
    ("partner", partner_app),
    ("key", key_app),
    ("customer", customer_app),
    ("quota", quota_app),
    ("usage", usage_app),
    ("ledger", ledger_app),
    ("idempotency", idempotency_app),
    ("outbox", outbox_app),
    ("realname", realname_app),
    ("audit", audit_app),
):
    app.add_typer(group, name=name)
app.command()(serve)
app.command()(demo)
app.command()(topup)
app.command("expire")(expire_command)
app.command()(backup)
app.command()(restore)


def main() -> None:
    app(prog_name="partnerhub")
