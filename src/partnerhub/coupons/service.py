"""Coupon rules: issuing coupons from a quota to resale customers (A.13) and reclaiming them (A.14).

Value moves only through the ledger: issue = quota → coupon, reclaim = the coupon's whole remaining
balance → the quota it came from. Lock order: quota rows, coupon rows, ledger accounts (as everywhere in
the voucher code). A quota never overspends: each coupon is one conditional ledger debit of the quota, and
InsufficientFunds answers CBC.99000013 for that customer while the others proceed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.coupons.models import Coupon, CouponOperation, CouponRecord, CouponStatus, coupon_account
from partnerhub.coupons.repository import CouponRecordRepository, CouponRepository
from partnerhub.coupons.schemas import CreatePartnerCouponsRequest
from partnerhub.customers.models import AssociationType
from partnerhub.errors import ApiError, invalid
from partnerhub.kit import params
from partnerhub.kit.ids import new_id
from partnerhub.kit.money import parse_amount
from partnerhub.ledger.accounts import TransferKind, new_transaction_id
from partnerhub.ledger.service import InsufficientFunds, balance_of, transfer
from partnerhub.partners.scope import OwnedCustomer, lock_owned_customers, owned_customer
from partnerhub.quotas.limits import check_face_value, narrow
from partnerhub.quotas.models import CouponQuota, QuotaType, join_codes, quota_account
from partnerhub.quotas.repository import QuotaRepository
from partnerhub.quotas.service import return_destination, usable_status

MAX_CUSTOMERS = 100
MAX_MEMO = 512
FROZEN_CUSTOMER = "CBC.8214"
"""A frozen customer cannot receive coupons (partnerhub's choice: 用户账号已被冻结)."""


@dataclass(frozen=True)
class CouponIssue:
    quota_id: str
    customer_ids: list[str]
    face_minor: int
    valid_time: datetime | None
    expire_time: datetime | None
    service_types: list[str]
    product_ids: list[str]
    memo: str | None


@dataclass
class IssueResult:
    issued: list[tuple[str, str]]
    """(customer id, coupon id)"""
    failed: list[tuple[str, ApiError]]


def parse_issue(body: CreatePartnerCouponsRequest, max_amount: Decimal) -> CouponIssue:
    """The request's values, or CBC.0100 naming the first bad field."""
    return CouponIssue(
        quota_id=params.required_id(body.quota_id, "quota_id"),
        customer_ids=params.id_list(body.customer_ids, "customer_ids", maximum=MAX_CUSTOMERS, required=True),
        face_minor=parse_amount(body.face_value, "face_value", maximum=max_amount),
        valid_time=params.time_value(body.valid_time, "valid_time"),
        expire_time=params.time_value(body.expire_time, "expire_time"),
        service_types=params.code_list(body.cloud_service_types, "cloud_service_types"),
        product_ids=params.code_list(body.product_ids, "product_ids"),
        memo=params.optional_text(body.memo, "memo", maximum=MAX_MEMO),
    )


def issue_coupons(
    session: Session, now: datetime, caller: Principal, partner_id: str, issue: CouponIssue
) -> IssueResult:
    """A.13 for ``partner_id`` (the caller, or the reseller its distributor acts for).

    Whole request: quota missing/foreign/not normal CBC.99000012, not yet effective or expired
    CBC.99000017, face value out of bounds CBC.99000018/19, validity outside the quota's CBC.0100,
    limits beyond the quota's CBC.99000023. Per customer (HTTP 200): not the partner's CBC.99000035,
    referral CBC.99000014, frozen CBC.8214, quota exhausted CBC.99000013.
    """
    quotas = QuotaRepository(session)
    if quotas.owned(partner_id, issue.quota_id) is None:
        raise ApiError("CBC.99000012", field="quota_id")
    # Associations before quotas (the lock order): a concurrent disassociation cannot miss a new coupon.
    owned = lock_owned_customers(session, partner_id, issue.customer_ids)
    quota = quotas.lock([issue.quota_id])[issue.quota_id]
    usable_status(quota, now)
    check_face_value(quota, issue.face_minor)
    valid_time, expire_time = _validity(quota, issue, now)
    service_types = narrow(issue.service_types, quota.service_types, "cloud_service_types")
    product_ids = narrow(issue.product_ids, quota.product_ids, "product_ids")
    operator = f"partner:{caller.partner_id}"
    coupons, records = CouponRepository(session), CouponRecordRepository(session)
    result = IssueResult([], [])
    for customer_id in issue.customer_ids:
        refusal = _refusal(owned.get(customer_id))
        if refusal is not None:
            result.failed.append((customer_id, refusal))
            continue
        coupon_id = new_id()
        try:
            transfer(
                session,
                debit=quota_account(quota.id),
                credit=coupon_account(coupon_id),
                amount_minor=issue.face_minor,
                kind=TransferKind.COUPON_ISSUE,
                transaction_id=new_transaction_id("CI", now),
                at=now,
                operator=operator,
                reference=coupon_id,
            )
        except InsufficientFunds:
            result.failed.append((customer_id, ApiError("CBC.99000013")))
            continue
        coupon = Coupon(
            id=coupon_id,
            partner_id=partner_id,
            customer_id=customer_id,
            quota_id=quota.id,
            quota_type=quota.quota_type,
            coupon_type=4 if quota.quota_type == QuotaType.CASH_COUPON else 1,
            face_value_minor=issue.face_minor,
            status=int(CouponStatus.USABLE),
            effective_time=valid_time,
            expire_time=expire_time,
            service_types=join_codes(service_types),
            product_ids=join_codes(product_ids),
            memo=issue.memo,
            reclaimed_minor=None,
            created_at=now,
            updated_at=now,
            last_used_at=None,
            reclaimed_at=None,
        )
        coupons.add(coupon)
        session.flush()
        records.add(coupon_record(coupon, CouponOperation.ISSUE, issue.face_minor, operator, issue.memo, now))
        result.issued.append((customer_id, coupon_id))
    if result.issued:
        quota.updated_at = now
    session.flush()
    return result


def reclaim_coupon(
    session: Session, now: datetime, caller: Principal, partner_id: str, coupon_id: str
) -> int:
    """A.14: the coupon's whole remaining balance goes back to its quota (or where that quota's value went,
    see ``return_destination``); the coupon reads as reclaimed (5) and keeps the amount. Returns it.

    Missing or another partner's coupon: CBC.0100 naming ``coupon_id``; the customer is no longer the
    partner's: CBC.99000035; a referral customer's: CBC.99000045; not usable: CBC.99000048.
    """
    found = CouponRepository(session).owned(partner_id, coupon_id)
    if found is None:
        raise invalid("coupon_id", "no such coupon")
    owned = owned_customer(session, partner_id, found.customer_id, for_update=True)
    if owned is None:
        raise ApiError("CBC.99000035", field="coupon_id")
    if owned.association.association_type == AssociationType.REFERRAL:
        raise ApiError("CBC.99000045")
    quota = QuotaRepository(session).get(found.quota_id)
    assert quota is not None  # a coupon's quota is a foreign key
    quotas = QuotaRepository(session).lock(
        [quota.id, *([quota.parent_quota_id] if quota.parent_quota_id else [])]
    )
    coupon = CouponRepository(session).lock(coupon_id)
    assert coupon is not None
    if coupon.status_at(now) != CouponStatus.USABLE:
        raise ApiError("CBC.99000048")
    amount = balance_of(session, coupon_account(coupon.id)) or 0
    if amount > 0:
        transfer(
            session,
            debit=coupon_account(coupon.id),
            credit=return_destination(quotas, quotas[quota.id], now),
            amount_minor=amount,
            kind=TransferKind.COUPON_RECLAIM,
            transaction_id=new_transaction_id("CR", now),
            at=now,
            operator=f"partner:{caller.partner_id}",
            reference=coupon.id,
        )
    coupon.status = int(CouponStatus.RECLAIMED)
    coupon.reclaimed_minor = amount
    coupon.reclaimed_at = coupon.updated_at = now
    quotas[quota.id].updated_at = now
    CouponRecordRepository(session).add(
        coupon_record(coupon, CouponOperation.RECLAIM, amount, f"partner:{caller.partner_id}", None, now)
    )
    session.flush()
    return amount


def _validity(quota: CouponQuota, issue: CouponIssue, now: datetime) -> tuple[datetime, datetime]:
    """The coupon's validity: the quota's unless given, and always inside the quota's."""
    valid_time = issue.valid_time or quota.effective_time
    expire_time = issue.expire_time or quota.expire_time
    if valid_time < quota.effective_time or valid_time >= quota.expire_time:
        raise invalid("valid_time", "must lie within the quota's validity")
    if expire_time > quota.expire_time:
        raise invalid("expire_time", "must not be later than the quota's expiry")
    if expire_time <= valid_time:
        raise invalid("expire_time", "must be later than valid_time")
    if expire_time <= now:
        raise invalid("expire_time", "must be in the future")
    return valid_time, expire_time


def _refusal(owned: OwnedCustomer | None) -> ApiError | None:
    if owned is None:
        return ApiError("CBC.99000035")
    if owned.association.association_type == AssociationType.REFERRAL:
        return ApiError("CBC.99000014")
    if owned.customer.freeze_type is not None:
        return ApiError(FROZEN_CUSTOMER)
    return None


def coupon_record(
    coupon: Coupon, operation: CouponOperation, amount: int, operator: str, remark: str | None, now: datetime
) -> CouponRecord:
    return CouponRecord(
        partner_id=coupon.partner_id,
        operation_type=int(operation),
        quota_id=coupon.quota_id,
        quota_type=coupon.quota_type,
        coupon_id=coupon.id,
        customer_id=coupon.customer_id,
        amount_minor=amount,
        result=0,
        operator=operator,
        remark=remark,
        operation_time=now,
    )
