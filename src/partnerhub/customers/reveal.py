"""A partner reveals one masked field of one of its customers (partnerhub extension).

Scope is the customer list's: the caller, or a distributor's own reseller named by ``indirect_partner_id``
(CBC.99000037 otherwise); a customer not actively associated with that partner answers CBC.99000035,
exactly like a missing one. A successful reveal writes one ``customer.reveal`` audit event (field, reason
and acting partner, never the value) in the same transaction; a refused one writes a
``customer.reveal_refused`` event after its transaction rolled back (see ``audit.reveals``).
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
from partnerhub.partners.scope import acting_partner_id, owned_customer

CustomerField = Literal["telephone", "email", "customer"]


class RevealCustomerRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    customer_id: str | None = Field(default=None, description="The customer's id.")
    field: CustomerField = Field(description="`telephone`, `email` or `customer` (the real name).")
    indirect_partner_id: str | None = Field(
        default=None, description="A reseller of the calling distributor whose customer this is."
    )
    reason: str | None = Field(
        default=None, description=f"Why (at most {MAX_REASON_LENGTH} characters); kept in the audit log."
    )


class RevealCustomerResponse(BaseModel):
    customer_id: str
    field: CustomerField
    value: str | None = Field(description="null when the customer has no such data.")


def reveal_customer_field(
    session: Session, ctx: AppContext, caller: Principal, request: RevealCustomerRequest, *, ip: str | None
) -> RevealCustomerResponse:
    customer_id = params.required_id(request.customer_id, "customer_id")
    reason = checked_reason(request.reason)
    try:
        partner_id = acting_partner_id(session, caller, request.indirect_partner_id)
        owned = owned_customer(session, partner_id, customer_id)
        if owned is None:
            raise ApiError("CBC.99000035", field="customer_id")
        customer = owned.customer
        values = {"telephone": customer.mobile, "email": customer.email, "customer": customer.real_name}
        record_reveal(
            session,
            ctx,
            caller,
            action="customer.reveal",
            target_kind="customer",
            target_id=customer.id,
            details={"field": request.field, "reason": reason, "acting_partner_id": partner_id},
            ip=ip,
        )
    except ApiError as refused:
        scope = request.indirect_partner_id[: params.MAX_ID_LENGTH] if request.indirect_partner_id else None
        details = {"field": request.field, "reason": reason, "indirect_partner_id": scope}
        raise refused_reveal(
            refused,
            ctx,
            caller,
            action="customer.reveal",
            target_kind="customer",
            target_id=customer_id,
            details=details,
            ip=ip,
        ) from None
    return RevealCustomerResponse(customer_id=customer.id, field=request.field, value=values[request.field])
