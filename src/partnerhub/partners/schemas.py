"""Wire models for the reseller list (SPEC A.22)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class QueryIndirectPartnersReq(BaseModel):
    model_config = ConfigDict(extra="ignore")

    account_name: str | None = Field(
        default=None, description="Part of the reseller's login name (no spaces)."
    )
    associated_on_begin: str | None = Field(
        default=None, description="UTC `yyyy-MM-ddTHH:mm:ssZ`, inclusive."
    )
    associated_on_end: str | None = Field(default=None, description="UTC `yyyy-MM-ddTHH:mm:ssZ`, inclusive.")
    offset: int | None = Field(default=None, description="0 to 40,000,000; default 0.")
    limit: int | None = Field(default=None, description="1 to 100; default 10.")
    indirect_partner_id: str | None = Field(default=None, description="One reseller of the caller's.")


class IndirectPartnerInfo(BaseModel):
    indirect_partner_id: str
    mobile_phone: str | None = Field(default=None, description="Masked: `138****5678`.")
    email: str | None = Field(default=None, description="Masked: `a***e@example.com`.")
    account_name: str
    name: str
    associated_on: str | None = None
    account_manager_id: str | None = None
    account_manager_name: str | None = None


class ListIndirectPartnersResponse(BaseModel):
    count: int
    indirect_partners: list[IndirectPartnerInfo]
