"""Queries on association requests, records and invitations. Partner reads are scoped by ``partner_id``,
customer reads by ``customer_id``: someone else's request answers exactly like a missing one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from partnerhub.associations.models import (
    AssociationInvitation,
    AssociationRecord,
    AssociationRequest,
    InvitationStatus,
    RequestStatus,
)
from partnerhub.customers.models import Customer
from partnerhub.kit.day_counts import DayCounted, Listing, Seek, Window


@dataclass(frozen=True)
class RequestQuery:
    """None: not a filter."""

    partner_id: str | None = None
    customer_id: str | None = None
    status: RequestStatus | None = None
    initiator: str | None = None
    request_type: str | None = None


@dataclass(frozen=True)
class RecordQuery:
    partner_id: str
    customer_id: str | None = None
    operation_type: str | None = None
    start: datetime | None = None
    """Inclusive."""
    end_before: datetime | None = None
    """Exclusive."""


@dataclass(frozen=True)
class RecordRow:
    record: AssociationRecord
    account_name: str
    request: AssociationRequest | None


def reads_as(
    status: RequestStatus, now: datetime, stored: SQLColumnExpression[str] = AssociationRequest.status
) -> ColumnElement[bool]:
    """Requests whose status as a reader sees it (pending past expiry → expired) equals ``status``."""
    pending = stored == RequestStatus.PENDING.value
    if status is RequestStatus.PENDING:
        return and_(pending, AssociationRequest.expire_at > now)
    if status is RequestStatus.EXPIRED:
        return or_(
            stored == RequestStatus.EXPIRED.value,
            and_(pending, AssociationRequest.expire_at <= now),
        )
    return stored == status.value


_STATUS_UNINDEXED = AssociationRequest.status.concat("")
"""The list's status filter, kept off the (status, expire_at) index: a page walks the listing index in order
(partner, newest first) instead of sorting every request of that status."""


class RequestRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def try_add(self, request: AssociationRequest) -> bool:
        """Insert inside a savepoint; False when the customer's pending slot was taken concurrently."""
        try:
            with self.session.begin_nested():
                self.session.add(request)
                self.session.flush()
        except IntegrityError:
            return False
        return True

    def get_for_partner(self, partner_id: str, request_id: str) -> AssociationRequest | None:
        return self.session.scalars(
            select(AssociationRequest).where(
                AssociationRequest.id == request_id, AssociationRequest.partner_id == partner_id
            )
        ).one_or_none()

    def get_for_customer(self, customer_id: str, request_id: str) -> AssociationRequest | None:
        return self.session.scalars(
            select(AssociationRequest).where(
                AssociationRequest.id == request_id, AssociationRequest.customer_id == customer_id
            )
        ).one_or_none()

    def lock(self, request_id: str) -> AssociationRequest:
        return self.session.scalars(
            select(AssociationRequest)
            .where(AssociationRequest.id == request_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()

    def pending_of(self, customer_id: str, *, for_update: bool = False) -> AssociationRequest | None:
        """The request holding the customer's pending slot (possibly past its expiry)."""
        statement = select(AssociationRequest).where(AssociationRequest.pending_customer_id == customer_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(statement).one_or_none()

    def count_since(
        self, *, customer_id: str, request_type: str, initiator: str, partner_id: str | None, since: datetime
    ) -> int:
        """Requests of this type and initiator for the customer made at or after ``since`` (a partner's own
        when ``partner_id`` is given), whatever became of them."""
        conditions = [
            AssociationRequest.customer_id == customer_id,
            AssociationRequest.request_type == request_type,
            AssociationRequest.initiator == initiator,
            AssociationRequest.created_at >= since,
        ]
        if partner_id is not None:
            conditions.append(AssociationRequest.partner_id == partner_id)
        return int(self.session.scalar(select(func.count()).where(*conditions)) or 0)

    def expired_unswept(self, now: datetime) -> Sequence[AssociationRequest]:
        """Pending requests past their expiry, locked in id order."""
        return self.session.scalars(
            select(AssociationRequest)
            .where(
                AssociationRequest.status == RequestStatus.PENDING.value,
                AssociationRequest.expire_at <= now,
            )
            .order_by(AssociationRequest.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()

    def search(
        self, query: RequestQuery, now: datetime, *, offset: int, limit: int
    ) -> tuple[int, Sequence[AssociationRequest]]:
        conditions: list[ColumnElement[bool]] = []
        if query.partner_id is not None:
            conditions.append(AssociationRequest.partner_id == query.partner_id)
        if query.customer_id is not None:
            conditions.append(AssociationRequest.customer_id == query.customer_id)
        if query.status is not None:
            conditions.append(reads_as(query.status, now, _STATUS_UNINDEXED))
        if query.initiator is not None:
            conditions.append(AssociationRequest.initiator == query.initiator)
        if query.request_type is not None:
            conditions.append(AssociationRequest.request_type == query.request_type)
        statement = select(AssociationRequest).where(*conditions)
        total = int(self.session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
        rows = self.session.scalars(
            statement.order_by(AssociationRequest.created_at.desc(), AssociationRequest.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return total, rows


class RecordRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: AssociationRecord) -> None:
        self.session.add(record)
        self.session.flush()

    def search(self, query: RecordQuery, *, offset: int, limit: int) -> tuple[int, list[RecordRow]]:
        record = AssociationRecord
        conditions: list[ColumnElement[bool]] = [record.partner_id == query.partner_id]
        if query.customer_id is not None:
            conditions.append(record.customer_id == query.customer_id)
        if query.operation_type is not None:
            conditions.append(record.operation_type == query.operation_type)
        if query.start is not None:
            conditions.append(record.operate_time >= query.start)
        if query.end_before is not None:
            conditions.append(record.operate_time < query.end_before)
        seek = Seek(None, offset)
        if query.customer_id is None and query.operation_type is None:
            # Read from list_day_counts plus the partial days at the range's edges; a deep page skips days.
            counted = DayCounted(
                Listing.ASSOCIATION_RECORDS,
                query.partner_id,
                record.partner_id,
                record.operate_time,
                Window(query.start, query.end_before, end_exclusive=True),
            )
            total = counted.count(self.session)
            seek = counted.seek(self.session, offset)
        else:
            total = int(self.session.scalar(select(func.count()).select_from(record).where(*conditions)) or 0)
        order = (record.operate_time.desc(), record.id.desc())
        # The page's ids from the listing index first, so a deep page skips index entries, not joined rows.
        page = (
            select(record.id)
            .where(*conditions, *seek.bound(record.operate_time))
            .order_by(*order)
            .offset(seek.offset)
            .limit(limit)
        )
        statement = (
            select(record, Customer.domain_name, AssociationRequest)
            .join(Customer, Customer.id == record.customer_id)
            .outerjoin(AssociationRequest, AssociationRequest.id == record.request_id)
            .where(record.id.in_(page))
            .order_by(*order)
        )
        rows = [RecordRow(row, name, request) for row, name, request in self.session.execute(statement)]
        return total, rows


class InvitationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, invitation: AssociationInvitation) -> None:
        self.session.add(invitation)
        self.session.flush()

    def supersede_pending(
        self, *, customer_id: str, partner_id: str | None = None, keep: str | None = None
    ) -> None:
        """Mark the customer's pending invitations superseded (only this partner's when given; all but
        ``keep``)."""
        conditions = [
            AssociationInvitation.customer_id == customer_id,
            AssociationInvitation.status == InvitationStatus.PENDING.value,
        ]
        if partner_id is not None:
            conditions.append(AssociationInvitation.partner_id == partner_id)
        if keep is not None:
            conditions.append(AssociationInvitation.id != keep)
        self.session.execute(
            update(AssociationInvitation)
            .where(*conditions)
            .values(status=InvitationStatus.SUPERSEDED.value)
            .execution_options(synchronize_session="fetch")
        )

    def lock_for_customer(self, customer_id: str, invitation_id: str) -> AssociationInvitation | None:
        return self.session.scalars(
            select(AssociationInvitation)
            .where(
                AssociationInvitation.id == invitation_id, AssociationInvitation.customer_id == customer_id
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()

    def for_customer(
        self, customer_id: str, *, offset: int, limit: int
    ) -> tuple[int, Sequence[AssociationInvitation]]:
        condition = AssociationInvitation.customer_id == customer_id
        total = int(
            self.session.scalar(select(func.count()).select_from(AssociationInvitation).where(condition)) or 0
        )
        rows = self.session.scalars(
            select(AssociationInvitation)
            .where(condition)
            .order_by(AssociationInvitation.created_at.desc(), AssociationInvitation.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return total, rows
