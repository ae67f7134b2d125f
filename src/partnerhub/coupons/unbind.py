"""Automatic voucher reclaim when an association ends (coupon record type 3, 解绑自动回收) or switches from
resale to referral (type 8, 切换关联模式自动回收).

Every coupon of the customer issued by that partner that reads as usable (2) — in effect yet or not —
returns its whole remaining balance to the quota it came from (or where that quota's value went, see
``return_destination``) and reads as reclaimed (5), exactly as a manual reclaim (A.14) would. Expired
coupons not yet swept are left to ``partnerhub expire``.

Two steps, so the caller can take every ledger lock in one step between them (``lock_accounts``):
``lock_for_unbind`` locks quota rows, then coupon rows (the voucher lock order); ``reclaim_for_unbind``
moves the value. The caller holds the association's row lock already, so no coupon can be issued to the
customer meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from partnerhub.coupons.models import Coupon, CouponOperation, CouponStatus, coupon_account
from partnerhub.coupons.repository import CouponRecordRepository, CouponRepository
from partnerhub.coupons.service import coupon_record
from partnerhub.ledger.accounts import AccountKey, TransferKind, new_transaction_id
from partnerhub.ledger.service import balance_of, transfer
from partnerhub.quotas.models import CouponQuota
from partnerhub.quotas.repository import QuotaRepository
from partnerhub.quotas.service import return_destination

RECLAIM_PREFIX = "CR"


@dataclass(frozen=True)
class UnbindPlan:
    coupons: list[Coupon]
    """Locked, usable."""
    quotas: dict[str, CouponQuota]
    """Locked: each coupon's quota and that quota's parent."""
    now: datetime

    def accounts(self) -> list[AccountKey]:
        """Every ledger account ``reclaim_for_unbind`` will touch."""
        keys: list[AccountKey] = []
        for coupon in self.coupons:
            keys.append(coupon_account(coupon.id))
            keys.append(return_destination(self.quotas, self.quotas[coupon.quota_id], self.now))
        return keys


@dataclass(frozen=True)
class Reclaimed:
    coupon_id: str
    amount_minor: int


def lock_for_unbind(session: Session, now: datetime, *, partner_id: str, customer_id: str) -> UnbindPlan:
    coupons = CouponRepository(session)
    candidates = coupons.usable_issued_by(partner_id, customer_id, now)
    quota_repo = QuotaRepository(session)
    quota_ids: set[str] = set()
    for coupon in candidates:
        quota_ids.add(coupon.quota_id)
        quota = quota_repo.get(coupon.quota_id)
        if quota is not None and quota.parent_quota_id:
            quota_ids.add(quota.parent_quota_id)
    quotas = quota_repo.lock(quota_ids)
    locked = [
        coupon
        for coupon in coupons.lock_many(coupon.id for coupon in candidates)
        if coupon.status_at(now) == CouponStatus.USABLE
    ]
    return UnbindPlan(locked, quotas, now)


def reclaim_for_unbind(
    session: Session, plan: UnbindPlan, *, operation: CouponOperation, operator: str
) -> list[Reclaimed]:
    """Reclaim every coupon of the plan; records carry ``operation`` (3 or 8) and what actually moved."""
    if operation not in (CouponOperation.UNBIND_RECLAIM, CouponOperation.SWITCH_RECLAIM):
        raise ValueError("an automatic reclaim is recorded as type 3 or 8")
    now = plan.now
    records = CouponRecordRepository(session)
    reclaimed = []
    for coupon in plan.coupons:
        quota = plan.quotas[coupon.quota_id]
        amount = balance_of(session, coupon_account(coupon.id)) or 0
        if amount > 0:
            transfer(
                session,
                debit=coupon_account(coupon.id),
                credit=return_destination(plan.quotas, quota, now),
                amount_minor=amount,
                kind=TransferKind.COUPON_RECLAIM,
                transaction_id=new_transaction_id(RECLAIM_PREFIX, now),
                at=now,
                operator=operator,
                reference=coupon.id,
            )
        coupon.status = int(CouponStatus.RECLAIMED)
        coupon.reclaimed_minor = amount
        coupon.reclaimed_at = coupon.updated_at = now
        quota.updated_at = now
        records.add(coupon_record(coupon, operation, amount, operator, None, now))
        reclaimed.append(Reclaimed(coupon.id, amount))
    session.flush()
    return reclaimed
