"""Expiry at 10 days on the injected clock: computed on read, applied by ``partnerhub expire`` (or by the
customer's next request), recorded, notified and audited once."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from tests.associations.helpers import (
    NOTIFICATIONS,
    RECORDS,
    Customer,
    audit_actions,
    created,
    error_of,
    partner_decides,
    partner_list,
    request_by_partner,
    stored_request,
)
from tests.support import Env, make_partner

MOBILE = "13800000004"
JUST_BEFORE = timedelta(days=10) - timedelta(seconds=1)


def test_a_request_is_pending_until_10_days_and_expired_from_then_on(env: Env, cli: Any) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    request_id = created(request_by_partner(env, partner, customer.id))["request_id"]
    start = env.clock.now()

    env.clock.set(start + JUST_BEFORE)
    assert partner_list(env, partner, status="pending")["total_count"] == 1
    assert customer.partner_view()["pending_request"]["request_id"] == request_id
    code, output = cli("expire", "--json")
    assert json.loads(output)["association_requests"] == 0

    env.clock.set(start + timedelta(days=10))
    listed = partner_list(env, partner)["requests"]
    assert [(r["request_id"], r["status"]) for r in listed] == [(request_id, "expired")]
    assert partner_list(env, partner, status="pending")["total_count"] == 0
    assert partner_list(env, partner, status="expired")["total_count"] == 1
    assert customer.partner_view()["pending_request"] is None
    # Read as expired, it cannot be decided any more, even before the sweep.
    assert error_of(customer.decide(request_id, "approve", code="123456")) == (400, "CBC.99100105")
    assert error_of(partner_decides(env, partner, request_id, "cancel")) == (400, "CBC.99100105")
    assert stored_request(env, request_id).status == "pending"  # not yet applied

    env.clock.advance(timedelta(hours=5))
    code, output = cli("expire", "--json")
    assert code == 0, output
    assert json.loads(output)["association_requests"] == 1
    stored = stored_request(env, request_id)
    assert (stored.status, stored.pending_customer_id, stored.decided_by) == ("expired", None, "system")
    assert stored.decided_at == start + timedelta(days=10)  # when it expired, not when the sweep ran
    records = partner_list(env, partner, RECORDS)["records"]
    assert [(r["operation_type"], r["status"]) for r in records] == [
        ("expire", "expired"),
        ("request", "expired"),
    ]
    assert records[0]["operate_time"] == (start + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # The initiator (the partner) is told once; a second sweep finds nothing.
    events = [n["event"] for n in partner_list(env, partner, NOTIFICATIONS)["notifications"]]
    assert events == ["association_request.expired"]
    assert json.loads(cli("expire", "--json")[1])["association_requests"] == 0
    assert audit_actions(env).count("association.expire") == 1


def test_the_next_request_applies_a_due_expiry_itself(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    first = created(customer.request_disassociation())["request_id"]
    env.clock.advance(timedelta(days=10))
    second = created(request_by_partner(env, partner, customer.id, "switch_type", target=1))
    assert second["status"] == "pending"
    assert stored_request(env, first).status == "expired"
    # The customer initiated the expired one: it is the one told.
    events = [n["event"] for n in partner_list(env, partner, NOTIFICATIONS)["notifications"]]
    assert "association_request.expired" not in events
    assert audit_actions(env).count("association.expire") == 1


def test_the_expiry_is_a_setting(env: Env, monkeypatch: Any) -> None:
    monkeypatch.setattr(env.ctx.settings, "association_request_expiry_days", 3)
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    request = created(request_by_partner(env, partner, customer.id))
    assert request["expire_time"] == (env.clock.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    env.clock.advance(timedelta(days=3))
    assert partner_list(env, partner)["requests"][0]["status"] == "expired"
