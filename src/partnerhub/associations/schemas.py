"""Wire models of the association, invitation and notification operations (snake_case, SPEC style).

Request fields are typed loosely on purpose: the services decide and answer with the rule's own code.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WireModel(BaseModel):
    """Unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")


class CreatePartnerRequestBody(WireModel):
    customer_id: str | None = Field(
        default=None, description="One of the caller's actively associated customers."
    )
    request_type: str | None = Field(default=None, description="`disassociate` | `switch_type`.")
    target_association_type: int | None = Field(
        default=None,
        description="`switch_type` only: 1 referral (顾问销售) | 2 resale (代售); not the current type.",
    )
    reason: str | None = Field(default=None, description="Required, 1–256 characters.")


class CreateCustomerRequestBody(WireModel):
    request_type: str | None = Field(
        default=None, description="`disassociate` (the only type a customer may ask)."
    )
    reason: str | None = Field(default=None, description="Required, 1–256 characters.")


class ApproveBody(WireModel):
    reason: str | None = Field(default=None, description="Optional, at most 256 characters.")


class RejectBody(WireModel):
    reason: str | None = Field(default=None, description="Required, 1–256 characters.")


class CustomerApproveBody(WireModel):
    verification_code: str | None = Field(
        default=None, description="The code sent by `POST .../{request_id}/verification-code`."
    )
    reason: str | None = Field(default=None, description="Optional, at most 256 characters.")


class CustomerRejectBody(WireModel):
    verification_code: str | None = Field(
        default=None, description="The code sent by `POST .../{request_id}/verification-code`."
    )
    reason: str | None = Field(default=None, description="Required, 1–256 characters.")


class InviteBody(WireModel):
    domain_name: str | None = Field(default=None, description="The customer's login name (case-insensitive).")
    association_type: int | None = Field(default=None, description="1 referral | 2 resale.")


class AssociationRequestView(WireModel):
    request_id: str = Field(description="32 hex characters.")
    customer_id: str
    request_type: str = Field(description="`disassociate` | `switch_type`.")
    target_association_type: int | None = Field(default=None, description="switch_type: 1 | 2.")
    initiator: str = Field(description="`partner` | `customer`.")
    reason: str
    status: str = Field(description="`pending` | `approved` | `rejected` | `cancelled` | `expired`.")
    create_time: str
    expire_time: str = Field(description="Pending past this time: `expired`.")
    decide_time: str | None = Field(default=None, description="When it left `pending`.")
    decision_reason: str | None = None


class AssociationRequestList(WireModel):
    total_count: int
    requests: list[AssociationRequestView]


class AssociationRecordView(WireModel):
    record_id: str
    customer_id: str
    account_name: str = Field(description="The customer's login name.")
    operation_type: str = Field(
        description="`associate` | `request` | `approve` | `reject` | `cancel` | `expire` | `switch_type` | "
        "`disassociate`."
    )
    initiator: str = Field(description="`partner` | `customer` (of the request; `partner` for `associate`).")
    reason: str | None = None
    association_type: int = Field(description="The association type after the event.")
    status: str = Field(description="The related request's status now, or `completed` without a request.")
    request_id: str | None = None
    operate_time: str


class AssociationRecordList(WireModel):
    total_count: int
    records: list[AssociationRecordView]


class InvitationCreated(WireModel):
    invitation_id: str
    expire_time: str


class InvitationView(WireModel):
    invitation_id: str
    partner_id: str
    partner_name: str
    association_type: int
    status: str = Field(description="`pending` | `accepted` | `superseded` | `expired`.")
    create_time: str
    expire_time: str


class InvitationList(WireModel):
    total_count: int
    invitations: list[InvitationView]


class CustomerPartnerView(WireModel):
    partner_id: str | None = Field(default=None, description="null: the customer has no partner.")
    partner_name: str | None = None
    association_type: int | None = Field(default=None, description="1 referral | 2 resale.")
    associated_on: str | None = None
    pending_request: AssociationRequestView | None = None
