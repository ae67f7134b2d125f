"""Coupons (优惠券: 代金券 / 现金券) issued to customers from a quota, and their issue/reclaim records.

A coupon's remaining value lives in the ledger (``coupon_account``); this row holds the rest. Status is
stored as last written (2 usable, 3 used up, 4 expired — swept, 5 reclaimed); a usable coupon past
``expire_time`` *reads* as expired (4) before ``partnerhub expire`` sweeps it (``status_at``).
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime
from partnerhub.ledger.accounts import AccountKey, Asset, OwnerKind, Purpose
from partnerhub.quotas.models import RECORD_SEQUENCE


class CouponStatus(IntEnum):
    INACTIVE = 1
    USABLE = 2
    USED = 3
    EXPIRED = 4
    RECLAIMED = 5


class CouponOperation(IntEnum):
    """``operation_type`` of a coupon record (A.16); partnerhub writes 1, 2, 3, 4 and 8."""

    ISSUE = 1
    RECLAIM = 2
    UNBIND_RECLAIM = 3
    """解绑自动回收: the customer was disassociated."""
    EXPIRE = 4
    SWITCH_RECLAIM = 8
    """切换关联模式自动回收: the customer switched from resale to referral."""


def coupon_account(coupon_id: str) -> AccountKey:
    """The ledger account holding a coupon's remaining value."""
    return AccountKey(OwnerKind.COUPON, coupon_id, Purpose.VOUCHER, Asset.CNY_VOUCHER)


class Coupon(Base):
    __tablename__ = "coupons"
    __table_args__ = (Index("ix_coupons_status_expire_time", "status", "expire_time"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    """The partner whose quota issued it (a reseller when its distributor acted for it)."""
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    quota_id: Mapped[str] = mapped_column(ForeignKey("coupon_quotas.id"), index=True)
    quota_type: Mapped[int] = mapped_column(Integer)
    coupon_type: Mapped[int] = mapped_column(Integer)
    """1 代金券 (from a voucher quota), 4 现金券 (from a cash-coupon quota)."""
    face_value_minor: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[int] = mapped_column(Integer)
    effective_time: Mapped[datetime] = mapped_column(UTCDateTime())
    expire_time: Mapped[datetime] = mapped_column(UTCDateTime())
    service_types: Mapped[str | None] = mapped_column(String(1024))
    """Comma-joined cloud service type codes it may pay for; None = anything."""
    product_ids: Mapped[str | None] = mapped_column(String(1024))
    memo: Mapped[str | None] = mapped_column(String(512))
    """Seen only by the issuing partner (never by the customer)."""
    reclaimed_minor: Mapped[int | None] = mapped_column(BigInteger)
    """What a reclaim actually took back (the remaining balance at that moment)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reclaimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def status_at(self, now: datetime) -> int:
        """The status a reader sees: a usable coupon past its expiry is expired even before the sweep."""
        if self.status == CouponStatus.USABLE and self.expire_time <= now:
            return int(CouponStatus.EXPIRED)
        return self.status


class CouponRecord(Base):
    """One issue (1), reclaim (2), unbind reclaim (3), expiry (4) or switch reclaim (8) of a coupon (A.16).
    Append-only."""

    __tablename__ = "coupon_records"

    id: Mapped[int] = mapped_column(RECORD_SEQUENCE, primary_key=True, autoincrement=True)
    """Insertion order, which is also the listing order among records of the same second."""
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    operation_type: Mapped[int] = mapped_column(Integer)
    quota_id: Mapped[str] = mapped_column(ForeignKey("coupon_quotas.id"), index=True)
    quota_type: Mapped[int] = mapped_column(Integer)
    coupon_id: Mapped[str] = mapped_column(ForeignKey("coupons.id"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    """Issue: the face value; reclaim and expiry: what actually moved."""
    result: Mapped[int] = mapped_column(Integer)
    operator: Mapped[str] = mapped_column(String(64))
    remark: Mapped[str | None] = mapped_column(String(512))
    operation_time: Mapped[datetime] = mapped_column(UTCDateTime())


# List orders as indexes (issue 12): a page is an index range read in order, its count an index range.
# Expiry and status ride along so the count of a filtered list reads the index alone.
Index(
    "ix_coupons_partner_listing",
    Coupon.partner_id,
    Coupon.created_at.desc(),
    Coupon.id,
    Coupon.expire_time,
    Coupon.status,
)
# The coupon list's window is on expiry: list_day_counts (partnerhub.kit.day_counts) holds whole expiry days,
# this index counts the partial days at the window's edges.
Index("ix_coupons_partner_expiry", Coupon.partner_id, Coupon.expire_time)
Index(
    "ix_coupon_records_partner_listing", CouponRecord.partner_id, CouponRecord.operation_time, CouponRecord.id
)
