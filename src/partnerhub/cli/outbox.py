"""``partnerhub outbox list``: what the development ``outbox`` senders kept, codes included."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from partnerhub.cli.common import JsonFlag, emit, transaction
from partnerhub.kit.clock import format_utc
from partnerhub.verification.outbox import list_messages

outbox_app = typer.Typer(help="Messages sent by the verification-code senders.", no_args_is_help=True)


@outbox_app.command("list")
def outbox_list(
    to: Annotated[str | None, typer.Option("--to", help="Only messages to this mobile or e-mail.")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the newest N messages.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List sent messages, oldest first. Only the development outbox sender keeps the code."""
    with transaction(as_json) as (session, ctx):
        entries = list_messages(session, ctx, to=to, limit=limit)
    rows: list[dict[str, Any]] = []
    for entry in entries:
        row: dict[str, Any] = {
            "to": entry.to,
            "channel": entry.channel,
            "scene": entry.scene,
            "sender": entry.sender,
            "language": entry.language,
            "body": entry.body,
            "created_at": format_utc(entry.created_at),
        }
        if entry.code is not None:
            row["code"] = entry.code
        rows.append(row)
    text = "\n".join(f"{r['created_at']}  {r['channel']:<5} {r['to']:<24} {r['body']}" for r in rows)
    emit(rows, as_json, text or "no messages")
