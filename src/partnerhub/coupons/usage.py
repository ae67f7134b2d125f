"""A customer spending (coupons first, then partner-funded cash) and the expiry sweep of coupons.

Spending rule: the customer's usable coupons in effect now that match the charge pay first — a coupon with
no service (product) restriction matches everything, a restricted one only a charge of one of its service
types (products) — earliest expiry first; a partly used coupon keeps its remaining balance and status 2,
a coupon used up reads 3. What the coupons do not cover comes from the customer's partner-funded account
(``customer_funded``). A charge that cannot be covered in full is refused whole: nothing moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from partnerhub.coupons.models import Coupon, CouponOperation, CouponStatus, coupon_account
from partnerhub.coupons.repository import CouponRecordRepository, CouponRepository
from partnerhub.coupons.service import coupon_record
from partnerhub.customers.repository import CustomerRepository
from partnerhub.errors import ApiError, invalid
from partnerhub.kit.ids import new_id
from partnerhub.kit.money import to_text
from partnerhub.ledger.accounts import (
    PLATFORM_CASH,
    PLATFORM_VOUCHER,
    TransferKind,
    customer_funded,
    new_transaction_id,
)
from partnerhub.ledger.service import InsufficientFunds, balance_of, balances_of, drain, transfer
from partnerhub.quotas.models import split_codes
from partnerhub.quotas.repository import QuotaRepository
from partnerhub.quotas.service import CLI_OPERATOR, Moved, expire_quotas


@dataclass
class Usage:
    usage_id: str
    customer_id: str
    amount_minor: int
    coupons: list[tuple[str, int]] = field(default_factory=list)
    """(coupon id, amount taken from it), in the order spent."""
    cash_minor: int = 0


@dataclass
class Expired:
    coupon_id: str
    amount_minor: int


def matches(coupon: Coupon, service_type: str | None, product_id: str | None) -> bool:
    service_types, product_ids = split_codes(coupon.service_types), split_codes(coupon.product_ids)
    if service_types and service_type not in service_types:
        return False
    return not (product_ids and product_id not in product_ids)


def record_usage(
    session: Session,
    now: datetime,
    customer_id: str,
    amount_minor: int,
    *,
    service_type: str | None = None,
    product_id: str | None = None,
) -> Usage:
    """Charge the customer ``amount_minor``; CBC.5003 (and nothing moves) when coupons and cash fall short."""
    if CustomerRepository(session).get(customer_id) is None:
        raise invalid("customer", "no such customer")
    usable = [
        c
        for c in CouponRepository(session).lock_usable_of(customer_id, now)
        if matches(c, service_type, product_id)
    ]
    balances = balances_of(session, [coupon_account(c.id) for c in usable])
    usage = Usage(new_id(), customer_id, amount_minor)
    plan: list[tuple[Coupon, int, int]] = []
    remaining = amount_minor
    for coupon in usable:
        held = balances.get(coupon_account(coupon.id), 0)
        take = min(held, remaining)
        if take > 0:
            plan.append((coupon, take, held))
            remaining -= take
    cash = balance_of(session, customer_funded(customer_id)) or 0
    if remaining > cash:
        raise ApiError(
            "CBC.5003",
            detail="coupons and cash cover {amount}",
            params={"amount": to_text(amount_minor - remaining + cash)},
        )
    try:
        for coupon, take, held in plan:
            transfer(
                session,
                debit=coupon_account(coupon.id),
                credit=PLATFORM_VOUCHER,
                amount_minor=take,
                kind=TransferKind.COUPON_USE,
                transaction_id=new_transaction_id("CU", now),
                at=now,
                operator=CLI_OPERATOR,
                reference=usage.usage_id,
            )
            coupon.last_used_at = coupon.updated_at = now
            if take == held:
                coupon.status = int(CouponStatus.USED)
            usage.coupons.append((coupon.id, take))
        if remaining > 0:
            transfer(
                session,
                debit=customer_funded(customer_id),
                credit=PLATFORM_CASH,
                amount_minor=remaining,
                kind=TransferKind.CUSTOMER_SPEND,
                transaction_id=new_transaction_id("SP", now),
                at=now,
                operator=CLI_OPERATOR,
                reference=usage.usage_id,
            )
            usage.cash_minor = remaining
    except InsufficientFunds as exc:  # a concurrent debit got there first: the caller rolls everything back
        raise ApiError("CBC.5003") from exc
    session.flush()
    return usage


def expire_all(session: Session, now: datetime) -> tuple[list[Moved], list[Expired]]:
    """``partnerhub expire``: sweep expired quotas and coupons. Both kinds of row are locked before any value
    moves (quota rows, then coupon rows, then ledger accounts — the order every voucher writer follows)."""
    quotas = QuotaRepository(session).expired_unswept(now)
    coupons = CouponRepository(session).expired_unswept(now)
    return expire_quotas(session, now, quotas), expire_coupons(session, now, coupons)


def expire_coupons(session: Session, now: datetime, locked: Sequence[Coupon]) -> list[Expired]:
    """Sweep ``locked``: usable coupons past expiry become expired (4); their remaining value leaves to the
    platform and an expiry record (operation_type 4) keeps the amount."""
    records = CouponRecordRepository(session)
    swept = []
    for coupon in locked:
        amount = drain(
            session,
            account=coupon_account(coupon.id),
            into=PLATFORM_VOUCHER,
            kind=TransferKind.COUPON_EXPIRE,
            prefix="CE",
            at=now,
            operator=CLI_OPERATOR,
            reference=coupon.id,
        )
        coupon.status = int(CouponStatus.EXPIRED)
        coupon.updated_at = now
        records.add(coupon_record(coupon, CouponOperation.EXPIRE, amount, CLI_OPERATOR, None, now))
        swept.append(Expired(coupon.id, amount))
    session.flush()
    return swept
