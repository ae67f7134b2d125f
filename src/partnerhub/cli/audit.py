"""``partnerhub audit verify``: recompute the per-partner audit hash chains."""

from __future__ import annotations

import typer

from partnerhub.audit.verify import verify_audit
from partnerhub.cli.common import JsonFlag, emit, transaction

audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(as_json: JsonFlag = False) -> None:
    """Recompute every partner's audit hash chain. Exit 1 naming the first broken event if one is broken."""
    with transaction(as_json) as (session, _):
        report = verify_audit(session)
    lines = [f"{'ok' if report.ok else 'FAILED'}: {report.events} events in {report.chains} chains"]
    lines += [
        f"  broken at event {p['event_id']} (partner {p['partner_id']}): {p['problem']}"
        for p in report.problems
    ]
    emit(report.as_dict(), as_json, "\n".join(lines))
    if not report.ok:
        raise typer.Exit(1)
