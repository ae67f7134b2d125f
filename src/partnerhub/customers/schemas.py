"""Wire models for the customer operations (field names as the BSS API spells them).

Request fields are typed loosely (``str | None``) on purpose: absent, ``null`` and ``""`` mean different
things per field (SPEC 0.1), so the services decide, and answer with the operation's own error codes.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WireModel(BaseModel):
    """Unknown fields are ignored, as the SDK may send fields newer than this server knows."""

    model_config = ConfigDict(extra="ignore")


class CheckUserIdentityRequest(WireModel):
    search_type: str | None = Field(default=None, description="`email`, `mobile` or `name`.")
    search_value: str | None = Field(
        default=None,
        max_length=64,
        description="Mobile as `0086-13800000000`, a full e-mail address, or a login name.",
    )


class CheckUserIdentityResponse(WireModel):
    error_code: str = "CBC.0000"
    error_msg: str = "success"
    check_result: str = Field(description="`available` or `used_by_user`.")
    mobile_remain_available_num: int | None = Field(
        default=None,
        description="Only for `search_type=mobile`: how many more customers this mobile may register.",
    )


class CreateCustomerRequest(WireModel):
    """``CreateCustomerV2Req``."""

    domain_name: str | None = Field(
        default=None,
        description="Login name, 5–32 of `[a-zA-Z0-9_-]`, not starting with a digit, `op_` or `shadow_`. "
        'Absent, `""` or null: a random 32-character name.',
    )
    mobile_phone: str | None = Field(
        default=None,
        description="Mainland-China mobile (`13800000000`). Absent/null: none; "
        '`""`: stored as an empty string.',
    )
    verification_code: str | None = Field(
        default=None,
        description="The 6-digit code sent to `mobile_phone` (scene 29). "
        'Required with a mobile; `""` refused.',
    )
    xaccount_id: str | None = Field(
        default=None, description="The user's id on the partner's platform (≤128)."
    )
    xaccount_type: str | None = Field(
        default=None,
        description="The calling partner's platform id (≤64); must equal the one assigned to it.",
    )
    password: str | None = Field(
        default=None,
        description="8-32 characters, 2 of 4 classes, not the login name or its reverse, "
        "not containing the mobile. "
        'Absent/null: no password (SSO only); `""` refused.',
    )
    is_close_market_ms: str | None = Field(default=None, description='`"true"` or `"false"` (default).')
    cooperation_type: str | int | None = Field(
        default=None, description="`1`: referral (顾问销售). Anything else: resale (代售, default)."
    )
    indirect_partner_id: str | None = Field(
        default=None, description="A distributor creates the customer for this reseller of its own."
    )
    include_association_result: bool | str | None = Field(
        default=None,
        description="Accepted for compatibility. The association is made in the same transaction as the "
        "account, so every response already carries the final result.",
    )


class CreateCustomerResponse(WireModel):
    domain_id: str
    domain_name: str


class ListCustomersRequest(WireModel):
    """``QuerySubCustomerListReq``."""

    account_name: str | None = Field(default=None, description="Login name contains this (case-insensitive).")
    customer: str | None = Field(default=None, description="Real-name contains this (case-insensitive).")
    offset: int | None = Field(default=None, description="0-based, default 0.")
    limit: int | None = Field(default=None, description="1–100, default 10.")
    label: str | None = Field(default=None, description="Label contains this (case-sensitive).")
    association_type: str | None = Field(default=None, description="`1` referral, `2` resale.")
    associated_on_begin: str | None = Field(
        default=None, description="UTC `yyyy-MM-ddTHH:mm:ssZ`, inclusive."
    )
    associated_on_end: str | None = Field(default=None, description="UTC `yyyy-MM-ddTHH:mm:ssZ`, inclusive.")
    customer_id: str | None = None
    indirect_partner_id: str | None = Field(
        default=None, description="A distributor lists this reseller's customers."
    )


class CustomerInformation(WireModel):
    customer: str | None = None
    account_name: str
    customer_id: str
    associated_on: str | None = None
    association_type: str | None = None
    label: str | None = None
    telephone: str | None = Field(default=None, description="Masked: `138****5678`.")
    verified_status: str | None = None
    country_code: str | None = None
    customer_type: int | None = None
    is_frozen: int | None = Field(
        default=None, description="0 no, 1 account frozen, 2 account and resources frozen."
    )
    xaccount_id: str | None = None
    xaccount_type: str | None = None
    customer_level: str | None = None
    email: str | None = Field(default=None, description="Masked: `a***e@example.com`.")


class ListCustomersResponse(WireModel):
    customer_infos: list[CustomerInformation]
    count: int


class FreezeCustomersRequest(WireModel):
    """``FreezeSubCustomersReq`` (international SDK)."""

    customer_ids: list[str] | None = Field(default=None, description="1–10 customer ids.")
    reason: str | None = Field(default=None, description="Required, ≤256 characters.")
    indirect_partner_id: str | None = None
    freeze_type: str | None = Field(
        default=None, description="`ACCOUNT` (default) or `ACCOUNT_AND_RESOURCE`."
    )


class UnfreezeCustomersRequest(WireModel):
    """``UnfreezeSubCustomersReq`` (international SDK)."""

    customer_ids: list[str] | None = Field(default=None, description="1–10 customer ids.")
    reason: str | None = Field(default=None, description="Required, ≤256 characters.")
    indirect_partner_id: str | None = None
    unfreeze_type: str | None = Field(
        default=None,
        description="`ACCOUNT` (default) or `ACCOUNT_AND_RESOURCE`; must equal the current freeze type.",
    )


class CustomerErrorDetail(WireModel):
    error_code: str
    error_msg: str
    id: str


class FreezeCustomersResponse(WireModel):
    error_details: list[CustomerErrorDetail] | None = Field(
        default=None, description="Only the customers that failed; absent when all succeeded."
    )
