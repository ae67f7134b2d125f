"""Reading coupons (A.15) and coupon records (A.16) as the API shows them.

Statuses are read through ``Coupon.status_at``: a usable coupon past its expiry lists (and filters) as
expired before the sweep runs. ``balance`` is always the ledger's: until the sweep moves it out, an expired
coupon still shows the value it held when it expired.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.coupons.models import Coupon, CouponRecord, coupon_account
from partnerhub.coupons.repository import (
    CouponQuery,
    CouponRecordQuery,
    CouponRecordRepository,
    CouponRepository,
)
from partnerhub.coupons.schemas import ListCouponRecordsQuery, ListIssuedCouponsQuery
from partnerhub.errors import invalid
from partnerhub.kit import params
from partnerhub.kit.clock import format_utc
from partnerhub.kit.money import to_decimal
from partnerhub.ledger.service import balances_of
from partnerhub.quotas.limits import PRODUCT_KEY, SERVICE_TYPE_KEY
from partnerhub.quotas.models import split_codes

LISTED_AFTER_EXPIRY = timedelta(days=730)
""""不返回已失效超两年时间(含当天)的代金券" — coupons that expired more than two years ago are not listed."""
COUPON_TYPES = (1, 4)
STATUSES = (1, 2, 3, 4, 5)
OPERATION_TYPES = range(1, 10)


def _enum(value: str | None, field: str, allowed: tuple[int, ...] | range) -> int | None:
    """Absent or ``""`` → None (no filter); an allowed integer → it; anything else → CBC.0100."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise invalid(field, "is not one of the documented values") from exc
    if number not in allowed:
        raise invalid(field, "is not one of the documented values")
    return number


def list_issued_coupons(
    session: Session, now: datetime, partner_id: str, query: ListIssuedCouponsQuery
) -> dict[str, Any]:
    for name in ("coupon_id", "order_id"):
        if getattr(query, name) == "":
            raise invalid(name, "must not be an empty string")
    offset, limit = params.page(query.offset, query.limit)
    search = CouponQuery(
        partner_id=partner_id,
        now=now,
        oldest_expiry=now - LISTED_AFTER_EXPIRY,
        coupon_id=query.coupon_id,
        customer_id=query.customer_id,
        no_match=bool(query.order_id),
        coupon_type=_enum(query.coupon_type, "coupon_type", COUPON_TYPES),
        status=_enum(query.status, "status", STATUSES),
        created=params.time_range(query.create_time_begin, query.create_time_end, "create_time"),
        effective=params.time_range(query.effective_time_begin, query.effective_time_end, "effective_time"),
        expires=params.time_range(query.expire_time_begin, query.expire_time_end, "expire_time"),
    )
    total, coupons = CouponRepository(session).search(search, offset=offset, limit=limit)
    balances = balances_of(session, [coupon_account(coupon.id) for coupon in coupons])
    return {
        "total_count": total,
        "user_coupons": [
            _coupon(coupon, balances.get(coupon_account(coupon.id), 0), now) for coupon in coupons
        ],
    }


def list_coupon_records(session: Session, partner_id: str, query: ListCouponRecordsQuery) -> dict[str, Any]:
    if query.quota_type == "":
        raise invalid("quota_type", "must not be an empty string")
    offset, limit = params.page(query.offset, query.limit)
    operation_types = None
    if query.operation_types is not None:
        operation_types = [
            _required_enum(value, "operation_types", OPERATION_TYPES) for value in query.operation_types
        ]
    search = CouponRecordQuery(
        partner_id=partner_id,
        operation_types=operation_types,
        quota_id=query.quota_id,
        quota_type=_enum(query.quota_type, "quota_type", (0, 1)),
        coupon_ids=query.coupon_ids,
        customer_id=query.customer_id,
        result={"0": 0, "-1": -1}.get(query.result or ""),
        operated=params.time_range(query.operation_time_begin, query.operation_time_end, "operation_time"),
    )
    total, records = CouponRecordRepository(session).search(search, offset=offset, limit=limit)
    return {"total_count": total, "records": [_record(record) for record in records]}


def _required_enum(value: str, field: str, allowed: range) -> int:
    number = _enum(value, field, allowed)
    if number is None:
        raise invalid(field, "is not one of the documented values")
    return number


def _use_limits(coupon: Coupon) -> list[dict[str, Any]]:
    limits: list[dict[str, Any]] = [
        {"limit_key": SERVICE_TYPE_KEY, "value1": code} for code in split_codes(coupon.service_types)
    ]
    product_ids = split_codes(coupon.product_ids)
    if product_ids:
        limits.append({"limit_key": PRODUCT_KEY, "value1": ",".join(product_ids)})
    return limits


def _coupon(coupon: Coupon, balance_minor: int, now: datetime) -> dict[str, Any]:
    listed: dict[str, Any] = {
        "coupon_id": coupon.id,
        "status": coupon.status_at(now),
        "customer_id": coupon.customer_id,
        "coupon_type": coupon.coupon_type,
        "measure_id": 1,
        "face_value": to_decimal(coupon.face_value_minor),
        "effective_time": format_utc(coupon.effective_time),
        "expire_time": format_utc(coupon.expire_time),
        "media_type": 1,
        "fetch_method": 3,
        "use_limits": _use_limits(coupon),
        "active_time": format_utc(coupon.created_at),
        "create_time": format_utc(coupon.created_at),
        "balance": to_decimal(balance_minor),
        "is_frozen": "0",
    }
    if coupon.last_used_at is not None:
        listed["last_used_time"] = format_utc(coupon.last_used_at)
    return listed


def _record(record: CouponRecord) -> dict[str, Any]:
    listed: dict[str, Any] = {
        "id": str(record.id),
        "operation_type": str(record.operation_type),
        "quota_id": record.quota_id,
        "quota_type": record.quota_type,
        "coupon_id": record.coupon_id,
        "customer_id": record.customer_id,
        "operation_amount": to_decimal(record.amount_minor),
        "operation_time": format_utc(record.operation_time),
        "result": str(record.result),
    }
    if record.remark is not None:
        listed["remark"] = record.remark
    return listed
