"""``partnerhub idempotency purge``: forget old ``X-Client-Token`` keys."""

from __future__ import annotations

from datetime import timedelta

import typer

from partnerhub.cli.common import JsonFlag, emit, transaction
from partnerhub.idempotency.service import purge_expired

idempotency_app = typer.Typer(help="Idempotency keys of money-moving requests.", no_args_is_help=True)


@idempotency_app.command("purge")
def idempotency_purge(as_json: JsonFlag = False) -> None:
    """Delete idempotency keys older than PARTNERHUB_IDEMPOTENCY_RETENTION_HOURS (run it from cron)."""
    with transaction(as_json) as (session, ctx):
        hours = ctx.settings.idempotency_retention_hours
        removed = purge_expired(session, now=ctx.clock.now(), retention=timedelta(hours=hours))
    data = {"purged": removed, "retention_hours": hours}
    emit(data, as_json, f"purged {removed} keys older than {hours} h")
