"""Concurrent issues against one quota never overspend it (PostgreSQL: requests really run in parallel)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from partnerhub.coupons.models import coupon_account
from partnerhub.db.session import session_scope
from partnerhub.ledger.service import balance_of
from partnerhub.quotas.models import quota_account
from tests.quotas.helpers import coupons_of, grant, issue, quota_of
from tests.support import Env, make_customer, make_partner

REQUESTS = 50
AFFORDABLE = 20


def test_fifty_concurrent_issues_take_exactly_what_the_quota_holds(env: Env) -> None:
    if env.ctx.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serializes every writer; the race needs PostgreSQL")
    partner = make_partner(env)
    quota_id = grant(env, partner, f"{AFFORDABLE * 100}.00")
    customers = [make_customer(env, partner) for _ in range(REQUESTS)]

    def one(customer_id: str) -> tuple[str | None, str | None]:
        response = issue(env, partner, quota_id, [customer_id], Decimal("100.00"))
        if response.coupon_infos:
            return response.coupon_infos[0].coupon_id, None
        return None, response.error_details[0].error_code

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        outcomes = list(pool.map(one, customers))

    issued = [coupon for coupon, _ in outcomes if coupon]
    refusals = [code for _, code in outcomes if code]
    assert len(issued) == AFFORDABLE
    assert refusals == ["CBC.99000013"] * (REQUESTS - AFFORDABLE)
    assert quota_of(env, partner, quota_id).balance == Decimal("0.00")
    assert coupons_of(env, partner, limit=100).total_count == AFFORDABLE
    with session_scope(env.ctx.sessions) as session:
        assert balance_of(session, quota_account(quota_id)) == 0
        assert all(balance_of(session, coupon_account(coupon)) == 100_00 for coupon in issued)
