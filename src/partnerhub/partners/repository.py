"""Queries on partners and access keys."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from partnerhub.partners.models import AccessKey, Partner


class PartnerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, partner_id: str) -> Partner | None:
        return self.session.get(Partner, partner_id)

    def by_account_name(self, account_name: str) -> Partner | None:
        return self.session.scalars(
            select(Partner).where(Partner.account_name_key == account_name.lower())
        ).one_or_none()

    def list_all(self) -> Sequence[Partner]:
        return self.session.scalars(select(Partner).order_by(Partner.created_at, Partner.id)).all()

    def reseller_of(self, distributor_id: str, reseller_id: str) -> Partner | None:
        """The reseller when it belongs to this distributor, else None (another's behaves as missing)."""
        return self.session.scalars(
            select(Partner).where(Partner.id == reseller_id, Partner.parent_id == distributor_id)
        ).one_or_none()

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

    def add(self, key: AccessKey) -> None:
        self.session.add(key)
        self.session.flush()
