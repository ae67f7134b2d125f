"""``partnerhub realname pending|review``: manual review of ID-document real-name applications."""

from __future__ import annotations

from typing import Annotated

import typer

from partnerhub.cli.common import JsonFlag, emit, transaction
from partnerhub.kit.clock import format_utc
from partnerhub.realname.service import decide_review, pending_reviews

realname_app = typer.Typer(help="Real-name authentication reviews.", no_args_is_help=True)


@realname_app.command("pending")
def realname_pending(as_json: JsonFlag = False) -> None:
    """Applications waiting for manual review (name and number masked)."""
    with transaction(as_json) as (session, ctx):
        rows = [
            {
                "customer_id": p.customer_id,
                "partner_id": p.partner_id,
                "identify_type": p.identify_type,
                "verified_type": p.verified_type,
                "name": p.name,
                "verified_number": p.verified_number,
                "attachments": p.attachments,
                "submitted_at": format_utc(p.submitted_at),
            }
            for p in pending_reviews(session, ctx)
        ]
    text = "\n".join(
        f"{r['submitted_at']}  {r['customer_id']}  type {r['verified_type']}  {r['name']}" for r in rows
    )
    emit(rows, as_json, text or "nothing to review")


@realname_app.command("review")
def realname_review(
    customer: Annotated[str, typer.Option(help="The customer id.")],
    approve: Annotated[bool, typer.Option("--approve/--reject", help="Approve or reject the application.")],
    opinion: Annotated[str | None, typer.Option(help="Review opinion (required to reject).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Decide the customer's real-name application that waits for manual review."""
    with transaction(as_json) as (session, ctx):
        state = decide_review(session, ctx, customer_id=customer, approve=approve, opinion=opinion)
    data = {"customer_id": customer, "review_result": state.review_result, "opinion": state.opinion}
    emit(data, as_json, f"{'approved' if approve else 'rejected'} the application of {customer}")
