"""``partnerhub demo``'s bulk customers are built by the database (``INSERT … SELECT``), on both engines: each
row must be exactly what the Python row builder it replaced wrote, and the trigger-kept association counts
must equal a naive count."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from partnerhub.context import AppContext
from partnerhub.customers.models import Association, AssociationCount, Customer
from partnerhub.db.session import session_scope
from partnerhub.demo import DEMO_PASSWORD, SeedSql, seed_demo
from partnerhub.kit.clock import FakeClock
from partnerhub.kit.passwords import verify_password
from partnerhub.partners.models import Partner
from tests.conftest import truncate_all

UUID4_HEX = re.compile(r"^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$")
COUNT = 8


@pytest.fixture
def clean(ctx: AppContext, clock: FakeClock) -> Iterator[AppContext]:
    # Microseconds in "now" must survive the set-based timestamps.
    clock.set(datetime(2026, 12, 2, 6, 30, 15, 123456, tzinfo=UTC))
    yield ctx
    truncate_all(ctx)
    clock.set(datetime.now(UTC))


def test_bulk_customers_are_what_the_row_builder_wrote(clean: AppContext) -> None:
    ctx = clean
    now = ctx.clock.now()
    progress: list[int] = []
    with session_scope(ctx.sessions) as session:
        seed_demo(session, ctx, customers=COUNT, progress=progress.append)
    assert progress == [COUNT]
    with session_scope(ctx.sessions) as session:
        owners = {p.account_name: p for p in session.scalars(select(Partner))}
        order = [owners["demo-distributor"], owners["demo-reseller-1"], owners["demo-reseller-2"]]
        customers = list(session.scalars(select(Customer).order_by(Customer.domain_name_key)))
        associations = {a.customer_id: a for a in session.scalars(select(Association))}
        assert len(customers) == len(associations) == COUNT
        ids = {c.id for c in customers} | {a.id for a in associations.values()}
        assert len(ids) == 2 * COUNT and all(UUID4_HEX.match(i) for i in ids)
        for number, customer in enumerate(customers):
            owner = order[number % 3]
            joined = now - timedelta(seconds=COUNT - 1 - number)
            name = f"demo-customer-{number + 1:07d}"
            row = {column.name: getattr(customer, column.key) for column in Customer.__table__.columns}
            password_hash = row.pop("password_hash")
            assert row == {
                "id": customer.id,
                "domain_name": name,
                "domain_name_key": name,
                "mobile_country": None,
                "mobile": None,
                "email": None,
                "email_key": None,
                "xaccount_id": f"demo-{number + 1}",
                "xaccount_type": owner.xaccount_type,
                "owner_partner_id": owner.id,
                "customer_type": -1,
                "verified_status": -1,
                "real_name": None,
                "freeze_type": None,
                "label": "demo",
                "customer_level": "V0",
                "close_marketing": False,
                "created_at": joined,
            }
            assert (password_hash is not None) == (number < 3)
            if password_hash is not None:
                assert verify_password(password_hash, DEMO_PASSWORD)
            association = associations[customer.id]
            assert (
                association.partner_id,
                association.association_type,
                association.associated_on,
                association.ended_on,
                association.active_customer_id,
            ) == (owner.id, 2, joined, None, customer.id)
        counts = {
            (c.partner_id, c.association_type): c.active for c in session.scalars(select(AssociationCount))
        }
        naive = session.execute(
            select(Association.partner_id, Association.association_type, func.count())
            .where(Association.active_customer_id.is_not(None))
            .group_by(Association.partner_id, Association.association_type)
        ).all()
        assert counts == {(partner, kind): n for partner, kind, n in naive}


def test_logins_past_seven_digits_grow_as_the_format_does(ctx: AppContext) -> None:
    sql = SeedSql(ctx.engine.dialect.name)
    with ctx.engine.connect() as connection:
        for number in (1, 9_999_999, 10_000_000, 123_456_789):
            login = connection.exec_driver_sql(f"SELECT {sql.login(str(number))}").scalar_one()
            assert login == f"demo-customer-{number:07d}"
