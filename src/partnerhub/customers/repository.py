"""Queries on customers and associations. Partner-facing queries are scoped by partner."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from partnerhub.customers.models import Customer


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
