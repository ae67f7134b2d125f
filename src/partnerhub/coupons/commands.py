"""Operator CLI: ``partnerhub usage record`` and ``partnerhub expire`` (registered in ``partnerhub.cli``)."""

from __future__ import annotations

from typing import Annotated

import typer

usage_app = typer.Typer(
    help="Customer spending (vouchers first, then partner-funded cash).", no_args_is_help=True
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


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
    from partnerhub.cli import (
        _emit,
        _transaction,
    )  # the CLI's helpers; imported late, cli imports this module
    from partnerhub.coupons.usage import record_usage
    from partnerhub.kit.money import parse_amount, to_text

    with _transaction() as (session, ctx):
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
    _emit(
        data,
        as_json,
        f"charged {customer} {data['amount']} CNY: {len(usage.coupons)} coupon(s), {data['cash']} cash",
    )


def expire_command(as_json: JsonFlag = False) -> None:
    """Expire what is past its expiry (business clock): quotas → invalid (3), coupons → expired (4), their
    remaining value returning to the platform; pending association requests → expired."""
    from partnerhub.associations.service import expire_requests
    from partnerhub.cli import _emit, _transaction
    from partnerhub.coupons.usage import expire_all
    from partnerhub.kit.money import to_text

    with _transaction() as (session, ctx):
        quotas, coupons = expire_all(session, ctx.clock.now())
        requests = expire_requests(session, ctx)
    data = {
        "quotas": [{"quota_id": moved.quota_id, "returned": to_text(moved.amount_minor)} for moved in quotas],
        "coupons": [
            {"coupon_id": item.coupon_id, "returned": to_text(item.amount_minor)} for item in coupons
        ],
        "association_requests": requests,
    }
    _emit(data, as_json, f"expired {len(quotas)} quota(s), {len(coupons)} coupon(s), {requests} request(s)")
