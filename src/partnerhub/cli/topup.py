"""``partnerhub topup``: platform cash → a partner's cash account."""

from __future__ import annotations

from typing import Annotated

import typer

from partnerhub.cli.common import JsonFlag, emit, transaction
from partnerhub.funding.service import topup as topup_partner
from partnerhub.kit.money import parse_amount, to_text


def topup(
    partner: Annotated[str, typer.Option(help="Partner id.")],
    amount: Annotated[str, typer.Option(help="Yuan, > 0, at most 2 decimals, e.g. 1000.00.")],
    as_json: JsonFlag = False,
) -> None:
    """Credit a partner's cash account from the platform (platform:cash → partner cash)."""
    with transaction(as_json) as (session, ctx):
        minor = parse_amount(amount, "amount", maximum=ctx.settings.max_amount)
        moved = topup_partner(session, ctx, partner_id=partner, amount_minor=minor)
        data = {
            "transaction_id": moved.transaction_id,
            "partner_id": partner,
            "amount": to_text(minor),
            "balance": to_text(moved.credit_balance_after),
            "currency": "CNY",
        }
    emit(
        data,
        as_json,
        f"topped up {partner} by {data['amount']} CNY; balance {data['balance']} ({data['transaction_id']})",
    )
