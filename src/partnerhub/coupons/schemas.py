"""Wire models for the coupon operations (A.13–A.16), field names as the BSS API spells them.

Request fields are typed loosely on purpose: absent, ``null`` and ``""`` mean different things per field
(SPEC 0.1), and amounts arrive as JSON numbers (Decimal) or numeric strings; the services decide.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from partnerhub.kit.money import WireAmount


class WireModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ErrorDetail(WireModel):
    error_code: str
    error_msg: str
    id: str


class CreatePartnerCouponsRequest(WireModel):
    """``CreatePartnerCouponsReq``."""

    quota_id: str | None = Field(default=None, description="The quota to issue from (A.17), ≤64.")
    customer_ids: list[str] | None = Field(default=None, description="1–100 distinct resale customers.")
    face_value: Any = Field(default=None, description="Yuan, > 0, ≤ 2 decimals; within the quota's bounds.")
    valid_time: str | None = Field(default=None, description="UTC; absent/null: the quota's effective time.")
    expire_time: str | None = Field(default=None, description="UTC; absent/null: the quota's expiry.")
    cloud_service_types: list[str] | None = Field(
        default=None, description="≤10; absent/empty: the quota's restriction; else within it (CBC.99000023)."
    )
    product_ids: list[str] | None = Field(default=None, description="≤10, same rule as the service types.")
    memo: str | None = Field(default=None, description="≤512; seen only by the issuing partner.")
    indirect_partner_id: str | None = Field(
        default=None,
        description="A distributor issues from this reseller's quota to the reseller's customers.",
    )


class CouponSimpleInfo(WireModel):
    id: str = Field(description="The customer id.")
    coupon_id: str


class CreatePartnerCouponsResponse(WireModel):
    error_details: list[ErrorDetail] | None = None
    coupon_infos: list[CouponSimpleInfo] | None = None


class ReclaimPartnerCouponsRequest(WireModel):
    """``ReclaimPartnerCouponsReq``."""

    coupon_id: str | None = Field(
        default=None, description="A usable (status 2) coupon of a resale customer."
    )
    indirect_partner_id: str | None = Field(
        default=None, description='A distributor acts for this reseller; `""` refused.'
    )


class CouponUseLimit(WireModel):
    limit_key: str | None = None
    value1: str | None = None
    value2: str | None = None
    value_unit: str | None = None
    limit_type: str | None = None


class IssuedCoupon(WireModel):
    """``IQueryUserPartnerCouponsResultV2``."""

    coupon_id: str
    status: int = Field(description="2 usable, 3 used, 4 expired (also before the sweep), 5 reclaimed.")
    customer_id: str
    coupon_type: int
    measure_id: int = 1
    face_value: WireAmount
    effective_time: str
    expire_time: str
    media_type: int = 1
    fetch_method: int = 3
    use_limits: list[CouponUseLimit]
    active_time: str
    last_used_time: str | None = None
    create_time: str
    balance: WireAmount = Field(description="The remaining value held by the coupon's ledger account.")
    is_frozen: str = "0"


class ListIssuedPartnerCouponsResponse(WireModel):
    total_count: int
    user_coupons: list[IssuedCoupon]


class CouponRecord(WireModel):
    """``CouponRecordV2``."""

    id: str
    operation_type: str = Field(
        description="1 issue, 2 manual reclaim, 3 reclaimed on disassociation, 4 expiry, "
        "8 reclaimed on a switch from resale to referral."
    )
    quota_id: str
    quota_type: int
    coupon_id: str
    customer_id: str
    operation_amount: WireAmount = Field(
        description="Issue: the face value; reclaim/expiry: what actually moved."
    )
    operation_time: str
    result: str
    remark: str | None = None


class ListPartnerCouponsRecordResponse(WireModel):
    total_count: int
    records: list[CouponRecord]


class ListIssuedCouponsQuery(WireModel):
    """Query of ``ListIssuedPartnerCouponsRequest``."""

    coupon_id: str | None = Field(default=None, description='`""` refused.')
    customer_id: str | None = Field(default=None, description='`""` matches nothing.')
    order_id: str | None = Field(
        default=None,
        description='`""` refused; partnerhub coupons carry no order, so any value matches nothing.',
    )
    coupon_type: str | None = Field(default=None, description="`1` 代金券, `4` 现金券; empty: no filter.")
    status: str | None = Field(default=None, description="1–5; empty: no filter.")
    create_time_begin: str | None = Field(default=None, description="UTC, inclusive.")
    create_time_end: str | None = Field(default=None, description="UTC, inclusive.")
    effective_time_begin: str | None = None
    effective_time_end: str | None = None
    expire_time_begin: str | None = None
    expire_time_end: str | None = None
    offset: int | None = Field(default=None, description="Default 0.")
    limit: int | None = Field(default=None, description="1–100, default 10.")
    indirect_partner_id: str | None = Field(
        default=None, description="A distributor lists this reseller's coupons."
    )


class ListCouponRecordsQuery(WireModel):
    """Query of ``ListPartnerCouponsRecordRequest``."""

    operation_types: list[str] | None = Field(default=None, description="Repeated: 1–9.")
    quota_id: str | None = Field(default=None, description='`""` matches nothing.')
    quota_type: str | None = Field(default=None, description='`0` or `1`; `""` refused.')
    coupon_ids: list[str] | None = Field(default=None, description="Repeated.")
    customer_id: str | None = Field(default=None, description='`""` matches nothing.')
    operation_time_begin: str | None = Field(default=None, description='UTC, inclusive; `""` refused.')
    operation_time_end: str | None = Field(default=None, description='UTC, inclusive; `""` refused.')
    result: str | None = Field(default=None, description="`0` or `-1`; anything else: no filter.")
    offset: int | None = None
    limit: int | None = None
    indirect_partner_id: str | None = None
