"""Wire models for funding: request bodies (validated) and responses (for OpenAPI).

Amounts are typed ``Any`` on purpose: ``kit.money.parse_amount`` validates them (JSON number or numeric
string, > 0, at most 2 decimals, at most the configured maximum) so every refusal is CBC.0100 naming the
field, and floats never enter the program.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, WithJsonSchema

from partnerhub.kit.money import WireAmount

AMOUNT_SCHEMA = {
    "oneOf": [{"type": "number"}, {"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$"}],
    "description": "Yuan, > 0, at most 2 decimal places; a JSON number (preferred) or a numeric string.",
    "examples": [10, "10.50"],
}
Amount = Annotated[Any, WithJsonSchema(AMOUNT_SCHEMA)]
Id64 = Annotated[str, Field(min_length=1, max_length=64)]
OptionalId64 = Annotated[str | None, Field(max_length=64)]


class AdjustAccountReq(BaseModel):
    customer_id: Id64
    amount: Amount
    indirect_partner_id: OptionalId64 = None
    """A distributor funding a reseller's customer names the reseller; the reseller's cash pays."""


class ReclaimToPartnerAccountBalancesReq(BaseModel):
    customer_id: Id64
    amount: Amount
    indirect_partner_id: OptionalId64 = None


class AdjustToIndirectPartnerReq(BaseModel):
    indirect_partner_id: Id64
    amount: Amount


class ReclaimIndirectPartnerAccountReq(BaseModel):
    indirect_partner_id: Id64
    amount: Amount


class TransferIdResponse(BaseModel):
    transfer_id: str


class TransIdResponse(BaseModel):
    trans_id: str


class BatchAdjustItem(BaseModel):
    customer_id: Id64
    amount: Amount


class BatchAdjustReq(BaseModel):
    adjust_infos: list[BatchAdjustItem] = Field(description="1 to 100 items (setting), each customer once.")
    mode: Literal["partial", "atomic"] = Field(
        default="partial",
        description="`partial`: failures are listed in `error_details`, the rest are funded. "
        "`atomic`: all or nothing; the first failure answers its error.",
    )
    dry_run: bool = Field(default=False, description="Check everything, move nothing, issue no transfer ids.")
    funding_type: Literal["cash", "credit"] = Field(
        default="cash",
        description="`cash` (the partner's cash account) is the only funding type offered; `credit` → 501.",
    )
    indirect_partner_id: OptionalId64 = None


class BatchAdjustResult(BaseModel):
    customer_id: str
    amount: WireAmount
    transfer_id: str | None = None


class BatchErrorDetail(BaseModel):
    error_code: str
    error_msg: str
    id: str


class BatchAdjustResponse(BaseModel):
    batch_id: str
    mode: str
    dry_run: bool
    success_count: int
    fail_count: int
    adjust_results: list[BatchAdjustResult]
    error_details: list[BatchErrorDetail]


class CustomerInfoV2(BaseModel):
    customer_id: Id64


class QueryCustomersBalancesReq(BaseModel):
    customer_infos: list[CustomerInfoV2] = Field(min_length=1, max_length=100)
    indirect_partner_id: OptionalId64 = None


class CustomerBalancesV2(BaseModel):
    customer_id: str
    debt_amount: WireAmount
    amount: WireAmount
    currency: str
    measure_id: int


class ListCustomersBalancesDetailResponse(BaseModel):
    customer_balances: list[CustomerBalancesV2]


class AccountBalanceV2(BaseModel):
    account_id: str
    account_type: int
    amount: WireAmount
    currency: str
    designated_amount: WireAmount
    credit_amount: WireAmount
    measure_id: int


class ListPartnerBalancesResponse(BaseModel):
    account_balances: list[AccountBalanceV2]


class AdjustRecordV3(BaseModel):
    customer_id: str
    customer_name: str | None = None
    operation_type: str
    amount: str
    currency: str
    operation_time: str
    measure_id: int
    trans_id: str
    memo: str | None = None


class ListPartnerAdjustRecordsResponse(BaseModel):
    records: list[AdjustRecordV3]
    total_count: int


class AccountChangeRecord(BaseModel):
    account_change_id: str
    trade_detail_type: str
    trade_time: str
    trade_id: str
    change_amount: str
    balance_after_change: str
    type: str
    customer_id: str | None = None
    account_name: str | None = None


class ListPartnerAccountChangeRecordsResponse(BaseModel):
    total_count: int
    currency: str
    records: list[AccountChangeRecord]
