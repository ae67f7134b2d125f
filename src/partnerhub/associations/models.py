"""Association requests, the association records (the history page) and invitations to re-associate.

A request is pending while ``pending_customer_id`` holds its customer id: the unique constraint on that column
allows one pending request per customer on both engines (NULLs never collide), the same device as
``associations.active_customer_id``. A pending request past ``expire_at`` *reads* as expired before
``partnerhub expire`` (or the next request for the customer) applies the expiry.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
_SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")


class RequestType(StrEnum):
    DISASSOCIATE = "disassociate"
    SWITCH_TYPE = "switch_type"


class Initiator(StrEnum):
    PARTNER = "partner"
    CUSTOMER = "customer"

    @property
    def other(self) -> Initiator:
        return Initiator.CUSTOMER if self is Initiator.PARTNER else Initiator.PARTNER


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class RecordOperation(StrEnum):
    """``operation_type`` of an association record."""

    ASSOCIATE = "associate"
    REQUEST = "request"
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    EXPIRE = "expire"
    SWITCH_TYPE = "switch_type"
    DISASSOCIATE = "disassociate"


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"
    """A newer invitation of the same partner, or an accepted one of another partner, replaced it."""
    EXPIRED = "expired"


class AssociationRequest(Base):
    __tablename__ = "association_requests"
    __table_args__ = (
        Index("ix_association_requests_customer_id_created_at", "customer_id", "created_at"),
        Index("ix_association_requests_partner_id_created_at", "partner_id", "created_at"),
        Index("ix_association_requests_status_expire_at", "status", "expire_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    """The partner the customer was associated with when the request was made."""
    association_id: Mapped[str] = mapped_column(ForeignKey("associations.id"), index=True)
    request_type: Mapped[str] = mapped_column(String(16))
    target_association_type: Mapped[int | None] = mapped_column(Integer)
    """switch_type only: 1 referral, 2 resale."""
    initiator: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16))
    """As last written; see ``status_at`` for what a reader sees."""
    pending_customer_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expire_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When it left ``pending`` (approved, rejected, cancelled; for an expiry: ``expire_at``)."""
    decision_reason: Mapped[str | None] = mapped_column(String(256))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    """``partner:<id>``, ``customer:<id>`` or ``system`` (expiry)."""

    def status_at(self, now: datetime) -> RequestStatus:
        """A pending request past its expiry reads as expired even before the expiry is applied."""
        if self.status == RequestStatus.PENDING and self.expire_at <= now:
            return RequestStatus.EXPIRED
        return RequestStatus(self.status)


class AssociationRecord(Base):
    """One event of a customer's association with a partner. Append-only."""

    __tablename__ = "association_records"
    __table_args__ = (
        # The list's order (operate_time desc, id desc) read backwards: a page is an index range.
        Index("ix_association_records_partner_listing", "partner_id", "operate_time", "id"),
    )

    id: Mapped[int] = mapped_column(_SEQUENCE, primary_key=True, autoincrement=True)
    """Insertion order: the listing order among records of the same second."""
    record_id: Mapped[str] = mapped_column(String(32), unique=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    request_id: Mapped[str | None] = mapped_column(ForeignKey("association_requests.id"), index=True)
    operation_type: Mapped[str] = mapped_column(String(16))
    initiator: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(256))
    association_type: Mapped[int] = mapped_column(Integer)
    """The association type after the event (for a switch: the new type)."""
    operate_time: Mapped[datetime] = mapped_column(UTCDateTime())


class AssociationInvitation(Base):
    """A partner's invitation to a customer without a partner. ``customer_id`` is NULL when the invited login
    does not exist or already has a partner: the partner gets the same answer either way, and nobody can
    accept it."""

    __tablename__ = "association_invitations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    association_type: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expire_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def status_at(self, now: datetime) -> InvitationStatus:
        if self.status == InvitationStatus.PENDING and self.expire_at <= now:
            return InvitationStatus.EXPIRED
        return InvitationStatus(self.status)


# List orders as indexes (issue 12): a page is an index range read in order, its count an index range.
Index(
    "ix_association_requests_partner_listing",
    AssociationRequest.partner_id,
    AssociationRequest.created_at.desc(),
    AssociationRequest.id,
)
