"""The customer list stays exact while it is fast: ``total_count`` (read from the trigger-kept
``association_counts`` when unfiltered or filtered by type only) and every page (keyed from the listing index)
equal a naive count and a naive ordered query, across inserts, bulk inserts, disassociations, type switches,
re-associations and deletes, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from partnerhub.context import AppContext
from partnerhub.customers.models import Association, AssociationCount, Customer
from partnerhub.customers.repository import CustomerQuery, CustomerRepository
from partnerhub.db.session import session_scope
from partnerhub.kit.ids import new_id
from partnerhub.partners.models import PartnerKind
from partnerhub.partners.service import create_partner
from tests.conftest import truncate_all

START = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def clean(ctx: AppContext) -> Iterator[AppContext]:
    yield ctx
    truncate_all(ctx)


def _partner(session: Session, ctx: AppContext) -> str:
    return create_partner(session, ctx.clock, kind=PartnerKind.SOLUTION_PROVIDER, name=f"p {new_id()[:6]}").id


def _rows(partner_id: str, count: int, *, first: int, association_type: int = 2) -> tuple[list, list]:
    customers, associations = [], []
    for number in range(first, first + count):
        customer_id = new_id()
        login = f"exact-{number:05d}"
        customers.append(
            {
                "id": customer_id,
                "domain_name": login,
                "domain_name_key": login,
                "xaccount_id": f"x-{customer_id}",
                "xaccount_type": "test_IDP",
                "owner_partner_id": partner_id,
                "customer_type": -1,
                "verified_status": -1,
                "close_marketing": False,
                "created_at": START,
            }
        )
        associations.append(
            {
                "id": new_id(),
                "customer_id": customer_id,
                "partner_id": partner_id,
                "association_type": association_type,
                # Groups of three share a second: ties are ordered by customer id.
                "associated_on": START + timedelta(seconds=number // 3),
                "ended_on": None,
                "active_customer_id": customer_id,
            }
        )
    return customers, associations


def _naive_ids(session: Session, query: CustomerQuery) -> list[str]:
    conditions = [Association.partner_id == query.partner_id, Association.active_customer_id.is_not(None)]
    if query.association_type is not None:
        conditions.append(Association.association_type == query.association_type)
    if query.associated_from is not None:
        conditions.append(Association.associated_on >= query.associated_from)
    if query.account_name is not None:
        conditions.append(Customer.domain_name_key.contains(query.account_name))
    rows = session.execute(
        select(Association.customer_id, Association.associated_on)
        .join(Customer, Customer.id == Association.customer_id)
        .where(*conditions)
    ).all()
    return [customer_id for customer_id, _ in sorted(rows, key=lambda row: (-row[1].timestamp(), row[0]))]


def _assert_exact(session: Session, partner_id: str) -> None:
    repository = CustomerRepository(session)
    for query in (
        CustomerQuery(partner_id=partner_id),
        CustomerQuery(partner_id=partner_id, association_type=1),
        CustomerQuery(partner_id=partner_id, association_type=2),
        CustomerQuery(partner_id=partner_id, associated_from=START + timedelta(seconds=10)),
        CustomerQuery(partner_id=partner_id, account_name="-000"),
    ):
        expected = _naive_ids(session, query)
        assert repository.count_for_partner(query) == len(expected), query
        for offset in (0, 7, len(expected) - 3, len(expected) + 5):
            start = max(offset, 0)
            # Without the count, and with it (which lets a fuzzy filter walk the list instead).
            for matching in (None, len(expected)):
                page = repository.list_for_partner(query, offset=start, limit=10, matching=matching)
                assert [row.customer.id for row in page] == expected[start : start + 10], (query, matching)
                assert all(row.association.active_customer_id == row.customer.id for row in page)


def test_counts_and_pages_stay_exact_through_every_kind_of_write(clean: AppContext) -> None:
    ctx = clean
    with session_scope(ctx.sessions) as session:
        first, second = _partner(session, ctx), _partner(session, ctx)
        CustomerRepository(session).bulk_insert(*_rows(first, 60, first=0))
        CustomerRepository(session).bulk_insert(*_rows(second, 9, first=100, association_type=1))
    with session_scope(ctx.sessions) as session:
        _assert_exact(session, first)
        _assert_exact(session, second)
        # One at a time through the ORM, as the create-customer service does.
        customers, associations = _rows(first, 5, first=200, association_type=1)
        for customer, association in zip(customers, associations, strict=True):
            CustomerRepository(session).add_with_association(Customer(**customer), Association(**association))
    with session_scope(ctx.sessions) as session:
        _assert_exact(session, first)
        ids = _naive_ids(session, CustomerQuery(partner_id=first))
        # Disassociate three, switch two to referral.
        for customer_id in ids[:3]:
            session.execute(
                update(Association)
                .where(Association.active_customer_id == customer_id)
                .values(active_customer_id=None, ended_on=START)
            )
        session.execute(
            update(Association)
            .where(Association.active_customer_id.in_(ids[10:12]))
            .values(association_type=1)
        )
    with session_scope(ctx.sessions) as session:
        _assert_exact(session, first)
        # Re-associate a disassociated customer with the second partner (a new association row).
        session.add(
            Association(
                id=new_id(),
                customer_id=ids[0],
                partner_id=second,
                association_type=2,
                associated_on=START + timedelta(hours=1),
                active_customer_id=ids[0],
            )
        )
        session.flush()
        # Delete an active and an ended association row.
        session.execute(delete(Association).where(Association.active_customer_id == ids[20]))
        session.execute(delete(Association).where(Association.customer_id == ids[1]))
    with session_scope(ctx.sessions) as session:
        _assert_exact(session, first)
        _assert_exact(session, second)
        stored = dict(
            session.execute(
                select(AssociationCount.association_type, AssociationCount.active).where(
                    AssociationCount.partner_id == first
                )
            ).all()
        )
        naive = dict(
            session.execute(
                select(Association.association_type, func.count())
                .where(Association.partner_id == first, Association.active_customer_id.is_not(None))
                .group_by(Association.association_type)
            ).all()
        )
        assert stored == naive


def test_a_rolled_back_write_leaves_the_count_alone(clean: AppContext) -> None:
    ctx = clean
    with session_scope(ctx.sessions) as session:
        partner = _partner(session, ctx)
        CustomerRepository(session).bulk_insert(*_rows(partner, 4, first=0))
    with ctx.sessions() as session:
        CustomerRepository(session).bulk_insert(*_rows(partner, 3, first=10))
        assert CustomerRepository(session).count_for_partner(CustomerQuery(partner_id=partner)) == 7
        session.rollback()
    with ctx.sessions() as session:
        assert CustomerRepository(session).count_for_partner(CustomerQuery(partner_id=partner)) == 4
