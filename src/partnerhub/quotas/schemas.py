"""Wire models for the quota operations (A.17–A.21), field names as the BSS API spells them."""

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


class ListQuotaCouponsRequest(WireModel):
    """``QueryCouponQuotasReqExt``."""

    quota_ids: list[str] | None = Field(default=None, description="≤50; absent/null/[]: no filter.")
    quota_status_list: list[int] | None = Field(
        default=None,
        description="≤5 of 0 normal, 3 invalid (expired or reclaimed), 4, 5; absent/[]: no filter.",
    )
    quota_type: Any = Field(default=None, description='0 (default; also absent/null/"") or 1.')
    create_time_begin: str | None = Field(
        default=None, description='UTC, inclusive; null: no filter; `""` refused.'
    )
    create_time_end: str | None = None
    effective_time_begin: str | None = None
    effective_time_end: str | None = None
    expire_time_begin: str | None = None
    expire_time_end: str | None = None
    offset: int | None = None
    limit: int | None = Field(default=None, description="1–100, default 10.")
    indirect_partner_id: str | None = Field(
        default=None, description="A distributor lists this reseller's quotas."
    )


class LimitValue(WireModel):
    value1: str | None = None
    value2: str | None = None


class QuotaLimitInfo(WireModel):
    limit_key: str
    limit_values: list[LimitValue]


class CouponQuota(WireModel):
    """``CouponQuotaV2``."""

    quota_id: str
    quota_type: int
    create_time: str
    last_update_time: str
    quota_value: WireAmount
    quota_status: int
    balance: WireAmount = Field(description="The remaining value held by the quota's ledger account.")
    measure_id: int = 1
    currency: str = "CNY"
    effective_time: str
    expire_time: str
    limit_infos: list[QuotaLimitInfo]


class ListQuotaCouponsResponse(WireModel):
    total_count: int
    quotas: list[CouponQuota]


class UpdateCouponQuotasRequest(WireModel):
    """``AdjustCouponQuotasReq``."""

    quota_id: str | None = Field(default=None, description="The distributor's own quota, ≤64.")
    indirect_partner_ids: list[str] | None = Field(
        default=None, description="1–100 distinct resellers of the caller."
    )
    quota_amount: Any = Field(
        default=None, description="Yuan per reseller, > 0, ≤ 2 decimals (number or string)."
    )


class QuotaSimpleInfo(WireModel):
    id: str = Field(description="The reseller id.")
    quota_id: str = Field(description="The reseller's new child quota.")


class UpdateCouponQuotasResponse(WireModel):
    error_details: list[ErrorDetail] | None = None
    simple_quota_infos: list[QuotaSimpleInfo] | None = None


class ReclaimCouponQuotasRequest(WireModel):
    """``ReclaimCouponQuotasReq``."""

    quota_ids: list[str] | None = Field(default=None, description="1–10 child quotas the caller issued.")
    remark: str | None = Field(default=None, description='≤256; absent/null: not set; `""`: empty.')


class QuotaReclaim(WireModel):
    quota_id: str
    quota_balance: WireAmount = Field(
        description="The value that came back to the parent quota (the child's "
        "whole remaining balance; the child holds 0 afterwards)."
    )


class ReclaimCouponQuotasResponse(WireModel):
    error_details: list[ErrorDetail] | None = None
    simple_quota_infos: list[QuotaReclaim] | None = None


class ListIssuedCouponQuotasQuery(WireModel):
    quota_id: str | None = Field(default=None, description="Empty: no filter.")
    indirect_partner_id: str | None = Field(
        default=None, description="Only this reseller's (must be the caller's)."
    )
    parent_quota_id: str | None = Field(default=None, description='Absent: no filter; `""`: matches nothing.')
    offset: int | None = None
    limit: int | None = Field(default=None, description="1–100, default 10.")


class IssuedCouponQuota(CouponQuota):
    """``IssuedCouponQuota``: ``quota_status`` 6 = reclaimed."""

    indirect_partner_id: str
    indirect_partner_account_name: str
    indirect_partner_name: str
    parent_quota_id: str


class ListIssuedCouponQuotasResponse(WireModel):
    total_count: int
    quotas: list[IssuedCouponQuota]


class ListCouponQuotasRecordsQuery(WireModel):
    indirect_partner_id: str | None = Field(
        default=None, description="Only this reseller's (must be the caller's)."
    )
    quota_id: str | None = None
    operation_time_begin: str | None = Field(default=None, description='UTC, inclusive; `""` refused.')
    operation_time_end: str | None = None
    parent_quota_id: str | None = Field(default=None, description='Absent: no filter; `""`: matches nothing.')
    operation_type: str | None = Field(
        default=None, description="`10` issue, `11` reclaim; anything else: no filter."
    )
    offset: int | None = None
    limit: int | None = None


class QuotaRecord(WireModel):
    id: str
    operator: str
    operation_type: str
    quota_id: str
    parent_quota_id: str
    amount: WireAmount
    operation_time: str
    result: str
    indirect_partner_account_name: str
    indirect_partner_id: str
    indirect_partner_name: str
    remark: str | None = None


class ListCouponQuotasRecordsResponse(WireModel):
    total_count: int
    records: list[QuotaRecord]
