"""Queries on quotas and quota records. Partner-facing reads are scoped by the owning (or issuing) partner:
another partner's quota behaves exactly like a missing one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, SQLColumnExpression, Subquery, and_, false, func, or_, select
from sqlalchemy.orm import Session

from partnerhub.kit.params import TimeRange
from partnerhub.partners.models import Partner
from partnerhub.quotas.models import CouponQuota, CouponQuotaRecord, QuotaStatus


@dataclass(frozen=True)
class QuotaQuery:
    """A.17: the partner's own quotas."""

    partner_id: str
    now: datetime
    quota_type: int = 0
    quota_ids: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    created: TimeRange = TimeRange()
    effective: TimeRange = TimeRange()
    expires: TimeRange = TimeRange()


@dataclass(frozen=True)
class IssuedQuotaQuery:
    """A.20: child quotas a distributor carved for its resellers."""

    distributor_id: str
    quota_id: str | None = None
    reseller_id: str | None = None
    parent_quota_id: str | None = None
    """None: no filter; ``""``: a filter nothing matches (every child has a parent)."""


@dataclass(frozen=True)
class QuotaRecordQuery:
    """A.21: a distributor's issue/reclaim records."""

    distributor_id: str
    reseller_id: str | None = None
    quota_id: str | None = None
    parent_quota_id: str | None = None
    operation_type: int | None = None
    operated: TimeRange = TimeRange()


def in_range(column: SQLColumnExpression[datetime], bounds: TimeRange) -> list[ColumnElement[bool]]:
    """Inclusive time-range conditions on ``column``."""
    conditions = []
    if bounds.begin is not None:
        conditions.append(column >= bounds.begin)
    if bounds.end is not None:
        conditions.append(column <= bounds.end)
    return conditions


def _reads_as(status: int, now: datetime) -> ColumnElement[bool]:
    """Quotas whose status as A.17 shows it (expired → 3, reclaimed → 3) equals ``status``."""
    quota = CouponQuota
    if status == QuotaStatus.NORMAL:
        return and_(quota.status == QuotaStatus.NORMAL, quota.expire_time > now)
    if status == QuotaStatus.INVALID:
        return or_(
            quota.status.in_([QuotaStatus.INVALID, QuotaStatus.RECLAIMED]),
            and_(quota.status == QuotaStatus.NORMAL, quota.expire_time <= now),
        )
    return quota.status == status


class QuotaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, quota: CouponQuota) -> None:
        self.session.add(quota)
        self.session.flush()

    def owned(self, partner_id: str, quota_id: str) -> CouponQuota | None:
        return self.session.scalars(
            select(CouponQuota).where(CouponQuota.id == quota_id, CouponQuota.partner_id == partner_id)
        ).one_or_none()

    def get(self, quota_id: str) -> CouponQuota | None:
        return self.session.get(CouponQuota, quota_id)

    def lock(self, quota_ids: Iterable[str]) -> dict[str, CouponQuota]:
        """Row-lock the quotas in id order (the one order every voucher writer uses: quotas, then coupons,
        then ledger accounts) and reload them, so what is checked is what is committed against."""
        rows = self.session.scalars(
            select(CouponQuota)
            .where(CouponQuota.id.in_(sorted(set(quota_ids))))
            .order_by(CouponQuota.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        return {row.id: row for row in rows}

    def expired_unswept(self, now: datetime) -> Sequence[CouponQuota]:
        """Normal quotas past their expiry, locked in id order."""
        return self.session.scalars(
            select(CouponQuota)
            .where(CouponQuota.status == QuotaStatus.NORMAL, CouponQuota.expire_time <= now)
            .order_by(CouponQuota.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()

    def search(self, query: QuotaQuery, *, offset: int, limit: int) -> tuple[int, Sequence[CouponQuota]]:
        conditions: list[ColumnElement[bool]] = [
            CouponQuota.partner_id == query.partner_id,
            CouponQuota.quota_type == query.quota_type,
        ]
        if query.quota_ids:
            conditions.append(CouponQuota.id.in_(query.quota_ids))
        if query.statuses:
            conditions.append(or_(*(_reads_as(status, query.now) for status in query.statuses)))
        conditions += in_range(CouponQuota.created_at, query.created)
        conditions += in_range(CouponQuota.effective_time, query.effective)
        conditions += in_range(CouponQuota.expire_time, query.expires)
        statement = select(CouponQuota).where(*conditions)
        return self._count(statement.subquery()), self.session.scalars(
            statement.order_by(CouponQuota.created_at.desc(), CouponQuota.id).offset(offset).limit(limit)
        ).all()

    def search_issued(
        self, query: IssuedQuotaQuery, *, offset: int, limit: int
    ) -> tuple[int, Sequence[tuple[CouponQuota, Partner]]]:
        conditions: list[ColumnElement[bool]] = [CouponQuota.issuer_partner_id == query.distributor_id]
        if query.quota_id:
            conditions.append(CouponQuota.id == query.quota_id)
        if query.reseller_id:
            conditions.append(CouponQuota.partner_id == query.reseller_id)
        if query.parent_quota_id is not None:
            conditions.append(
                CouponQuota.parent_quota_id == query.parent_quota_id if query.parent_quota_id else false()
            )
        statement = select(CouponQuota, Partner).join(Partner, Partner.id == CouponQuota.partner_id)
        statement = statement.where(*conditions)
        rows = self.session.execute(
            statement.order_by(CouponQuota.created_at.desc(), CouponQuota.id).offset(offset).limit(limit)
        ).all()
        return self._count(statement.subquery()), rows

    def _count(self, rows: Subquery) -> int:
        return int(self.session.scalar(select(func.count()).select_from(rows)) or 0)


class QuotaRecordRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: CouponQuotaRecord) -> None:
        self.session.add(record)

    def search(
        self, query: QuotaRecordQuery, *, offset: int, limit: int
    ) -> tuple[int, Sequence[tuple[CouponQuotaRecord, Partner]]]:
        record = CouponQuotaRecord
        conditions: list[ColumnElement[bool]] = [record.partner_id == query.distributor_id]
        if query.reseller_id:
            conditions.append(record.indirect_partner_id == query.reseller_id)
        if query.quota_id:
            conditions.append(record.quota_id == query.quota_id)
        if query.parent_quota_id is not None:
            conditions.append(
                record.parent_quota_id == query.parent_quota_id if query.parent_quota_id else false()
            )
        if query.operation_type is not None:
            conditions.append(record.operation_type == query.operation_type)
        conditions += in_range(record.operation_time, query.operated)
        statement = (
            select(record, Partner).join(Partner, Partner.id == record.indirect_partner_id).where(*conditions)
        )
        total = int(self.session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
        rows = self.session.execute(
            statement.order_by(record.operation_time.desc(), record.id.desc()).offset(offset).limit(limit)
        ).all()
        return total, rows
