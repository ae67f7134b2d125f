"""Partners (solution providers, master distributors, cloud resellers) and their API access keys."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime


class PartnerKind(StrEnum):
    SOLUTION_PROVIDER = "solution_provider"
    DISTRIBUTOR = "distributor"
    RESELLER = "reseller"


class PartnerStatus(StrEnum):
    ACTIVE = "active"
    EXITING = "exiting"
    RESTRICTED = "restricted"


class StepUpChannel(StrEnum):
    """Where step-up codes go: the partner's own registered mobile or e-mail."""

    MOBILE = "mobile"
    EMAIL = "email"


class Partner(Base):
    __tablename__ = "partners"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("partners.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    account_name: Mapped[str] = mapped_column(String(64))
    account_name_key: Mapped[str] = mapped_column(String(64), unique=True)
    """Lower-cased login name: logins are unique case-insensitively."""
    mobile: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(256))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=PartnerStatus.ACTIVE)
    xaccount_type: Mapped[str] = mapped_column(String(64))
    step_up_required: Mapped[bool] = mapped_column(Boolean, default=False)
    """Console: sensitive operations ask for a code sent to the partner's own contact (SPEC D.6)."""
    step_up_api: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """API (AK/SK or token): sensitive calls need ``X-Verification-Code`` (partnerhub extension)."""
    step_up_channel: Mapped[str] = mapped_column(
        String(16), default=StepUpChannel.MOBILE.value, server_default=text("'mobile'")
    )
    """``mobile`` or ``email``: where step-up codes are sent."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    associated_on: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When a reseller joined its distributor."""


class AccessKey(Base):
    """An AK/SK pair. The secret key is stored sealed with the master key, never in clear."""

    __tablename__ = "access_keys"

    access_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    secret_sealed: Mapped[str] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# List orders as indexes (issue 12): a page is an index range read in order, its count an index range.
Index("ix_partners_reseller_listing", Partner.parent_id, Partner.associated_on.desc(), Partner.id)
