"""Wire models of the code-sending and mobile-binding operations."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SendVerificationCodeRequest(_Wire):
    receiver_type: int | None = Field(default=None, description="1 = SMS (the only value).")
    timeout: int | None = Field(
        default=None, description="Minutes the code lives: absent/null → 10; any value above 60 → 5."
    )
    mobile_phone: str | None = Field(default=None, description="Mainland China mobile, e.g. `13800000000`.")
    lang: str | None = Field(
        default=None, description="`zh-cn` (default) or `en-us`: the message's language."
    )
    scene: int | None = Field(
        default=None,
        description="29 registration (default), 18 bank-card real-name, 30 bind mobile (partnerhub).",
    )
    customer_id: str | None = Field(default=None, description="Required for scenes 18 and 30.")
    indirect_partner_id: str | None = Field(
        default=None,
        description="partnerhub extension (not in the SDK): a distributor acting on its reseller's customer.",
    )


class CustomerCodeRequest(_Wire):
    mobile_phone: str | None = Field(default=None, description="The mainland mobile to bind.")
    lang: str | None = Field(default=None, description="`zh-cn` (default) or `en-us`.")
    timeout: int | None = Field(default=None, description="As for the partner send operation.")


class PartnerBindMobileRequest(_Wire):
    customer_id: str | None = None
    mobile_phone: str | None = None
    verification_code: str | None = Field(
        default=None, description="The scene-30 code sent to `mobile_phone`."
    )
    indirect_partner_id: str | None = Field(
        default=None, description="A distributor acting for its reseller."
    )


class CustomerBindMobileRequest(_Wire):
    mobile_phone: str | None = None
    verification_code: str | None = Field(
        default=None, description="The scene-30 code sent to `mobile_phone`."
    )
