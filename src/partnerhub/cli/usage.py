"""``partnerhub usage record``: a customer spends (vouchers first, then partner-funded cash)."""

from __future__ import annotations

from typing import Annotated

import typer

from partnerhub.cli.common import JsonFlag, emit, transaction
from partnerhub.coupons.usage import record_usage
from partnerhub.kit.money import parse_amount, to_text

usage_app = typer.Typer(
    help="Customer spending (vouchers first, then partner-funded cash).", no_args_is_help=True
)


@usage_app.command("record")
def usage_record(
    customer: Annotated[str, typer.Option(help="Customer id.")],
    amount: Annotated[str, typer.Option(help="Yuan, > 0, at most 2 decimals.")],
    service_type: Annotated[str | None, typer.Option(help="Cloud service type code of the charge.")] = None,
    product_id: Annotated[str | None, typer.Option(help="Product id of the charge.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Charge a customer: matching usable coupons first (earliest expiry first), then partner-funded cash.
    A charge they cannot cover is refused whole."""
    with transaction(as_json) as (session, ctx):
        minor = parse_amount(amount, "amount", maximum=ctx.settings.max_amount)
        usage = record_usage(
            session, ctx.clock.now(), customer, minor, service_type=service_type, product_id=product_id
        )
    data = {
        "usage_id": usage.usage_id,
        "customer_id": customer,
        "amount": to_text(minor),
        "coupons": [{"coupon_id": coupon_id, "amount": to_text(taken)} for coupon_id, taken in usage.coupons],
        "cash": to_text(usage.cash_minor),
    }
    emit(
        data,
        as_json,
        f"charged {customer} {data['amount']} CNY: {len(usage.coupons)} coupon(s), {data['cash']} cash",
    )
