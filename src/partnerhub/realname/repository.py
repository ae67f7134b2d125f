"""Queries on real-name applications."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from partnerhub.realname.models import REVIEW_PENDING, REVIEW_REJECTED, RealnameApplication


class RealnameRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, application: RealnameApplication) -> None:
        self.session.add(application)
        self.session.flush()

    def latest_for(self, customer_id: str) -> RealnameApplication | None:
        return self.session.scalars(
            select(RealnameApplication)
            .where(RealnameApplication.customer_id == customer_id)
            .order_by(RealnameApplication.id.desc())
            .limit(1)
        ).first()

    def attempts_of(self, customer_id: str) -> int:
        return int(
            self.session.scalar(select(func.count()).where(RealnameApplication.customer_id == customer_id))
            or 0
        )

    def customers_with_number(self, number_hash: str, *, other_than: str) -> int:
        """Other customers holding a pending or approved application with this ID number."""
        return int(
            self.session.scalar(
                select(func.count(func.distinct(RealnameApplication.customer_id))).where(
                    RealnameApplication.number_hash == number_hash,
                    RealnameApplication.customer_id != other_than,
                    RealnameApplication.review_result != REVIEW_REJECTED,
                )
            )
            or 0
        )

    def pending(self) -> Sequence[RealnameApplication]:
        return self.session.scalars(
            select(RealnameApplication)
            .where(RealnameApplication.review_result == REVIEW_PENDING)
            .order_by(RealnameApplication.id)
        ).all()
