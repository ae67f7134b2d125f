"""What the console's lists share: paging links, date filters in UTC+8, CSV export, one customer's row."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from sqlalchemy.orm import Session
from starlette.responses import Response

from partnerhub.auth.principals import Principal
from partnerhub.console.formatting import day_end_utc, day_start_utc
from partnerhub.customers.listing import list_customers
from partnerhub.customers.repository import ListedCustomer
from partnerhub.customers.schemas import ListCustomersRequest
from partnerhub.errors import invalid

MAX_PAGE = 100


@dataclass(frozen=True)
class PageInfo:
    offset: int
    limit: int
    total: int
    base: str
    params: tuple[tuple[str, str], ...]

    def url(self, offset: int) -> str:
        query = [(key, value) for key, value in self.params if key != "offset" and value]
        if offset:
            query.append(("offset", str(offset)))
        return self.base + ("?" + urlencode(query) if query else "")


def page_info(base: str, params: dict[str, str], *, offset: int, limit: int, total: int) -> PageInfo:
    return PageInfo(offset, limit, total, base, tuple(params.items()))


def export_url(base: str, params: dict[str, str]) -> str:
    query = [(key, value) for key, value in params.items() if key != "offset" and value]
    return base + ("?" + urlencode(query) if query else "")


def offset_of(value: str | None) -> int:
    if not value:
        return 0
    if not value.isdigit():
        raise invalid("offset", "must be a whole number")
    return int(value)


def day(value: str | None, field: str) -> date | None:
    """A ``YYYY-MM-DD`` filter (a UTC+8 calendar day), or None."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(field, "use YYYY-MM-DD") from None


def day_range(begin: date | None, end: date | None) -> tuple[str | None, str | None]:
    """The API's inclusive UTC bounds for whole UTC+8 days."""
    return (day_start_utc(begin) if begin else None, day_end_utc(end) if end else None)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """A CSV download (UTF-8 with BOM so spreadsheet programs read Chinese text right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return Response(
        ("\ufeff" + buffer.getvalue()).encode(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula would run in a spreadsheet (CSV injection): make it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def pages_of(fetch: Callable[[int, int], tuple[int, Sequence[object]]], *, maximum: int) -> Iterable[object]:
    """Every row of a paged service call (``fetch(offset, limit) -> (total, rows)``), at most ``maximum``."""
    offset = 0
    while offset < maximum:
        total, rows = fetch(offset, min(MAX_PAGE, maximum - offset))
        yield from rows
        offset += len(rows)
        if not rows or offset >= total:
            return


def customer_row(session: Session, caller: Principal, customer_id: str) -> ListedCustomer | None:
    """The partner's customer, scoped as the customer list is (another's id: None, like a missing one)."""
    if not customer_id or len(customer_id) > 64:
        return None
    page = list_customers(session, caller, ListCustomersRequest(customer_id=customer_id, limit=1))
    return page.rows[0] if page.rows else None
