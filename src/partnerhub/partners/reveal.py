"""A distributor reveals one of its own resellers' masked contact data (partnerhub extension).

Only distributors have resellers (others: CBC.0151); a reseller that is not the caller's answers
CBC.99000037 whether it exists or not. A successful reveal writes one ``reseller.reveal`` audit event
(field and reason, never the value) in the same transaction; a refused one writes nothing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from partnerhub.audit.reveals import MAX_REASON_LENGTH, checked_reason, record_reveal, refused_reveal
from partnerhub.auth.principals import Principal
from partnerhub.context import AppContext
from partnerhub.errors import ApiError
from partnerhub.kit import params
from partnerhub.partners.models import PartnerKind
from partnerhub.partners.repository import PartnerRepository

ResellerField = Literal["mobile_phone", "email"]


class RevealResellerRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    indirect_partner_id: str | None = Field(default=None, description="One reseller of the caller's.")
    field: ResellerField = Field(description="`mobile_phone` or `email`.")
    reason: str | None = Field(
        default=None, description=f"Why (at most {MAX_REASON_LENGTH} characters); kept in the audit log."
    )


class RevealResellerResponse(BaseModel):
    indirect_partner_id: str
    field: ResellerField
    value: str | None


def reveal_reseller_field(
    session: Session, ctx: AppContext, caller: Principal, request: RevealResellerRequest, *, ip: str | None
) -> RevealResellerResponse:
    reseller_id = params.required_id(request.indirect_partner_id, "indirect_partner_id")
    reason = checked_reason(request.reason)
    try:
        if caller.partner_kind != PartnerKind.DISTRIBUTOR.value:
            raise ApiError("CBC.0151")
        reseller = PartnerRepository(session).reseller_of(caller.partner_id, reseller_id)
        if reseller is None:
            raise ApiError("CBC.99000037", field="indirect_partner_id")
        value = reseller.mobile if request.field == "mobile_phone" else reseller.email
        record_reveal(
            session,
            ctx,
            caller,
            action="reseller.reveal",
            target_kind="reseller",
            target_id=reseller.id,
            details={"field": request.field, "reason": reason},
            ip=ip,
        )
    except ApiError as refused:
        raise refused_reveal(
            refused,
            ctx,
            caller,
            action="reseller.reveal",
            target_kind="reseller",
            target_id=reseller_id,
            details={"field": request.field, "reason": reason},
            ip=ip,
        ) from None
    return RevealResellerResponse(indirect_partner_id=reseller.id, field=request.field, value=value)
