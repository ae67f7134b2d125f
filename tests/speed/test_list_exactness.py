"""The lists stay exact while they are fast, on both engines.

The customer list: ``total_count`` (read from the trigger-kept ``association_counts`` when unfiltered or
filtered by type only) and every page (keyed from the listing index) equal a naive count and a naive ordered
query, across inserts, bulk inserts, disassociations, type switches, re-associations and deletes.

The coupon, coupon-record, association-record and reseller lists: ``total_count`` over many time windows
(whole days from the trigger-kept ``list_day_counts`` plus partial edge days; bounds at, before and after
midnights; none) equals a naive count, and the stored days equal the rows' days, across bulk and single
inserts, updates that move rows between days or partners (and one the count ignores), deletes, a rollback and
an emptying of every table (TRUNCATE on PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from partnerhub.associations.models import AssociationRecord
from partnerhub.associations.repository import RecordQuery, RecordRepository
from partnerhub.context import AppContext
from partnerhub.coupons.models import Coupon, CouponRecord
from partnerhub.coupons.repository import (
    CouponQuery,
    CouponRecordQuery,
    CouponRecordRepository,
    CouponRepository,
)
from partnerhub.customers.models import Association, AssociationCount, Customer
from partnerhub.customers.repository import CustomerQuery, CustomerRepository
from partnerhub.db.session import session_scope
from partnerhub.kit import day_counts
from partnerhub.kit.day_counts import DAY, NULL_DAY, ListDayCount, Listing, day_of
from partnerhub.kit.ids import new_id
from partnerhub.kit.params import TimeRange
from partnerhub.partners.models import Partner, PartnerKind
from partnerhub.partners.repository import PartnerRepository, ResellerQuery
from partnerhub.partners.service import create_partner
from partnerhub.quotas.models import CouponQuota
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


# --- The coupon, coupon-record, association-record and reseller lists: list_day_counts (20261202_0012) ---

DAY0 = datetime(2026, 12, 1, tzinfo=UTC)
STEP = timedelta(hours=7)
"""Rows 7 hours apart: several a day, some exactly at midnight (every 24th)."""
BEGINS = [
    None,
    DAY0 - timedelta(days=3),
    DAY0,
    DAY0 + timedelta(hours=3, minutes=30),
    DAY0 + timedelta(days=2),
    DAY0 + timedelta(days=5, hours=13),
    DAY0 + timedelta(days=7, hours=7),
]
ENDS = [
    None,
    DAY0 + timedelta(days=2),
    DAY0 + timedelta(days=5, hours=20),
    DAY0 + timedelta(days=7, hours=7),
    DAY0 + timedelta(days=9, hours=1),
    DAY0 + timedelta(days=40),
]


@dataclass
class _Lists:
    """One distributor's rows in the four lists, and another distributor to move rows to."""

    partner: str
    other: str
    customer: str
    quota: str
    serial: int = 0

    def moment(self) -> datetime:
        self.serial += 1
        return DAY0 + self.serial * STEP

    def coupon(self, partner: str | None = None) -> dict[str, Any]:
        moment = self.moment()
        return {
            "id": new_id(),
            "partner_id": partner or self.partner,
            "customer_id": self.customer,
            "quota_id": self.quota,
            "quota_type": 0,
            "coupon_type": 1,
            "face_value_minor": 100,
            "status": 2,
            "effective_time": moment - timedelta(days=30),
            "expire_time": moment,
            "created_at": moment - timedelta(days=30),
            "updated_at": moment,
        }

    def coupon_record(self, coupon_id: str) -> dict[str, Any]:
        return {
            "partner_id": self.partner,
            "operation_type": 1,
            "quota_id": self.quota,
            "quota_type": 0,
            "coupon_id": coupon_id,
            "customer_id": self.customer,
            "amount_minor": 100,
            "result": 0,
            "operator": "test",
            "operation_time": self.moment(),
        }

    def association_record(self) -> dict[str, Any]:
        return {
            "record_id": new_id(),
            "partner_id": self.partner,
            "customer_id": self.customer,
            "operation_type": "associate",
            "initiator": "partner",
            "association_type": 2,
            "operate_time": self.moment(),
        }

    def reseller(self) -> dict[str, Any]:
        moment = self.moment()
        name = f"exact-reseller-{new_id()[:12]}"
        return {
            "id": new_id(),
            "kind": PartnerKind.RESELLER.value,
            "parent_id": self.partner,
            "name": name,
            "account_name": name,
            "account_name_key": name,
            "xaccount_type": f"x-{name}",
            "created_at": moment,
            "associated_on": moment,
        }

    def bulk(self, session: Session, count: int) -> list[str]:
        """``count`` rows of each list in four multi-row INSERTs; the coupon ids."""
        coupons = [self.coupon() for _ in range(count)]
        session.execute(insert(Coupon), coupons)
        session.execute(insert(CouponRecord), [self.coupon_record(row["id"]) for row in coupons])
        session.execute(insert(AssociationRecord), [self.association_record() for _ in range(count)])
        session.execute(insert(Partner), [self.reseller() for _ in range(count)])
        return [row["id"] for row in coupons]

    def single(self, session: Session) -> None:
        """One row of each list through the ORM, each flushed on its own."""
        coupon = Coupon(**self.coupon())
        session.add(coupon)
        session.flush()
        for row in (
            CouponRecord(**self.coupon_record(coupon.id)),
            AssociationRecord(**self.association_record()),
            Partner(**self.reseller()),
        ):
            session.add(row)
            session.flush()


def _setup_lists(session: Session, ctx: AppContext) -> _Lists:
    partner = create_partner(session, ctx.clock, kind=PartnerKind.DISTRIBUTOR, name=f"d {new_id()[:6]}").id
    other = create_partner(session, ctx.clock, kind=PartnerKind.DISTRIBUTOR, name=f"d {new_id()[:6]}").id
    customers, associations = _rows(partner, 1, first=900)
    CustomerRepository(session).bulk_insert(customers, associations)
    quota = new_id()
    session.execute(
        insert(CouponQuota).values(
            id=quota,
            partner_id=partner,
            quota_type=0,
            quota_value_minor=10**9,
            currency="CNY",
            status=1,
            effective_time=DAY0,
            expire_time=DAY0 + timedelta(days=365),
            created_at=DAY0,
            updated_at=DAY0,
        )
    )
    return _Lists(partner, other, customers[0]["id"], quota)


def _naive(session: Session, partner: Any, column: Any, begin: Any, end: Any, *, inclusive: bool) -> int:
    conditions = [partner]
    if begin is not None:
        conditions.append(column >= begin)
    if end is not None:
        conditions.append(column <= end if inclusive else column < end)
    return int(session.scalar(select(func.count()).where(*conditions)) or 0)


def _assert_lists_exact(session: Session, partner: str) -> None:
    now = DAY0 + timedelta(days=400)
    for begin in BEGINS:
        for end in ENDS:
            oldest = begin or DAY0 - timedelta(days=1000)
            coupons = CouponQuery(
                partner_id=partner, now=now, oldest_expiry=oldest, expires=TimeRange(end=end)
            )
            naive = _naive(
                session, Coupon.partner_id == partner, Coupon.expire_time, oldest, end, inclusive=True
            )
            assert CouponRepository(session).search(coupons, offset=0, limit=1)[0] == naive, (begin, end)
            # An expiry range's own begin, later than the mandatory window's.
            later = CouponQuery(
                partner_id=partner, now=now, oldest_expiry=oldest - DAY, expires=TimeRange(begin, end)
            )
            assert CouponRepository(session).search(later, offset=0, limit=1)[0] == naive, (begin, end)
            records = CouponRecordQuery(partner_id=partner, operated=TimeRange(begin, end))
            naive = _naive(
                session,
                CouponRecord.partner_id == partner,
                CouponRecord.operation_time,
                begin,
                end,
                inclusive=True,
            )
            assert CouponRecordRepository(session).search(records, offset=0, limit=1)[0] == naive, (
                begin,
                end,
            )
            history = RecordQuery(partner_id=partner, start=begin, end_before=end)
            naive = _naive(
                session,
                AssociationRecord.partner_id == partner,
                AssociationRecord.operate_time,
                begin,
                end,
                inclusive=False,
            )
            assert RecordRepository(session).search(history, offset=0, limit=1)[0] == naive, (begin, end)
            resellers = ResellerQuery(distributor_id=partner, associated_from=begin, associated_before=end)
            naive = _naive(
                session, Partner.parent_id == partner, Partner.associated_on, begin, end, inclusive=False
            )
            assert PartnerRepository(session).count_resellers(resellers) == naive, (begin, end)
    _assert_buckets(session, partner)


def _assert_buckets(session: Session, partner: str) -> None:
    """The stored days are the rows' UTC days as Python computes them (the windows' edges rely on it)."""
    columns = {
        Listing.COUPONS: (Coupon.partner_id, Coupon.expire_time),
        Listing.COUPON_RECORDS: (CouponRecord.partner_id, CouponRecord.operation_time),
        Listing.ASSOCIATION_RECORDS: (AssociationRecord.partner_id, AssociationRecord.operate_time),
        Listing.RESELLERS: (Partner.parent_id, Partner.associated_on),
    }
    for listing, (owner, column) in columns.items():
        naive: Counter[int] = Counter(
            NULL_DAY if moment is None else day_of(moment)
            for moment in session.scalars(select(column).where(owner == partner))
        )
        stored = dict(
            session.execute(
                select(ListDayCount.day, ListDayCount.entries).where(
                    ListDayCount.partner_id == partner,
                    ListDayCount.listing == listing.value,
                    ListDayCount.entries != 0,
                )
            ).all()
        )
        assert stored == dict(naive), listing


def test_list_day_counts_stay_exact_through_every_kind_of_write(clean: AppContext) -> None:
    ctx = clean
    with session_scope(ctx.sessions) as session:
        lists = _setup_lists(session, ctx)
        coupon_ids = lists.bulk(session, 30)
    with session_scope(ctx.sessions) as session:
        _assert_lists_exact(session, lists.partner)
        for _ in range(3):
            lists.single(session)
    with session_scope(ctx.sessions) as session:
        _assert_lists_exact(session, lists.partner)
        # Moves between days (several rows in one statement, rows from different days to one; through the
        # ORM), a change the count ignores (status), and moves to another partner.
        session.execute(
            update(Coupon).where(Coupon.id.in_(coupon_ids[:4])).values(expire_time=DAY0 + 3 * DAY + STEP)
        )
        session.execute(update(Coupon).where(Coupon.id.in_(coupon_ids[4:8])).values(status=4))
        session.execute(update(Coupon).where(Coupon.id == coupon_ids[8]).values(partner_id=lists.other))
        coupon = session.get(Coupon, coupon_ids[9])
        assert coupon is not None
        coupon.expire_time = coupon.expire_time - timedelta(hours=5)  # through the ORM
        session.flush()
        first_records = list(
            session.scalars(select(CouponRecord.id).where(CouponRecord.partner_id == lists.partner).limit(3))
        )
        session.execute(
            update(CouponRecord)
            .where(CouponRecord.id.in_(first_records))
            .values(operation_time=DAY0 + 6 * DAY)
        )
        session.execute(
            update(AssociationRecord)
            .where(AssociationRecord.partner_id == lists.partner, AssociationRecord.id % 5 == 0)
            .values(operate_time=DAY0 - 2 * DAY + STEP)
        )
        resellers = list(
            session.scalars(select(Partner.id).where(Partner.parent_id == lists.partner).order_by(Partner.id))
        )
        session.execute(
            update(Partner)
            .where(Partner.id.in_(resellers[:3]))
            .values(associated_on=DAY0 + 4 * DAY - timedelta(microseconds=1))
        )
        session.execute(update(Partner).where(Partner.id == resellers[3]).values(parent_id=lists.other))
        session.execute(update(Partner).where(Partner.id == resellers[4]).values(parent_id=None))
        session.execute(update(Partner).where(Partner.id == resellers[5]).values(associated_on=None))
        session.execute(update(Partner).where(Partner.id == resellers[6]).values(name="renamed"))
    with session_scope(ctx.sessions) as session:
        _assert_lists_exact(session, lists.partner)
        _assert_lists_exact(session, lists.other)
        # Deletes: one row, and several in one statement.
        session.execute(delete(CouponRecord).where(CouponRecord.coupon_id.in_(coupon_ids[10:14])))
        session.execute(delete(Coupon).where(Coupon.id.in_(coupon_ids[10:14])))
        session.execute(
            delete(AssociationRecord).where(
                AssociationRecord.partner_id == lists.partner, AssociationRecord.id % 3 == 0
            )
        )
        session.execute(delete(Partner).where(Partner.id.in_(resellers[5:9])))
    with session_scope(ctx.sessions) as session:
        _assert_lists_exact(session, lists.partner)
        _assert_lists_exact(session, lists.other)
    # A rolled-back write leaves every count alone.
    with ctx.sessions() as session:
        lists.bulk(session, 5)
        lists.single(session)
        session.rollback()
    with session_scope(ctx.sessions) as session:
        _assert_lists_exact(session, lists.partner)
    # Emptied (TRUNCATE on PostgreSQL), then written again.
    truncate_all(ctx)
    with session_scope(ctx.sessions) as session:
        assert (
            session.scalar(select(func.count()).select_from(ListDayCount).where(ListDayCount.entries != 0))
            == 0
        )
        lists = _setup_lists(session, ctx)
        lists.bulk(session, 7)
    with session_scope(ctx.sessions) as session:
        _assert_lists_exact(session, lists.partner)


# --- Deep pages skip whole days by their counts (DayCounted.seek) and still return the walked page ---


def _pages(session: Session, partner: str) -> list[tuple[object, ...]]:
    """Every window's pages at many offsets of the coupon-record, association-record and reseller lists."""
    pages: list[tuple[object, ...]] = []
    for begin in BEGINS:
        for end in ENDS:
            for offset in range(0, 40, 3):
                records = CouponRecordQuery(partner_id=partner, operated=TimeRange(begin, end))
                rows = CouponRecordRepository(session).search(records, offset=offset, limit=4)[1]
                pages.append(("coupon records", begin, end, offset, [row.id for row in rows]))
                history = RecordQuery(partner_id=partner, start=begin, end_before=end)
                found = RecordRepository(session).search(history, offset=offset, limit=4)[1]
                pages.append(("association records", begin, end, offset, [row.record.id for row in found]))
                resellers = ResellerQuery(
                    distributor_id=partner, associated_from=begin, associated_before=end
                )
                partners = PartnerRepository(session).resellers(resellers, offset=offset, limit=4)
                pages.append(("resellers", begin, end, offset, [row.id for row in partners]))
    return pages


def test_deep_pages_that_skip_days_equal_the_walked_pages(
    clean: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = clean
    with session_scope(ctx.sessions) as session:
        lists = _setup_lists(session, ctx)
        lists.bulk(session, 40)
        for _ in range(3):
            lists.single(session)
        resellers = list(
            session.scalars(select(Partner.id).where(Partner.parent_id == lists.partner).order_by(Partner.id))
        )
        # Rows without a time (first on PostgreSQL, last on SQLite when descending) and ties across a day.
        session.execute(update(Partner).where(Partner.id.in_(resellers[:2])).values(associated_on=None))
        session.execute(
            update(AssociationRecord)
            .where(AssociationRecord.partner_id == lists.partner, AssociationRecord.id % 4 == 0)
            .values(operate_time=DAY0 + 2 * DAY)
        )
    with ctx.sessions() as session:
        monkeypatch.setattr(day_counts, "SEEK_FROM", 10**9)
        walked = _pages(session, lists.partner)
        monkeypatch.setattr(day_counts, "SEEK_FROM", 0)
        bounded: list[datetime] = []
        seek = day_counts.DayCounted.seek

        def spied(self: day_counts.DayCounted, session: Session, offset: int) -> day_counts.Seek:
            found = seek(self, session, offset)
            if found.before is not None:
                bounded.append(found.before)
            return found

        monkeypatch.setattr(day_counts.DayCounted, "seek", spied)
        sought = _pages(session, lists.partner)
    assert sum(1 for page in walked if page[-1]) > len(walked) // 4  # many pages hold rows
    assert len(bounded) > len(walked) // 4  # and many of them skipped days
    for walked_page, sought_page in zip(walked, sought, strict=True):
        assert sought_page == walked_page


def test_a_fuzzy_page_whose_matches_are_all_old_falls_back_from_the_bounded_walk(
    clean: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Matches need not be spread evenly: here they are the oldest 100 of 3,000. The walk the share of
    matches predicts finds none of them among the newest entries it may check, so the page comes from one
    pass over customers instead, and is the same page; an even spread fills the page from the walk."""
    ctx = clean
    with session_scope(ctx.sessions) as session:
        partner = _partner(session, ctx)
        CustomerRepository(session).bulk_insert(*_rows(partner, 3000, first=0))
    walks: list[tuple[int, int]] = []
    walked = CustomerRepository._walked_ids

    def spied(
        self: CustomerRepository, query: CustomerQuery, offset: int, limit: int, budget: int
    ) -> tuple[list[str], bool]:
        found, whole = walked(self, query, offset, limit, budget)
        walks.append((budget, len(found)))
        return found, whole

    monkeypatch.setattr(CustomerRepository, "_walked_ids", spied)
    with ctx.sessions() as session:
        repository = CustomerRepository(session)
        # The oldest 100 (exact-00000 … exact-00099); all; logins with a 5, spread over every age.
        for needle, walk_fills_the_page in (("exact-000", False), ("exact-0", True), ("5", True)):
            query = CustomerQuery(partner_id=partner, account_name=needle)
            expected = _naive_ids(session, query)
            assert repository.count_for_partner(query) == len(expected)
            for offset in (0, 40, len(expected) - 5):
                walks.clear()
                page = repository.list_for_partner(query, offset=offset, limit=10, matching=len(expected))
                assert [row.customer.id for row in page] == expected[offset : offset + 10], (needle, offset)
                assert walks, needle  # the share of matches predicted a short walk every time
                if offset == 0:
                    budget, found = walks[0]
                    assert budget < 3000, needle
                    assert (found == 10) is walk_fills_the_page, (needle, walks)
