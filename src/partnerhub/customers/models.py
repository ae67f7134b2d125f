"""Customers and their association with a partner.

``mobile`` keeps NULL (never given) apart from ``""`` (given as empty), as the API demands.
An association is active while ``active_customer_id`` holds the customer id; the unique constraint on it
allows exactly one active association per customer on both engines (NULLs never collide).
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, StrEnum

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from partnerhub.db.base import Base, UTCDateTime


class FreezeType(StrEnum):
    """What a freeze covers; ``customers.freeze_type`` holds one of these, NULL when not frozen."""

    ACCOUNT = "ACCOUNT"
    ACCOUNT_AND_RESOURCE = "ACCOUNT_AND_RESOURCE"


class AssociationType(IntEnum):
    REFERRAL = 1
    """顾问销售: the customer pays the cloud directly."""
    RESALE = 2
    """代售: the partner funds the customer (default for API-created customers)."""


ENTERPRISE = 1
"""``customer_type`` of an enterprise: its real name is a company's, shown unmasked."""


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("owner_partner_id", "xaccount_type", "xaccount_id"),
        Index("ix_customers_mobile", "mobile"),
        Index("ix_customers_email_key", "email_key"),
        # The login-name filter (a LIKE '%x%') reads this narrow index instead of the table.
        Index("ix_customers_login_listing", "domain_name_key", "id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    domain_name: Mapped[str] = mapped_column(String(64))
    domain_name_key: Mapped[str] = mapped_column(String(64), unique=True)
    mobile_country: Mapped[str | None] = mapped_column(String(8))
    mobile: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(256))
    email_key: Mapped[str | None] = mapped_column(String(256))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    xaccount_id: Mapped[str] = mapped_column(String(128))
    xaccount_type: Mapped[str] = mapped_column(String(64))
    owner_partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    """The partner that created the customer (xaccount ids are unique per partner)."""
    customer_type: Mapped[int] = mapped_column(Integer, default=-1)
    verified_status: Mapped[int] = mapped_column(Integer, default=-1)
    real_name: Mapped[str | None] = mapped_column(String(255))
    freeze_type: Mapped[str | None] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(String(64))
    customer_level: Mapped[str | None] = mapped_column(String(8))
    close_marketing: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Association(Base):
    __tablename__ = "associations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    association_type: Mapped[int] = mapped_column(Integer)
    """1 = referral (顾问销售), 2 = resale (代售)."""
    associated_on: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ended_on: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active_customer_id: Mapped[str | None] = mapped_column(String(32), unique=True)


_ACTIVE = Association.active_customer_id.is_not(None)
# The customer list's order (newest association first, ties by customer id) as an index, over active
# associations only: a page is an index range, and the keys of a deep page come from the index alone.
Index(
    "ix_associations_partner_listing",
    Association.partner_id,
    Association.associated_on.desc(),
    Association.active_customer_id,
    sqlite_where=_ACTIVE,
    postgresql_where=_ACTIVE,
)
Index(
    "ix_associations_partner_type_listing",
    Association.partner_id,
    Association.association_type,
    Association.associated_on.desc(),
    Association.active_customer_id,
    sqlite_where=_ACTIVE,
    postgresql_where=_ACTIVE,
)


class AssociationCount(Base):
    """How many customers are actively associated with a partner, per association type: the customer list's
    exact ``total_count`` without counting rows. Kept by database triggers on ``associations`` (migration
    20261202_0011), so every writer, bulk seeding included, keeps it right in its own transaction."""

    __tablename__ = "association_counts"

    partner_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    association_type: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    active: Mapped[int] = mapped_column(BigInteger, default=0)


class CustomerFreezeEvent(Base):
    """Who froze or unfroze a customer, when, how and why. Append-only history; the current state is
    ``customers.freeze_type``."""

    __tablename__ = "customer_freeze_events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    """The partner the customer is associated with (a reseller when its distributor acted for it)."""
    operator_partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    """The partner that made the call."""
    action: Mapped[str] = mapped_column(String(16))
    """``freeze`` or ``unfreeze``."""
    freeze_type: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
