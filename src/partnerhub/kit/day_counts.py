"""Exact list counts over time windows without counting every row (issue 12).

``list_day_counts`` holds how many rows of a list each partner has per UTC day of the list's time column;
database triggers keep it in the writer's own transaction (migration 20261202_0012). A count over a window
is the sum of the whole days inside it (a primary-key range of ``list_day_counts``) plus index-range counts
of the partial days at its edges, all in one statement: the cost is one row per day of the partner's list
plus the rows of at most two partial days, not the rows of the window. The same counts let a deep page of a
newest-first list skip whole days (``DayCounted.seek``).
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


SEEK_FROM = 1_000
"""Offsets below this walk the listing index; from here a page first skips whole days by their counts."""


@dataclass(frozen=True)
class Seek:
    """Where a newest-first page begins: ``offset`` rows into those with ``column < before``."""

    before: datetime | None
    """None: no bound, the page is ``offset`` rows into the whole list."""
    offset: int

    def bound(self, column: SQLColumnExpression[datetime | None]) -> list[ColumnElement[bool]]:
        return [] if self.before is None else [column < self.before]


@dataclass(frozen=True)
class DayCounted:
    """One partner's rows of ``listing`` whose ``column`` is inside ``window``: a list whose only filters are
    its partner and its time window, so ``list_day_counts`` counts it exactly."""

    listing: Listing
    partner_id: str
    partner_column: SQLColumnExpression[str | None]
    column: SQLColumnExpression[datetime | None]
    window: Window

    def count(self, session: Session) -> int:
        """Exact: the whole days' buckets plus index-range counts of the partial days at the edges."""
        first, last = _whole_days(self.window)
        if first is not None and last is not None and first >= last:
            return int(session.scalar(select(self._count(self.window))) or 0)
        parts: list[ColumnElement[int]] = [
            select(func.coalesce(func.sum(ListDayCount.entries), 0))
            .where(*self._buckets(first, last))
            .scalar_subquery()
        ]
        window = self.window
        if first is not None and window.begin is not None and window.begin < midnight(first):
            parts.append(self._count(Window(window.begin, midnight(first), end_exclusive=True)))
        if last is not None and window.end is not None:
            parts.append(self._count(Window(midnight(last), window.end, window.end_exclusive)))
        total: ColumnElement[int] = parts[0]
        for part in parts[1:]:
            total = total + part
        return int(session.scalar(select(total)) or 0)

    def seek(self, session: Session, offset: int) -> Seek:
        """Where the page at ``offset`` of this list in newest-first order begins, so a deep page skips
        whole days by their counts and walks at most one day's rows instead of ``offset`` index entries.

        The list's order must be ``column`` descending (ties within a day in any order: a bound at a
        midnight never splits a tie). Beyond the whole days (the window's partial first day, or past the
        end) the page walks from the top as before. On PostgreSQL each read statement has its own snapshot,
        so a write landing between the two statements shifts the page by that row, as it would between two
        requests."""
        walk = Seek(None, offset)
        first, last = _whole_days(self.window)
        if offset < SEEK_FROM or (first is not None and last is not None and first >= last):
            return walk
        window = self.window
        # Rows the order puts before every whole day: the window's partial last day. Rows without a time are
        # in an unbounded window only: first when descending on PostgreSQL (NULLS FIRST), so ahead too; last
        # on SQLite, where a bound would leave them out of a page reaching them, so such a list walks.
        ahead = 0
        if last is not None and window.end is not None:
            edge = Window(midnight(last), window.end, window.end_exclusive)
            ahead = int(session.scalar(select(self._count(edge))) or 0)
        elif window.begin is None:
            timeless = select(func.coalesce(func.sum(ListDayCount.entries), 0)).where(
                *self._owned(), ListDayCount.day == NULL_DAY
            )
            ahead = int(session.scalar(timeless) or 0)
            if ahead and session.get_bind().dialect.name != "postgresql":
                return walk
        if offset < ahead:
            return walk
        remaining = offset - ahead
        through = func.sum(ListDayCount.entries).over(order_by=ListDayCount.day.desc())
        days = (
            select(ListDayCount.day, ListDayCount.entries, through.label("through"))
            .where(*self._buckets(first, last))
            .subquery()
        )
        found = session.execute(
            select(days.c.day, days.c.through - days.c.entries)
            .where(days.c.through > remaining)
            .order_by(days.c.day.desc())
            .limit(1)
        ).first()
        if found is None:
            return walk
        day, newer = found
        return Seek(midnight(int(day) + 1), remaining - int(newer))

    def _owned(self) -> list[ColumnElement[bool]]:
        return [ListDayCount.partner_id == self.partner_id, ListDayCount.listing == self.listing.value]

    def _buckets(self, first: int | None, last: int | None) -> list[ColumnElement[bool]]:
        """The buckets of the whole days in ``[first, last)`` (None: unbounded; never the NULL bucket when
        the window is bounded)."""
        buckets = self._owned()
        if first is not None:
            buckets.append(ListDayCount.day >= first)
        elif last is not None:
            buckets.append(ListDayCount.day > NULL_DAY)
        if last is not None:
            buckets.append(ListDayCount.day < last)
        return buckets

    def _count(self, window: Window) -> ColumnElement[int]:
        return (
            select(func.count())
            .where(*_conditions(self.partner_column, self.partner_id, self.column, window))
            .scalar_subquery()
        )


def _whole_days(window: Window) -> tuple[int | None, int | None]:
    """The window's whole days ``[first, last)``: ``first`` is the day after a partial first day, ``last``
    the day of the end (partial, or empty when the end is exactly its midnight and exclusive)."""
    first = None if window.begin is None else -(-(window.begin - EPOCH) // DAY)  # ceiling
    last = None if window.end is None else day_of(window.end)
    return first, last


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
