"""The dashboard's figures: balances, customer count, the last 30 days as a chart, recent audit events.

Everything comes from the services the API uses (cash balance, quota list, customer list, audit log); the
daily totals are the one console-only query (``DashboardRepository``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.audit.service import event_view, partner_events
from partnerhub.console.formatting import china_today, money
from partnerhub.console.repository import DashboardRepository
from partnerhub.console.web import ConsoleUser
from partnerhub.context import AppContext
from partnerhub.customers.listing import list_customers
from partnerhub.customers.schemas import ListCustomersRequest
from partnerhub.funding.queries import CHINA_TIME, partner_balances
from partnerhub.kit.money import to_decimal
from partnerhub.ledger.accounts import partner_cash
from partnerhub.quotas.listing import list_quotas
from partnerhub.quotas.schemas import ListQuotaCouponsRequest

DAYS = 30
SERIES = ("funding", "reclaim", "vouchers")
WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 8, 10, 28


@dataclass(frozen=True)
class Bar:
    series: str
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass
class Chart:
    days: list[date]
    totals: dict[str, list[int]]
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    """(y, label) of the horizontal grid lines."""
    day_labels: list[tuple[float, str]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM

    def sum(self, series: str) -> Decimal:
        return to_decimal(sum(self.totals[series]))


def last_days(session: Session, ctx: AppContext, partner_id: str) -> Chart:
    today = china_today(ctx.clock.now())
    days = [today - timedelta(days=DAYS - 1 - offset) for offset in range(DAYS)]
    since = datetime.combine(days[0], time(0), tzinfo=CHINA_TIME)
    index = {day.isoformat(): position for position, day in enumerate(days)}
    totals = {series: [0] * DAYS for series in SERIES}
    repository = DashboardRepository(session)
    for day, series, amount in repository.daily_transfers(partner_cash(partner_id).id, since=since):
        if day in index:
            totals[series][index[day]] += amount
    for day, amount in repository.daily_vouchers_issued(partner_id, since=since):
        if day in index:
            totals["vouchers"][index[day]] += amount
    chart = Chart(days=days, totals=totals)
    _lay_out(chart)
    return chart


def _nice_ceiling(value: int) -> int:
    """A round top for the y axis (minor units): 1, 2, 5 × a power of ten, at least 100.00."""
    top = max(value, 10_000)
    magnitude = 1
    while magnitude * 10 <= top:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= top:
            return step * magnitude
    return 10 * magnitude


def _lay_out(chart: Chart) -> None:
    top_value = _nice_ceiling(max(max(values) for values in chart.totals.values()))
    plot_height = chart.baseline - TOP
    slot = (chart.right_edge - chart.left) / DAYS
    bar_width = slot * 0.26
    for tick in range(5):
        value = top_value * tick // 4
        y = chart.baseline - plot_height * tick / 4
        chart.ticks.append((round(y, 1), f"{to_decimal(value):,.0f}"))
    for position, day in enumerate(chart.days):
        x0 = chart.left + slot * position + slot * 0.11
        for series_index, series in enumerate(SERIES):
            amount = chart.totals[series][position]
            height = plot_height * amount / top_value if amount else 0.0
            chart.bars.append(
                Bar(
                    series=series,
                    x=round(x0 + bar_width * series_index, 2),
                    y=round(chart.baseline - height, 2),
                    width=round(bar_width, 2),
                    height=round(height, 2),
                    title=f"{day.isoformat()} {money(amount)}",
                )
            )
        if position % 5 == 4 or position == 0:
            chart.day_labels.append((round(chart.left + slot * (position + 0.5), 1), day.strftime("%m-%d")))


def overview(session: Session, ctx: AppContext, user: ConsoleUser) -> dict[str, Any]:
    principal = user.principal
    now = ctx.clock.now()
    cash = partner_balances(session, principal, None)[0]["amount"]
    quotas = list_quotas(
        session, now, user.partner_id, ListQuotaCouponsRequest(quota_status_list=[0], limit=100)
    )
    customers = list_customers(session, principal, ListCustomersRequest(limit=1)).count
    events, _ = partner_events(session, user.partner_id, action=None, offset=0, limit=8)
    return {
        "cash": cash,
        "quotas": quotas["quotas"],
        "quota_total": sum((quota["balance"] for quota in quotas["quotas"]), Decimal(0)),
        "customers": customers,
        "chart": last_days(session, ctx, user.partner_id),
        "events": [event_view(event) for event in events],
    }
