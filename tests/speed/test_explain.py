"""Every list query reads its page through an index, on both engines (issue 12).

Each case calls the repository function the API calls, with representative filters, records the exact SQL it
sends (statement and parameters, via the engine's cursor event) and asks the database for the plan of each
SELECT. SQLite (``EXPLAIN QUERY PLAN``, no statistics, as in a fresh deployment): no ``SCAN`` of a big table
(a full table or full index walk) and no temporary B-tree to order a LIMITed page. PostgreSQL (``EXPLAIN
(FORMAT JSON)`` with ``enable_seqscan = off``, so a sequential scan shows only when no index can serve the
query): no ``Seq Scan`` of a big table and no ``Sort`` under a ``Limit``.

The one documented exception: the customer list's fuzzy filters (login name, real name, label) match anywhere,
which no B-tree can seek, so they make one pass over customers (the login filter over its narrow index);
the associations side must still be read through the listing index (bench/README.md, "lists.py").

Counts read from ``list_day_counts`` (coupons, coupon and association records, resellers: unfiltered or by
their time window only) are one statement: a primary-key range of it plus index-range counts of the window's
partial edge days; the ", days" cases span whole days, so both parts show in the plan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from partnerhub.associations.models import RequestStatus
from partnerhub.associations.repository import RecordQuery, RecordRepository, RequestQuery, RequestRepository
from partnerhub.audit.repository import AuditRepository
from partnerhub.context import AppContext
from partnerhub.coupons.repository import (
    CouponQuery,
    CouponRecordQuery,
    CouponRecordRepository,
    CouponRepository,
)
from partnerhub.customers.repository import CustomerQuery, CustomerRepository
from partnerhub.funding.repository import FundingRecordsRepository, TransferFilter
from partnerhub.invitations.repository import InvitationRepository
from partnerhub.kit.params import TimeRange
from partnerhub.notifications.repository import NotificationRepository
from partnerhub.partners.repository import PartnerRepository, ResellerQuery
from partnerhub.quotas.repository import (
    IssuedQuotaQuery,
    QuotaQuery,
    QuotaRecordQuery,
    QuotaRecordRepository,
    QuotaRepository,
)

BIG_TABLES = {
    "associations",
    "customers",
    "coupons",
    "coupon_records",
    "coupon_quotas",
    "coupon_quota_records",
    "association_records",
    "association_requests",
    "partners",
    "audit_events",
    "notifications",
    "reseller_invitations",
    "ledger_transfers",
}
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
PARTNER = "p" * 32
CUSTOMER = "c" * 32

ListCall = Callable[[Session], object]


def _customers(query: CustomerQuery, offset: int = 0, matching: int | None = None) -> ListCall:
    def run(session: Session) -> object:
        repository = CustomerRepository(session)
        page = repository.list_for_partner(query, offset=offset, limit=10, matching=matching)
        return page, repository.count_for_partner(query)

    return run


def _customer_cases() -> dict[str, ListCall]:
    base = CustomerQuery(partner_id=PARTNER)
    return {
        "customers": _customers(base),
        "customers deep page": _customers(base, offset=500_000),
        "customers account_name": _customers(CustomerQuery(partner_id=PARTNER, account_name="abc")),
        "customers account_name, many match": _customers(
            CustomerQuery(partner_id=PARTNER, account_name="abc"), matching=10**6
        ),
        "customers real name": _customers(CustomerQuery(partner_id=PARTNER, real_name="Zhang")),
        "customers label": _customers(CustomerQuery(partner_id=PARTNER, label="gold")),
        "customers association_type": _customers(CustomerQuery(partner_id=PARTNER, association_type=1)),
        "customers associated_on": _customers(
            CustomerQuery(partner_id=PARTNER, associated_from=NOW - DAY, associated_before=NOW)
        ),
        "customers type and associated_on": _customers(
            CustomerQuery(
                partner_id=PARTNER, association_type=2, associated_from=NOW - DAY, associated_before=NOW
            ),
            offset=1000,
        ),
        "customers customer_id": _customers(CustomerQuery(partner_id=PARTNER, customer_id=CUSTOMER)),
    }


def _coupon_cases() -> dict[str, ListCall]:
    def coupons(**filters: Any) -> ListCall:
        query = CouponQuery(partner_id=PARTNER, now=NOW, oldest_expiry=NOW - 30 * DAY, **filters)
        return lambda session: CouponRepository(session).search(query, offset=100, limit=10)

    def records(**filters: Any) -> ListCall:
        query = CouponRecordQuery(partner_id=PARTNER, **filters)
        return lambda session: CouponRecordRepository(session).search(query, offset=100, limit=10)

    return {
        "coupons": coupons(),
        "coupons customer": coupons(customer_id=CUSTOMER),
        "coupons status": coupons(status=1),
        "coupons created": coupons(created=TimeRange(NOW - DAY, NOW)),
        "coupons expires": coupons(expires=TimeRange(NOW - 10 * DAY, NOW + 10 * DAY)),
        "coupon records": records(),
        "coupon records customer": records(customer_id=CUSTOMER),
        "coupon records operated": records(operated=TimeRange(NOW - DAY, NOW)),
        "coupon records operated, days": records(operated=TimeRange(NOW - 10 * DAY, NOW)),
    }


def _other_cases() -> dict[str, ListCall]:
    def association_records(**filters: Any) -> ListCall:
        query = RecordQuery(partner_id=PARTNER, **filters)
        return lambda session: RecordRepository(session).search(query, offset=100, limit=10)

    def requests(**filters: Any) -> ListCall:
        query = RequestQuery(partner_id=PARTNER, **filters)
        return lambda session: RequestRepository(session).search(query, NOW, offset=100, limit=10)

    def resellers(**filters: Any) -> ListCall:
        query = ResellerQuery(distributor_id=PARTNER, **filters)

        def run(session: Session) -> object:
            repository = PartnerRepository(session)
            return repository.resellers(query, offset=100, limit=10), repository.count_resellers(query)

        return run

    quota = QuotaQuery(partner_id=PARTNER, now=NOW)
    issued = IssuedQuotaQuery(distributor_id=PARTNER)
    quota_records = QuotaRecordQuery(distributor_id=PARTNER)
    return {
        "association records": association_records(),
        "association records customer": association_records(customer_id=CUSTOMER),
        "association records range": association_records(start=NOW - DAY, end_before=NOW),
        "association records range, days": association_records(start=NOW - 10 * DAY, end_before=NOW),
        "association requests": requests(),
        "association requests status": requests(status=RequestStatus.PENDING),
        "resellers": resellers(),
        "resellers account_name": resellers(account_name="abc"),
        "resellers associated_on": resellers(associated_from=NOW - DAY, associated_before=NOW),
        "resellers associated_on, days": resellers(associated_from=NOW - 10 * DAY, associated_before=NOW),
        "quotas": lambda session: QuotaRepository(session).search(quota, offset=100, limit=10),
        "issued quotas": lambda session: QuotaRepository(session).search_issued(issued, offset=100, limit=10),
        "audit events": lambda session: (
            AuditRepository(session).events_for_partner(PARTNER, action=None, offset=100, limit=10),
            AuditRepository(session).count_for_partner(PARTNER, action=None),
        ),
        "notifications": lambda session: NotificationRepository(session).search(
            "partner", PARTNER, unread_only=True, offset=100, limit=10
        ),
        "reseller invitations": lambda session: (
            InvitationRepository(session).list(PARTNER, None, NOW, offset=100, limit=10),
            InvitationRepository(session).count(PARTNER, None, NOW),
        ),
        "quota records": lambda session: QuotaRecordRepository(session).search(
            quota_records, offset=100, limit=10
        ),
        "account changes": lambda session: FundingRecordsRepository(session).account_changes(
            PARTNER, TransferFilter(begin=NOW - 365 * DAY, end=NOW, end_inclusive=False), offset=100, limit=10
        ),
        "account changes by kind": lambda session: FundingRecordsRepository(session).account_changes(
            PARTNER, TransferFilter(kinds=["fund_customer"], begin=NOW - DAY, end=NOW), offset=0, limit=10
        ),
        "adjust records": lambda session: FundingRecordsRepository(session).adjust_records(
            PARTNER, TransferFilter(begin=NOW - 365 * DAY, end=NOW), offset=100, limit=10
        ),
    }


CASES = {**_customer_cases(), **_coupon_cases(), **_other_cases()}
SCANNED = {
    name: {"customers"}
    for name in (
        "customers account_name",
        "customers account_name, many match",
        "customers real name",
        "customers label",
    )
}
"""Cases allowed one pass over these tables."""


def _recorded(ctx: AppContext, call: ListCall) -> Iterator[tuple[Session, str, Any]]:
    """The SELECTs ``call`` sends, each with its parameters, and the session to explain them in."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    with ctx.sessions() as session:
        event.listen(ctx.engine, "before_cursor_execute", record)
        try:
            call(session)
        finally:
            event.remove(ctx.engine, "before_cursor_execute", record)
        assert sent, "the list ran no SELECT"
        for statement, parameters in sent:
            yield session, statement, parameters
        session.rollback()


def _sqlite_problems(session: Session, statement: str, parameters: Any, big: set[str]) -> list[str]:
    rows = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    details = [str(row[3]) for row in rows]
    problems = [d for d in details if (m := re.match(r"SCAN (\w+)", d)) and m.group(1) in big]
    pages = re.search(r"\bLIMIT\b[^()]*$", statement) is not None
    if pages:
        problems += [d for d in details if "TEMP B-TREE FOR ORDER BY" in d or "RIGHT PART OF ORDER BY" in d]
    return problems


def _plan_nodes(
    node: dict[str, Any], parent: str | None = None
) -> Iterator[tuple[dict[str, Any], str | None]]:
    yield node, parent
    for child in node.get("Plans", []):
        yield from _plan_nodes(child, node["Node Type"])


def _bounded(node: dict[str, Any]) -> bool:
    """Every input of the node passes a Limit first (a sort of at most that many rows, e.g. the merge of two
    index ranges each cut at offset + limit), rather than sorting whatever the tables hold."""
    children = node.get("Plans", [])
    return bool(children) and all(
        child["Node Type"] == "Limit" or (child["Node Type"] != "Sort" and _bounded(child))
        for child in children
    )


def _postgres_problems(session: Session, statement: str, parameters: Any, big: set[str]) -> list[str]:
    connection = session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    raw = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    problems = []
    for node, parent in _plan_nodes(plan):
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in big:
            problems.append(f"Seq Scan on {node['Relation Name']}")
        sorting = node["Node Type"] in ("Sort", "Incremental Sort") and parent == "Limit"
        if sorting and not _bounded(node):
            problems.append(f"{node['Node Type']} under Limit: {node.get('Sort Key')}")
    return problems


@pytest.mark.parametrize("name", sorted(CASES))
def test_list_query_reads_through_an_index(ctx: AppContext, name: str) -> None:
    explain = _sqlite_problems if ctx.engine.dialect.name == "sqlite" else _postgres_problems
    big = BIG_TABLES - SCANNED.get(name, set())
    found = {
        statement: problems
        for session, statement, parameters in _recorded(ctx, CASES[name])
        if (problems := explain(session, statement, parameters, big))
    }
    assert found == {}
