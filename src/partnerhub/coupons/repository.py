"""Queries on coupons and coupon records. Partner-facing reads are scoped by the issuing partner: another
partner's coupon behaves exactly like a missing one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, false, func, or_, select
from sqlalchemy.orm import Session

from partnerhub.coupons.models import Coupon, CouponRecord, CouponStatus
from partnerhub.kit.day_counts import DayCounted, Listing, Seek, Window, unindexed
from partnerhub.kit.params import TimeRange
from partnerhub.quotas.repository import in_range


@dataclass(frozen=True)
class CouponQuery:
    """A.15."""

    partner_id: str
    now: datetime
    oldest_expiry: datetime
    """Coupons that expired before this are no longer listed."""
    coupon_id: str | None = None
    customer_id: str | None = None
    """None: no filter; ``""``: a filter nothing matches."""
    no_match: bool = False
    """A filter on something partnerhub coupons never carry (an order id)."""
    coupon_type: int | None = None
    status: int | None = None
    created: TimeRange = TimeRange()
    effective: TimeRange = TimeRange()
    expires: TimeRange = TimeRange()


@dataclass(frozen=True)
class CouponRecordQuery:
    """A.16."""

    partner_id: str
    operation_types: list[int] | None = None
    quota_id: str | None = None
    quota_type: int | None = None
    coupon_ids: list[str] | None = None
    customer_id: str | None = None
    result: int | None = None
    operated: TimeRange = TimeRange()


def _reads_as(
    status: int, now: datetime, stored: SQLColumnExpression[int] = Coupon.status
) -> ColumnElement[bool]:
    """Coupons whose status as a reader sees it (usable past expiry → expired) equals ``status``."""
    if status == CouponStatus.USABLE:
        return and_(stored == CouponStatus.USABLE, Coupon.expire_time > now)
    if status == CouponStatus.EXPIRED:
        return or_(
            stored == CouponStatus.EXPIRED,
            and_(stored == CouponStatus.USABLE, Coupon.expire_time <= now),
        )
    return stored == status


_STATUS_UNINDEXED = Coupon.status + 0
"""The list's status filter, kept off the (status, expire_time) index: a page walks the listing index in
order (partner, newest first) instead of sorting every coupon of that status."""


def _only_expiry_filtered(query: CouponQuery) -> bool:
    return (
        not query.no_match
        and not query.coupon_id
        and query.customer_id is None
        and query.coupon_type is None
        and query.status is None
        and query.created == TimeRange()
        and query.effective == TimeRange()
    )


def _only_time_filtered(query: CouponRecordQuery) -> bool:
    return (
        query.operation_types is None
        and query.quota_id is None
        and query.quota_type is None
        and query.coupon_ids is None
        and query.customer_id is None
        and query.result is None
    )


class CouponRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, coupon: Coupon) -> None:
        self.session.add(coupon)

    def owned(self, partner_id: str, coupon_id: str) -> Coupon | None:
        return self.session.scalars(
            select(Coupon).where(Coupon.id == coupon_id, Coupon.partner_id == partner_id)
        ).one_or_none()

    def lock(self, coupon_id: str) -> Coupon | None:
        return self.session.scalars(
            select(Coupon)
            .where(Coupon.id == coupon_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()

    def usable_issued_by(self, partner_id: str, customer_id: str, now: datetime) -> Sequence[Coupon]:
        """The customer's coupons from this partner that read as usable (2), in effect yet or not."""
        return self.session.scalars(
            select(Coupon).where(
                Coupon.partner_id == partner_id,
                Coupon.customer_id == customer_id,
                _reads_as(CouponStatus.USABLE, now),
            )
        ).all()

    def lock_many(self, coupon_ids: Iterable[str]) -> Sequence[Coupon]:
        """Row-lock the coupons in id order and reload them."""
        return self.session.scalars(
            select(Coupon)
            .where(Coupon.id.in_(sorted(set(coupon_ids))))
            .order_by(Coupon.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()

    def lock_usable_of(self, customer_id: str, now: datetime) -> Sequence[Coupon]:
        """The customer's usable coupons in effect now, locked, in the order they are spent: earliest expiry
        first (then oldest first)."""
        return self.session.scalars(
            select(Coupon)
            .where(
                Coupon.customer_id == customer_id,
                Coupon.status == CouponStatus.USABLE,
                Coupon.effective_time <= now,
                Coupon.expire_time > now,
            )
            .order_by(Coupon.expire_time, Coupon.created_at, Coupon.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()

    def expired_unswept(self, now: datetime) -> Sequence[Coupon]:
        """Usable coupons past their expiry, locked in id order."""
        return self.session.scalars(
            select(Coupon)
            .where(Coupon.status == CouponStatus.USABLE, Coupon.expire_time <= now)
            .order_by(Coupon.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()

    def search(self, query: CouponQuery, *, offset: int, limit: int) -> tuple[int, Sequence[Coupon]]:
        conditions: list[ColumnElement[bool]] = [
            Coupon.partner_id == query.partner_id,
            # The expiry window is kept off the (partner, expiry) index, which serves the count's edge days
            # only: a page walks the listing index in order.
            unindexed(Coupon.expire_time) >= query.oldest_expiry,
        ]
        if query.no_match:
            conditions.append(false())
        if query.coupon_id:
            conditions.append(Coupon.id == query.coupon_id)
        if query.customer_id is not None:
            conditions.append(Coupon.customer_id == query.customer_id if query.customer_id else false())
        if query.coupon_type is not None:
            conditions.append(Coupon.coupon_type == query.coupon_type)
        if query.status is not None:
            conditions.append(_reads_as(query.status, query.now, _STATUS_UNINDEXED))
        conditions += in_range(Coupon.created_at, query.created)
        conditions += in_range(Coupon.effective_time, query.effective)
        conditions += in_range(unindexed(Coupon.expire_time), query.expires)
        statement = select(Coupon).where(*conditions)
        return self._count(query, statement), self._page(statement, offset=offset, limit=limit)

    def _count(self, query: CouponQuery, statement: Select[Coupon]) -> int:
        """Exact. Filtered by the mandatory expiry window (and an expiry range) only, it is read from
        ``list_day_counts`` plus the partial days at the window's edges; else the matching index range."""
        if _only_expiry_filtered(query):
            begin = query.oldest_expiry
            if query.expires.begin is not None:
                begin = max(begin, query.expires.begin)
            return DayCounted(
                Listing.COUPONS,
                query.partner_id,
                Coupon.partner_id,
                Coupon.expire_time,
                Window(begin, query.expires.end),
            ).count(self.session)
        return int(self.session.scalar(select(func.count()).select_from(statement.subquery())) or 0)

    def _page(self, statement: Select[Coupon], *, offset: int, limit: int) -> Sequence[Coupon]:
        order = (Coupon.created_at.desc(), Coupon.id)
        # The page's ids from the listing index first (it carries the expiry the window filters on), so a
        # deep page skips index entries, not table rows.
        page = statement.with_only_columns(Coupon.id).order_by(*order).offset(offset).limit(limit)
        return self.session.scalars(select(Coupon).where(Coupon.id.in_(page)).order_by(*order)).all()


class CouponRecordRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: CouponRecord) -> None:
        self.session.add(record)

    def add_all(self, records: Iterable[CouponRecord]) -> None:
        self.session.add_all(list(records))

    def search(
        self, query: CouponRecordQuery, *, offset: int, limit: int
    ) -> tuple[int, Sequence[CouponRecord]]:
        record = CouponRecord
        conditions: list[ColumnElement[bool]] = [record.partner_id == query.partner_id]
        if query.operation_types is not None:
            conditions.append(record.operation_type.in_(query.operation_types))
        if query.quota_id is not None:
            conditions.append(record.quota_id == query.quota_id if query.quota_id else false())
        if query.quota_type is not None:
            conditions.append(record.quota_type == query.quota_type)
        if query.coupon_ids is not None:
            conditions.append(record.coupon_id.in_(query.coupon_ids))
        if query.customer_id is not None:
            conditions.append(record.customer_id == query.customer_id if query.customer_id else false())
        if query.result is not None:
            conditions.append(record.result == query.result)
        conditions += in_range(record.operation_time, query.operated)
        statement = select(record).where(*conditions)
        seek = Seek(None, offset)
        if _only_time_filtered(query):
            # Read from list_day_counts plus the partial days at the range's edges; a deep page skips days.
            counted = DayCounted(
                Listing.COUPON_RECORDS,
                query.partner_id,
                record.partner_id,
                record.operation_time,
                Window(query.operated.begin, query.operated.end),
            )
            total = counted.count(self.session)
            seek = counted.seek(self.session, offset)
        else:
            total = int(self.session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
        order = (record.operation_time.desc(), record.id.desc())
        # The page's ids from the listing index first, so a deep page skips index entries, not table rows.
        page = (
            statement.with_only_columns(record.id)
            .where(*seek.bound(record.operation_time))
            .order_by(*order)
            .offset(seek.offset)
            .limit(limit)
        )
        rows = self.session.scalars(select(record).where(record.id.in_(page)).order_by(*order)).all()
        return total, rows
