"""Queries on partners and access keys."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.orm import Session

from partnerhub.kit.day_counts import DayCounted, Listing, Seek, Window
from partnerhub.partners.models import AccessKey, Partner


@dataclass(frozen=True)
class ResellerQuery:
    distributor_id: str
    account_name: str | None = None
    associated_from: datetime | None = None
    associated_before: datetime | None = None
    """Exclusive."""
    reseller_id: str | None = None


class PartnerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, partner_id: str) -> Partner | None:
        return self.session.get(Partner, partner_id)

    def by_account_name(self, account_name: str) -> Partner | None:
        return self.session.scalars(
            select(Partner).where(Partner.account_name_key == account_name.lower())
        ).one_or_none()

    def mobile_taken(self, mobile: str) -> bool:
        """Whether any partner is registered with this (normalized, 11-digit) mobile number."""
        found = self.session.scalar(select(Partner.id).where(Partner.mobile == mobile).limit(1))
        return found is not None

    def lock_mobile(self, mobile: str) -> None:
        """Serialize registrations of one mobile number until the transaction ends.

        PostgreSQL: a transaction-scoped advisory lock keyed by a hash of the number (there is no row to
        lock before the partner exists). SQLite serializes every writer already.
        """
        if self.session.get_bind().dialect.name != "postgresql":
            return
        digest = hashlib.sha256(f"partner-mobile:{mobile}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    def list_all(self) -> Sequence[Partner]:
        return self.session.scalars(select(Partner).order_by(Partner.created_at, Partner.id)).all()

    def reseller_of(self, distributor_id: str, reseller_id: str) -> Partner | None:
        """The reseller when it belongs to this distributor, else None (another's behaves as missing)."""
        return self.session.scalars(
            select(Partner).where(Partner.id == reseller_id, Partner.parent_id == distributor_id)
        ).one_or_none()

    def resellers(self, query: ResellerQuery, *, offset: int, limit: int) -> Sequence[Partner]:
        """The distributor's resellers, newest association first."""
        order = (Partner.associated_on.desc(), Partner.id)
        counted = _day_counted(query)
        seek = Seek(None, offset) if counted is None else counted.seek(self.session, offset)
        # The page's ids from the listing index first, so a deep page skips index entries, not table rows.
        page = (
            select(Partner.id)
            .where(*_reseller_conditions(query), *seek.bound(Partner.associated_on))
            .order_by(*order)
            .offset(seek.offset)
            .limit(limit)
        )
        return self.session.scalars(select(Partner).where(Partner.id.in_(page)).order_by(*order)).all()

    def count_resellers(self, query: ResellerQuery) -> int:
        """Exact. Unfiltered or by association time only, it is read from ``list_day_counts`` plus the
        partial days at the range's edges; other filters count the matching index range."""
        counted = _day_counted(query)
        if counted is not None:
            return counted.count(self.session)
        return int(
            self.session.scalar(select(func.count()).select_from(Partner).where(*_reseller_conditions(query)))
            or 0
        )

    def add(self, partner: Partner) -> None:
        self.session.add(partner)
        self.session.flush()


class AccessKeyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get_active(self, access_key: str) -> AccessKey | None:
        return self.session.scalars(
            select(AccessKey).where(AccessKey.access_key == access_key, AccessKey.status == "active")
        ).one_or_none()

    def get(self, access_key: str) -> AccessKey | None:
        return self.session.get(AccessKey, access_key)

    def list(self, partner_id: str | None = None) -> Sequence[AccessKey]:
        statement = select(AccessKey).order_by(AccessKey.created_at, AccessKey.access_key)
        if partner_id is not None:
            statement = statement.where(AccessKey.partner_id == partner_id)
        return self.session.scalars(statement).all()

    def add(self, key: AccessKey) -> None:
        self.session.add(key)
        self.session.flush()


def _day_counted(query: ResellerQuery) -> DayCounted | None:
    """The list as ``list_day_counts`` counts it, when only its time window filters it."""
    if query.account_name or query.reseller_id:
        return None
    return DayCounted(
        Listing.RESELLERS,
        query.distributor_id,
        Partner.parent_id,
        Partner.associated_on,
        Window(query.associated_from, query.associated_before, end_exclusive=True),
    )


def _reseller_conditions(query: ResellerQuery) -> list[ColumnElement[bool]]:
    conditions = [Partner.parent_id == query.distributor_id]
    if query.account_name:
        conditions.append(Partner.account_name_key.contains(query.account_name.lower(), autoescape=True))
    if query.associated_from:
        conditions.append(Partner.associated_on >= query.associated_from)
    if query.associated_before:
        conditions.append(Partner.associated_on < query.associated_before)
    if query.reseller_id:
        conditions.append(Partner.id == query.reseller_id)
    return conditions
