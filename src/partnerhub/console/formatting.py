"""How the console shows values: money with two decimals and its currency, times in UTC+8, statuses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from partnerhub.funding.queries import CHINA_TIME
from partnerhub.kit.clock import as_utc, format_utc, parse_utc
from partnerhub.kit.money import to_decimal

CURRENCY = "CNY"


def money(value: Decimal | int | str | None, currency: str = CURRENCY) -> str:
    """``Decimal("1234.5")`` → ``1,234.50 CNY``; an int is minor units; text is the API's ``"12.30"``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("not an amount")
    amount = to_decimal(value) if isinstance(value, int) else Decimal(value)
    return f"{amount:,.2f} {currency}"


def amount_text(value: Decimal | int | str) -> str:
    """The amount alone with two decimals (``1234.50``), for CSV cells and form defaults."""
    amount = to_decimal(value) if isinstance(value, int) else Decimal(value)
    return f"{amount:.2f}"


def local_time(value: datetime | str | None) -> str:
    """A UTC moment (or the API's ``…Z`` text) in UTC+8: ``2026-12-01 14:03:05``."""
    if value is None or value == "":
        return ""
    moment = parse_utc(value) if isinstance(value, str) else as_utc(value)
    return moment.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S")


def day_start_utc(day: date) -> str:
    """The API's UTC text for 00:00:00 of a UTC+8 calendar day."""
    return format_utc(datetime.combine(day, time(0), tzinfo=CHINA_TIME).astimezone(UTC))


def day_end_utc(day: date) -> str:
    """The API's UTC text for 23:59:59 of a UTC+8 calendar day (API end bounds are inclusive)."""
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=CHINA_TIME) - timedelta(seconds=1)
    return format_utc(end.astimezone(UTC))


def china_today(now: datetime) -> date:
    return now.astimezone(CHINA_TIME).date()
