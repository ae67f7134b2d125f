"""Queries on customers and associations. Partner-facing queries are scoped by partner."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from partnerhub.customers.models import Association, Customer


class CustomerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, customer_id: str) -> Customer | None:
        return self.session.get(Customer, customer_id)

    def by_domain_name(self, name: str) -> Customer | None:
        return self.session.scalars(
            select(Customer).where(Customer.domain_name_key == name.lower())
        ).one_or_none()

    def count_with_mobile(self, mobile: str) -> int:
        return int(self.session.scalar(select(func.count()).where(Customer.mobile == mobile)) or 0)

    def email_taken(self, email: str) -> bool:
        found = self.session.scalar(select(Customer.id).where(Customer.email_key == email.lower()).limit(1))
        return found is not None


class AssociationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def active_for(self, customer_id: str, partner_id: str) -> Association | None:
        """The customer's active association with this partner, or None (missing and foreign look alike)."""
        return self.session.scalars(
            select(Association).where(
                Association.active_customer_id == customer_id, Association.partner_id == partner_id
            )
        ).one_or_none()

    def add(self, association: Association) -> None:
        self.session.add(association)
        self.session.flush()
