"""``partnerhub ledger verify``: check the double-entry books."""

from __future__ import annotations

import json

import typer

from partnerhub.cli.common import JsonFlag, emit, transaction
from partnerhub.ledger.verify import verify_ledger

ledger_app = typer.Typer(help="The double-entry ledger.", no_args_is_help=True)


@ledger_app.command("verify")
def ledger_verify(as_json: JsonFlag = False) -> None:
    """Check the books: each asset sums to zero, each balance equals its transfers. Exit 1 if not.

    A database that cannot be opened is not "broken books": it answers one CBC line and exit 2."""
    with transaction(as_json) as (session, _):
        report = verify_ledger(session)
    data = report.as_dict()
    lines = [f"{'ok' if report.ok else 'FAILED'}: {report.accounts} accounts, {report.transfers} transfers"]
    lines += [f"  {asset} sums to {total}" for asset, total in sorted(report.asset_sums.items())]
    lines += [f"  problem: {json.dumps(problem, ensure_ascii=False)}" for problem in report.problems]
    emit(data, as_json, "\n".join(lines))
    if not report.ok:
        raise typer.Exit(1)
