"""Records: adjust records (A.9), account changes with income / expense (A.11), audit events — each filtered,
paged and exportable as CSV, through the same query services as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from partnerhub.audit.service import event_view, partner_events
from partnerhub.console.listing import (
    csv_response,
    day,
    day_range,
    export_url,
    offset_of,
    page_info,
    pages_of,
)
from partnerhub.console.web import PAGES, PREFIX, CurrentUser, translator
from partnerhub.errors import ApiError
from partnerhub.funding.queries import Page, account_changes, adjust_records
from partnerhub.http.deps import Context, DbSession

router = APIRouter(include_in_schema=False)
Small = Annotated[str | None, Query(max_length=64)]
DayParam = Annotated[str | None, Query(max_length=10)]
Fetch = Callable[[int, int], tuple[int, list[dict[str, Any]]]]


def _list_page(
    request: Request,
    template: str,
    base: str,
    params: dict[str, str],
    fetch: Fetch,
    *,
    limit: int,
    offset: str | None,
    extra: dict[str, Any] | None = None,
) -> Response:
    tr = translator(request)
    rows: list[dict[str, Any]] = []
    total, start, error = 0, 0, None
    try:
        start = offset_of(offset)
        total, rows = fetch(start, limit)
    except ApiError as exc:
        error = tr.error(exc)
    return PAGES.render(
        request,
        template,
        {
            "rows": rows,
            "filters": params,
            "error": error,
            "page": page_info(base, params, offset=start, limit=limit, total=total),
            "export": export_url(base, {**params, "export": "1"}),
            **(extra or {}),
        },
        status=400 if error else 200,
    )


def _export_rows(fetch: Fetch, maximum: int) -> list[dict[str, Any]]:
    return [row for row in pages_of(fetch, maximum=maximum) if isinstance(row, dict)]


@router.get("/records")
def adjust_records_page(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    ctx: Context,
    operation: Small = None,
    customer_id: Small = None,
    begin: DayParam = None,
    end: DayParam = None,
    offset: Small = None,
    export: Small = None,
) -> Response:
    tr = translator(request)
    params = {
        "operation": operation or "",
        "customer_id": customer_id or "",
        "begin": begin or "",
        "end": end or "",
    }

    def fetch(start: int, size: int) -> tuple[int, list[dict[str, Any]]]:
        low, high = day_range(day(begin, "begin"), day(end, "end"))
        return adjust_records(
            session,
            user.principal,
            indirect_partner_id=None,
            customer_id=customer_id or None,
            operation_type=operation or None,
            begin=low,
            end=high,
            trans_id=None,
            page=Page(start, size),
        )

    if export:
        rows = _export_rows(fetch, ctx.settings.console_export_max_rows)
        return csv_response(
            "adjust-records.csv",
            [
                tr.gettext("Time (UTC)"),
                tr.gettext("Operation"),
                tr.gettext("Counterparty"),
                tr.gettext("Counterparty ID"),
                tr.gettext("Amount"),
                tr.gettext("Currency"),
                tr.gettext("Transfer"),
            ],
            (
                [
                    row["operation_time"],
                    row["operation_type"],
                    row.get("customer_name"),
                    row["customer_id"],
                    row["amount"],
                    row["currency"],
                    row["trans_id"],
                ]
                for row in rows
            ),
        )
    return _list_page(
        request,
        "records/adjust.html",
        f"{PREFIX}/records",
        params,
        fetch,
        limit=ctx.settings.console_page_size,
        offset=offset,
    )


@router.get("/records/changes")
def account_changes_page(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    ctx: Context,
    trade_type: Small = None,
    begin: DayParam = None,
    end: DayParam = None,
    offset: Small = None,
    export: Small = None,
) -> Response:
    tr = translator(request)
    params = {"trade_type": trade_type or "", "begin": begin or "", "end": end or ""}

    def fetch(start: int, size: int) -> tuple[int, list[dict[str, Any]]]:
        return account_changes(
            session,
            user.principal,
            ctx.clock,
            indirect_partner_id=None,
            balance_type="BALANCE_TYPE_DEBIT",
            trade_type=trade_type or None,
            begin=begin or None,
            end=end or None,
            page=Page(start, size),
        )

    if export:
        rows = _export_rows(fetch, ctx.settings.console_export_max_rows)
        return csv_response(
            "account-changes.csv",
            [
                tr.gettext("Time (UTC)"),
                tr.gettext("Trade type"),
                tr.gettext("Direction"),
                tr.gettext("Amount"),
                tr.gettext("Balance after"),
                tr.gettext("Currency"),
                tr.gettext("Counterparty"),
                tr.gettext("Trade ID"),
            ],
            (
                [
                    row["trade_time"],
                    row["trade_detail_type"],
                    tr.gettext("Income") if row["type"] == "1" else tr.gettext("Expense"),
                    row["change_amount"],
                    row["balance_after_change"],
                    "CNY",
                    row.get("account_name"),
                    row["trade_id"],
                ]
                for row in rows
            ),
        )
    return _list_page(
        request,
        "records/changes.html",
        f"{PREFIX}/records/changes",
        params,
        fetch,
        limit=ctx.settings.console_page_size,
        offset=offset,
    )


@router.get("/records/audit")
def audit_page(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    ctx: Context,
    action: Small = None,
    offset: Small = None,
    export: Small = None,
) -> Response:
    tr = translator(request)
    params = {"action": action or ""}

    def fetch(start: int, size: int) -> tuple[int, list[dict[str, Any]]]:
        events, total = partner_events(
            session, user.partner_id, action=action or None, offset=start, limit=size
        )
        return total, [event_view(event) for event in events]

    if export:
        rows = _export_rows(fetch, ctx.settings.console_export_max_rows)
        return csv_response(
            "audit-events.csv",
            [
                tr.gettext("Time (UTC)"),
                tr.gettext("Action"),
                tr.gettext("Actor"),
                tr.gettext("Target"),
                tr.gettext("Details"),
                tr.gettext("Request ID"),
                tr.gettext("IP"),
            ],
            (
                [
                    row["created_at"],
                    row["action"],
                    row["actor"],
                    f"{row['target_kind']}:{row['target_id']}",
                    row["details"],
                    row["request_id"],
                    row["ip"],
                ]
                for row in rows
            ),
        )
    return _list_page(
        request,
        "records/audit.html",
        f"{PREFIX}/records/audit",
        params,
        fetch,
        limit=ctx.settings.console_page_size,
        offset=offset,
    )
