"""Exact list counts over time windows without counting every row (issue 12).

``list_day_counts`` holds how many rows of a list each partner has per UTC day of the list's time column;
database triggers keep it in the writer's own transaction (migration 20261202_0012). A count over a window
is the sum of the whole days inside it (a primary-key range of ``list_day_counts``) plus index-range counts
of the partial days at its edges, all in one statement: the cost is one row per day of the partner's list
plus the rows of at most two partial days, not the rows of the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import BigInteger, ColumnElement, Integer, SQLColumnExpression, String, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from partnerhub.db.base import Base, UTCDateTime

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
NULL_DAY = -(2**31)
"""The bucket of rows whose time column is NULL: below every window, inside only an unbounded count."""


class Listing(StrEnum):
    """Which list a ``list_day_counts`` row counts, and by which column's day (migration 20261202_0012)."""

    COUPONS = "coupons"
    """``coupons`` by ``partner_id`` and the day of ``expire_time``."""
    COUPON_RECORDS = "coupon_records"
    """``coupon_records`` by ``partner_id`` and the day of ``operation_time``."""
    ASSOCIATION_RECORDS = "association_records"
    """``association_records`` by ``partner_id`` and the day of ``operate_time``."""
    RESELLERS = "resellers"
    """``partners`` by ``parent_id`` (the distributor) and the day of ``associated_on``."""


class ListDayCount(Base):
    """How many rows of a list a partner has per UTC day (days since 1970-01-01 of its time column)."""

    __tablename__ = "list_day_counts"

    partner_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    listing: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entries: Mapped[int] = mapped_column(BigInteger, default=0)


class _Unindexed(GenericFunction[datetime]):
    inherit_cache = True


@compiles(_Unindexed)
def _unindexed(element: _Unindexed, compiler: SQLCompiler, **kw: object) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(_Unindexed, "sqlite")
def _unindexed_sqlite(element: _Unindexed, compiler: SQLCompiler, **kw: object) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def unindexed(column: SQLColumnExpression[datetime]) -> ColumnElement[datetime]:
    """The column, kept off indexes by SQLite's planner (``+column``): a list's page walks its listing
    index in order instead of seeking the time column's window on an index whose order the page would then
    sort. Elsewhere the column itself."""
    return _Unindexed(column, type_=UTCDateTime())


def day_of(moment: datetime) -> int:
    """The UTC day of ``moment``, floored, as the triggers compute it."""
    return (moment.astimezone(UTC) - EPOCH) // DAY


def midnight(day: int) -> datetime:
    return EPOCH + day * DAY


@dataclass(frozen=True)
class Window:
    """``begin <= column <= end`` (``column < end`` when ``end_exclusive``); None: unbounded."""

    begin: datetime | None = None
    end: datetime | None = None
    end_exclusive: bool = False


def windowed_count(
    session: Session,
    listing: Listing,
    partner_id: str,
    *,
    partner_column: SQLColumnExpression[str | None],
    column: SQLColumnExpression[datetime | None],
    window: Window,
) -> int:
    """Exact count of the partner's rows of ``listing`` whose ``column`` is inside ``window``."""
    first = None if window.begin is None else -(-(window.begin - EPOCH) // DAY)  # ceiling: first whole day
    last = None if window.end is None else day_of(window.end)  # whole days end before this one
    if first is not None and last is not None and first >= last:
        return int(session.scalar(select(_count(partner_column, partner_id, column, window))) or 0)
    buckets = [ListDayCount.partner_id == partner_id, ListDayCount.listing == listing.value]
    if first is not None:
        buckets.append(ListDayCount.day >= first)
    elif last is not None:
        buckets.append(ListDayCount.day > NULL_DAY)
    if last is not None:
        buckets.append(ListDayCount.day < last)
    parts: list[ColumnElement[int]] = [
        select(func.coalesce(func.sum(ListDayCount.entries), 0)).where(*buckets).scalar_subquery()
    ]
    if first is not None and window.begin is not None and window.begin < midnight(first):
        edge = Window(window.begin, midnight(first), end_exclusive=True)
        parts.append(_count(partner_column, partner_id, column, edge))
    if last is not None and window.end is not None:
        edge = Window(midnight(last), window.end, window.end_exclusive)
        parts.append(_count(partner_column, partner_id, column, edge))
    total: ColumnElement[int] = parts[0]
    for part in parts[1:]:
        total = total + part
    return int(session.scalar(select(total)) or 0)


def _conditions(
    partner_column: SQLColumnExpression[str | None],
    partner_id: str,
    column: SQLColumnExpression[datetime | None],
    window: Window,
) -> list[ColumnElement[bool]]:
    conditions = [partner_column == partner_id]
    if window.begin is not None:
        conditions.append(column >= window.begin)
    if window.end is not None:
        conditions.append(column < window.end if window.end_exclusive else column <= window.end)
    return conditions


def _count(
    partner_column: SQLColumnExpression[str | None],
    partner_id: str,
    column: SQLColumnExpression[datetime | None],
    window: Window,
) -> ColumnElement[int]:
    return (
        select(func.count()).where(*_conditions(partner_column, partner_id, column, window)).scalar_subquery()
    )
