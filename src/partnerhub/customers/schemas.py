"""Wire models for the customer operations (field names as the BSS API spells them)."""

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
        default=None, description="Only for `search_type=mobile`: how many more customers this mobile may register."
    )
