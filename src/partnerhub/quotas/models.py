"""Voucher quotas (代金券额度) and the records of quotas issued to and reclaimed from resellers.

A quota's value lives in the ledger (``quota_account``, asset CNY-VOUCHER); this row holds what the ledger
does not: who owns it, its validity, its limits and its status. A child quota (``parent_quota_id`` set) was
carved by a distributor from one of its own quotas for one of its resellers and inherits the parent's
validity and limits.

Status is stored as it was last written; a normal quota past ``expire_time`` *reads* as invalid (3) before
``partnerhub expire`` sweeps it (``status_at``), so lists never show an expired quota as usable.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime
from partnerhub.ledger.accounts import AccountKey, Asset, OwnerKind, Purpose

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
RECORD_SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")


class QuotaStatus(IntEnum):
    NORMAL = 0
    INVALID = 3
    """失效: expired (swept by ``partnerhub expire``)."""
    ADJUSTING = 4
    FROZEN = 5
    RECLAIMED = 6
    """回收: a child quota its distributor took back (A.19); shown as 6 in A.20 and as 3 in A.17."""


class QuotaType(IntEnum):
    VOUCHER = 0
    """代金券额度 — issues coupons of ``coupon_type`` 1."""
    CASH_COUPON = 1
    """现金券额度 — issues coupons of ``coupon_type`` 4."""


class QuotaOperation(IntEnum):
    ISSUE = 10
    RECLAIM = 11


def quota_account(quota_id: str) -> AccountKey:
    """The ledger account holding a quota's remaining value."""
    return AccountKey(OwnerKind.QUOTA, quota_id, Purpose.VOUCHER, Asset.CNY_VOUCHER)


def join_codes(codes: list[str] | None) -> str | None:
    """Service types / product ids as stored: comma-joined, None when unrestricted."""
    return ",".join(codes) if codes else None


def split_codes(stored: str | None) -> list[str]:
    return stored.split(",") if stored else []


class CouponQuota(Base):
    __tablename__ = "coupon_quotas"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    """The owner: the partner that issues coupons (or child quotas) from it."""
    parent_quota_id: Mapped[str | None] = mapped_column(ForeignKey("coupon_quotas.id"), index=True)
    issuer_partner_id: Mapped[str | None] = mapped_column(ForeignKey("partners.id"), index=True)
    """The distributor that carved this child quota; None for a quota the platform granted."""
    quota_type: Mapped[int] = mapped_column(Integer)
    quota_value_minor: Mapped[int] = mapped_column(BigInteger)
    """The value granted or issued; the remaining balance is the ledger's."""
    currency: Mapped[str] = mapped_column(String(8))
    status: Mapped[int] = mapped_column(Integer)
    effective_time: Mapped[datetime] = mapped_column(UTCDateTime())
    expire_time: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    min_face_minor: Mapped[int | None] = mapped_column(BigInteger)
    max_face_minor: Mapped[int | None] = mapped_column(BigInteger)
    service_types: Mapped[str | None] = mapped_column(String(1024))
    """Comma-joined cloud service type codes the coupons may be used for; None = unrestricted."""
    product_ids: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def status_at(self, now: datetime) -> int:
        """The status a reader sees: a normal quota past its expiry is invalid even before the sweep."""
        if self.status == QuotaStatus.NORMAL and self.expire_time <= now:
            return int(QuotaStatus.INVALID)
        return self.status


class CouponQuotaRecord(Base):
    """One completed issue (10) or reclaim (11) of a child quota (A.21). Append-only."""

    __tablename__ = "coupon_quota_records"

    id: Mapped[int] = mapped_column(RECORD_SEQUENCE, primary_key=True, autoincrement=True)
    """Insertion order, which is also the listing order among records of the same second."""
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    """The distributor."""
    indirect_partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    quota_id: Mapped[str] = mapped_column(ForeignKey("coupon_quotas.id"), index=True)
    """The reseller's child quota."""
    parent_quota_id: Mapped[str] = mapped_column(ForeignKey("coupon_quotas.id"))
    operation_type: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    result: Mapped[int] = mapped_column(Integer)
    operator: Mapped[str] = mapped_column(String(64))
    """The acting partner's account name."""
    remark: Mapped[str | None] = mapped_column(String(256))
    operation_time: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


# List orders as indexes (issue 12): a page is an index range read in order, its count an index range.
Index(
    "ix_coupon_quotas_partner_listing", CouponQuota.partner_id, CouponQuota.created_at.desc(), CouponQuota.id
)
Index(
    "ix_coupon_quotas_issuer_listing",
    CouponQuota.issuer_partner_id,
    CouponQuota.created_at.desc(),
    CouponQuota.id,
)
Index(
    "ix_coupon_quota_records_partner_listing",
    CouponQuotaRecord.partner_id,
    CouponQuotaRecord.operation_time,
    CouponQuotaRecord.id,
)
