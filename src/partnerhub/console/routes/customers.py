"""Customers: the list (the API's filters, masked data, eye button), CSV export, detail, reveal, create."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse, Response

from partnerhub.console import stepup
from partnerhub.console.actions import Review, run_sensitive
from partnerhub.console.listing import (
    csv_response,
    customer_row,
    day,
    day_range,
    export_url,
    offset_of,
    page_info,
    pages_of,
)
from partnerhub.console.web import PAGES, PREFIX, CheckedForm, CurrentUser, client_ip, translator
from partnerhub.coupons.listing import list_issued_coupons
from partnerhub.coupons.schemas import ListIssuedCouponsQuery
from partnerhub.customers.listing import customer_information, list_customers
from partnerhub.customers.reveal import RevealCustomerRequest, reveal_customer_field
from partnerhub.customers.schemas import CustomerInformation, ListCustomersRequest
from partnerhub.errors import ApiError
from partnerhub.funding.queries import Page, adjust_records, customer_balances
from partnerhub.http.deps import Context, DbSession

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=64)]
REVEALABLE = {"telephone", "email"}


@dataclass(frozen=True)
class CustomerFilters:
    account_name: str
    association_type: str
    associated_from: str
    associated_to: str

    def params(self) -> dict[str, str]:
        return {
            "account_name": self.account_name,
            "association_type": self.association_type,
            "from": self.associated_from,
            "to": self.associated_to,
        }

    def request(self, *, offset: int, limit: int) -> ListCustomersRequest:
        """The API's list request for these filters (so every rule and message is the API's)."""
        begin, end = day_range(day(self.associated_from, "from"), day(self.associated_to, "to"))
        return ListCustomersRequest(
            account_name=self.account_name or None,
            association_type=self.association_type or None,
            associated_on_begin=begin,
            associated_on_end=end,
            offset=offset,
            limit=limit,
        )


def _filters(
    account_name: str | None, association_type: str | None, begin: str | None, end: str | None
) -> CustomerFilters:
    return CustomerFilters(account_name or "", association_type or "", begin or "", end or "")


@router.get("/customers")
def customers_page(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    ctx: Context,
    account_name: Text = None,
    association_type: Text = None,
    associated_from: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    associated_to: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    offset: Annotated[str | None, Query(max_length=12)] = None,
) -> Response:
    tr = translator(request)
    filters = _filters(account_name, association_type, associated_from, associated_to)
    limit = ctx.settings.console_page_size
    rows: list[CustomerInformation] = []
    total, start, error = 0, 0, None
    try:
        start = offset_of(offset)
        page = list_customers(session, user.principal, filters.request(offset=start, limit=limit))
        rows = [customer_information(row) for row in page.rows]
        total = page.count
    except ApiError as exc:
        error = tr.error(exc)
    return PAGES.render(
        request,
        "customers/list.html",
        {
            "rows": rows,
            "filters": filters,
            "error": error,
            "page": page_info(
                f"{PREFIX}/customers", filters.params(), offset=start, limit=limit, total=total
            ),
            "export": export_url(f"{PREFIX}/customers/export.csv", filters.params()),
            "export_cap": ctx.settings.console_export_max_rows,
            "batch_max": ctx.settings.batch_funding_max_items,
        },
        status=400 if error else 200,
    )


@router.get("/customers/export.csv")
def export_customers(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    ctx: Context,
    account_name: Text = None,
    association_type: Text = None,
    associated_from: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    associated_to: Annotated[str | None, Query(alias="to", max_length=10)] = None,
) -> Response:
    """The current filter as CSV, personal data masked exactly as on screen."""
    tr = translator(request)
    filters = _filters(account_name, association_type, associated_from, associated_to)

    def fetch(offset: int, limit: int) -> tuple[int, list[CustomerInformation]]:
        page = list_customers(session, user.principal, filters.request(offset=offset, limit=limit))
        return page.count, [customer_information(row) for row in page.rows]

    rows = list(pages_of(fetch, maximum=ctx.settings.console_export_max_rows))
    header = [
        tr.gettext("Login name"),
        tr.gettext("Customer ID"),
        tr.gettext("Mobile"),
        tr.gettext("E-mail"),
        tr.gettext("Association type"),
        tr.gettext("Associated on (UTC)"),
        tr.gettext("Frozen"),
    ]
    return csv_response(
        "customers.csv",
        header,
        (
            [
                info.account_name,
                info.customer_id,
                info.telephone,
                info.email,
                info.association_type,
                info.associated_on,
                info.is_frozen,
            ]
            for info in rows
            if isinstance(info, CustomerInformation)
        ),
    )


@router.get("/customers/{customer_id}")
def customer_detail(
    request: Request, customer_id: str, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    row = customer_row(session, user.principal, customer_id)
    if row is None:
        raise ApiError("CBC.99000035", field="customer_id")
    info = customer_information(row)
    balances = customer_balances(session, user.principal, [customer_id], None)
    coupons = list_issued_coupons(
        session, ctx.clock.now(), user.partner_id, ListIssuedCouponsQuery(customer_id=customer_id, limit=50)
    )
    total, history = adjust_records(
        session,
        user.principal,
        indirect_partner_id=None,
        customer_id=customer_id,
        operation_type=None,
        begin=None,
        end=None,
        trans_id=None,
        page=Page(0, 50),
    )
    return PAGES.render(
        request,
        "customers/detail.html",
        {
            "info": info,
            "balance": balances[0]["amount"] if balances else None,
            "coupons": coupons["user_coupons"],
            "coupon_total": coupons["total_count"],
            "history": history,
            "history_total": total,
        },
    )


@router.post("/customers/reveal")
def reveal(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    """The eye button: the full value through the audited reveal service (never in a URL, never cached)."""
    tr = translator(request)
    customer_id, field = form.text("customer_id"), form.text("field")
    if field not in REVEALABLE:
        raise ApiError("CBC.0100", field="field")
    reveal_request = RevealCustomerRequest(customer_id=customer_id, field=field, reason="console")
    if "application/json" in request.headers.get("accept", ""):
        if stepup.needed(session, ctx, user.partner_id):
            return JSONResponse({"step_up": True})
        try:
            value = reveal_customer_field(
                session, ctx, user.principal, reveal_request, ip=client_ip(request)
            ).value
        except ApiError as exc:
            return JSONResponse(
                {"error_code": exc.code, "error_msg": tr.error(exc)},
                status_code=exc.status,
                headers=exc.headers,
            )
        return JSONResponse({"value": value})
    row = customer_row(session, user.principal, customer_id)
    if row is None:
        raise ApiError("CBC.99000035", field="customer_id")
    what = tr.gettext("mobile number") if field == "telephone" else tr.gettext("e-mail")
    review = Review(
        operation=stepup.Sensitive.REVEAL,
        title=tr.gettext("Reveal personal data"),
        question=tr.gettext(
            "Show the full %(what)s of %(login)s?", what=what, login=row.customer.domain_name
        ),
        action=f"{PREFIX}/customers/reveal",
        cancel=f"{PREFIX}/customers",
        summary=[(tr.gettext("Customer"), row.customer.domain_name)],
        fields=[("customer_id", customer_id), ("field", field)],
        confirm_label=tr.gettext("Show"),
    )

    def execute() -> Response:
        result = reveal_customer_field(session, ctx, user.principal, reveal_request, ip=client_ip(request))
        return PAGES.render(
            request,
            "customers/revealed.html",
            {
                "login": row.customer.domain_name,
                "what": what,
                "value": result.value,
                "customer_id": customer_id,
            },
        )

    return run_sensitive(request, session, ctx, user, form, review, execute)
