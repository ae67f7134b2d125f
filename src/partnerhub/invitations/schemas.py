"""Wire models of reseller invitations and the public reseller registration."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SendInvitationCodeRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    receiver_type: int | None = Field(
        default=None,
        description="1: the code goes to the distributor's own registered mobile; 2: to its own e-mail.",
    )


class CreateInvitationRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    receiver_type: int | None = Field(default=None, description="1 mobile or 2 e-mail: where the code went.")
    verification_code: str | None = Field(
        default=None, description="The code from `.../invitations/verification-code` (6 digits)."
    )


class CreatedInvitation(BaseModel):
    invitation_id: str
    registration_url: str = Field(
        description="The single-use link to hand to the new reseller. Shown only here: partnerhub keeps only "
        "a keyed hash of its token."
    )
    expire_time: str = Field(description="UTC `yyyy-MM-ddTHH:mm:ssZ`.")


class InvitationInfo(BaseModel):
    invitation_id: str
    status: str = Field(description="`pending`, `used`, `expired` or `revoked`.")
    receiver_type: int = Field(description="Which own contact verified the creation: 1 mobile, 2 e-mail.")
    create_time: str
    expire_time: str
    used_time: str | None = None
    revoked_time: str | None = None
    indirect_partner_id: str | None = Field(default=None, description="The reseller that registered.")


class ListInvitationsResponse(BaseModel):
    total_count: int
    invitations: list[InvitationInfo]


class RegistrationInfo(BaseModel):
    distributor_name: str
    expire_time: str = Field(description="When the link stops working, UTC `yyyy-MM-ddTHH:mm:ssZ`.")


class RegistrationCodeRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    mobile_phone: str | None = Field(
        default=None, description="The new reseller's own mainland China mobile (`13800000000`)."
    )


class RegisterResellerRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(default=None, description="Company name, 1–64 characters.")
    login: str | None = Field(
        default=None,
        description="Login name: 5–32 characters of `A-Z a-z 0-9 _ -`, not starting with a digit; unique "
        "among partners and customers.",
    )
    mobile_phone: str | None = Field(default=None, description="The mobile the code was sent to.")
    verification_code: str | None = Field(default=None, description="The code sent to `mobile_phone`.")
    email: str | None = Field(default=None, description="Optional contact e-mail.")
    password: str | None = Field(
        default=None,
        description="8–32 characters, at least two of upper case, lower case, digits and other characters; "
        "not the login name or its reverse; not containing the mobile.",
    )


class RegisteredReseller(BaseModel):
    partner_id: str
    login: str
