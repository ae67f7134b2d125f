"""``partnerhub customer list``: a partner's customers as its API lists them (personal data masked)."""

from __future__ import annotations

from typing import Annotated

import typer

from partnerhub.auth.principals import Principal, SubjectKind
from partnerhub.cli.common import JsonFlag, emit, transaction
from partnerhub.customers.listing import customer_information, list_customers
from partnerhub.customers.schemas import ListCustomersRequest
from partnerhub.partners.service import get_partner

customer_app = typer.Typer(help="Customers of a partner.", no_args_is_help=True)


@customer_app.command("list")
def customer_list(
    partner: Annotated[str, typer.Option(help="Partner id whose customers to list.")],
    login: Annotated[str | None, typer.Option(help="Login name contains this.")] = None,
    reseller: Annotated[
        str | None, typer.Option(help="A distributor's reseller whose customers to list instead.")
    ] = None,
    offset: Annotated[int, typer.Option(help="0-based offset.")] = 0,
    limit: Annotated[int, typer.Option(help="Page size, 1-100.")] = 100,
    as_json: JsonFlag = False,
) -> None:
    """The partner's customers, newest first, with the same filters, paging and masking as the API (A.4)."""
    with transaction(as_json) as (session, _):
        owner = get_partner(session, partner)
        # The operator reads as the partner would: the API's own rules decide what is listed and masked.
        as_partner = Principal(SubjectKind.PARTNER, owner.id, owner.kind, rate_key="cli")
        page = list_customers(
            session,
            as_partner,
            ListCustomersRequest(
                account_name=login, offset=offset, limit=limit, indirect_partner_id=reseller
            ),
        )
        rows = [customer_information(row).model_dump() for row in page.rows]
    data = {"total_count": page.count, "customers": rows}
    text = "\n".join(
        f"{r['customer_id']}  {r['account_name']:<24} {r['telephone'] or '-':<12} "
        f"xaccount {r['xaccount_type']}/{r['xaccount_id']}"
        for r in rows
    )
    emit(data, as_json, f"{text}\n{page.count} customer(s)" if rows else f"no customers ({page.count})")
