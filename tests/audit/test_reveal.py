"""Audited reveal of masked personal data, the reveal allowance and the partner's audit read-back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from huaweicloudsdkbss.v2 import ListIndirectPartnersRequest, QueryIndirectPartnersReq
from sqlalchemy import select, update

from partnerhub.audit.models import AuditEvent
from partnerhub.db.session import session_scope
from partnerhub.partners.models import Partner
from tests.customers.helpers import list_customers
from tests.support import Env, PartnerHandle, bss_client, make_customer, make_partner, signed_call

RESELLER_REVEAL = "/v2/partners/indirect-partners/reveal"
CUSTOMER_REVEAL = "/v2/partners/sub-customers/reveal"
EVENTS = "/v2/partners/audit-events"
MOBILE = "13812345678"
EMAIL = "alice@example.com"


REVEALS = ("reseller.reveal", "customer.reveal")
REFUSALS = ("reseller.reveal_refused", "customer.reveal_refused")


def audit_rows(env: Env, actions: tuple[str, ...] = REVEALS) -> list[AuditEvent]:
    """The reveal events (other events, such as the partners' key creations, are left out)."""
    with session_scope(env.ctx.sessions) as session:
        statement = select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id)
        rows = list(session.scalars(statement))
        session.expunge_all()
        return rows


def row_text(row: AuditEvent) -> str:
    return json.dumps({column.key: str(getattr(row, column.key)) for column in AuditEvent.__table__.columns})


def reseller_with_contact(env: Env, distributor: PartnerHandle) -> PartnerHandle:
    reseller = make_partner(env, "reseller", parent=distributor, mobile=MOBILE)
    with session_scope(env.ctx.sessions) as session:
        session.execute(update(Partner).where(Partner.id == reseller.id).values(email=EMAIL))
    return reseller


def test_reseller_reveal_returns_the_value_and_audits_once_without_it(env: Env) -> None:
    distributor = make_partner(env)
    reseller = reseller_with_contact(env, distributor)
    listed = bss_client(env, distributor).list_indirect_partners(
        ListIndirectPartnersRequest(body=QueryIndirectPartnersReq())
    )
    assert listed.indirect_partners[0].mobile_phone == "138****5678"

    response = signed_call(
        env,
        distributor,
        "POST",
        RESELLER_REVEAL,
        {"indirect_partner_id": reseller.id, "field": "mobile_phone", "reason": "contract renewal call"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"indirect_partner_id": reseller.id, "field": "mobile_phone", "value": MOBILE}

    rows = audit_rows(env)
    assert len(rows) == 1
    row = rows[0]
    assert (row.partner_id, row.actor, row.action) == (
        distributor.id,
        f"partner:{distributor.id}",
        "reseller.reveal",
    )
    assert (row.target_kind, row.target_id) == ("reseller", reseller.id)
    assert json.loads(row.details) == {"field": "mobile_phone", "reason": "contract renewal call"}
    assert row.request_id == response.headers["x-request-id"]
    assert row.ip == "127.0.0.1"
    assert row.created_at == env.clock.now()
    assert MOBILE not in row_text(row) and "5678" not in row.details

    email = signed_call(
        env, distributor, "POST", RESELLER_REVEAL, {"indirect_partner_id": reseller.id, "field": "email"}
    )
    assert email.json()["value"] == EMAIL
    assert all(EMAIL not in row_text(row) for row in audit_rows(env))


def test_customer_reveal_returns_full_values_and_null_when_absent(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer_id = make_customer(env, partner, mobile=MOBILE, email=EMAIL)
    listed = list_customers(env, partner)
    assert listed.customer_infos[0].telephone == "138****5678"
    assert listed.customer_infos[0].email == "a***e@example.com"

    values = {}
    for field in ("telephone", "email", "customer"):
        response = signed_call(
            env,
            partner,
            "POST",
            CUSTOMER_REVEAL,
            {"customer_id": customer_id, "field": field, "reason": "ticket 7"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["customer_id"] == customer_id and response.json()["field"] == field
        values[field] = response.json()["value"]
    assert values == {"telephone": MOBILE, "email": EMAIL, "customer": None}

    rows = audit_rows(env)
    assert [json.loads(row.details)["field"] for row in rows] == ["telephone", "email", "customer"]
    assert {(row.action, row.target_kind, row.target_id) for row in rows} == {
        ("customer.reveal", "customer", customer_id)
    }
    assert all(MOBILE not in row_text(row) and EMAIL not in row_text(row) for row in rows)


def test_a_distributor_reveals_its_resellers_customer(env: Env) -> None:
    distributor = make_partner(env)
    reseller = make_partner(env, "reseller", parent=distributor)
    customer_id = make_customer(env, reseller, mobile=MOBILE)
    body = {"customer_id": customer_id, "field": "telephone", "indirect_partner_id": reseller.id}
    response = signed_call(env, distributor, "POST", CUSTOMER_REVEAL, body)
    assert response.json()["value"] == MOBILE
    (row,) = audit_rows(env)
    assert row.partner_id == distributor.id
    assert json.loads(row.details)["acting_partner_id"] == reseller.id


def refused(env: Env, partner: PartnerHandle, path: str, body: dict[str, Any]) -> tuple[int, str]:
    response = signed_call(env, partner, "POST", path, body)
    return response.status_code, response.json()["error_code"]


def test_refused_reveals_are_audited_as_refusals_after_the_rollback(env: Env) -> None:
    distributor = make_partner(env)
    other_distributor = make_partner(env)
    foreign_reseller = reseller_with_contact(env, other_distributor)
    own_reseller = reseller_with_contact(env, distributor)
    provider = make_partner(env, "solution_provider")
    foreign_customer = make_customer(env, other_distributor, mobile=MOBILE)

    reseller_body = {"indirect_partner_id": foreign_reseller.id, "field": "mobile_phone"}
    assert refused(env, distributor, RESELLER_REVEAL, reseller_body) == (400, "CBC.99000037")
    missing = {"indirect_partner_id": "0" * 32, "field": "mobile_phone"}
    assert refused(env, distributor, RESELLER_REVEAL, missing) == (400, "CBC.99000037")
    assert refused(env, provider, RESELLER_REVEAL, reseller_body) == (403, "CBC.0151")
    bad_field = {"indirect_partner_id": own_reseller.id, "field": "password"}
    status, code = refused(env, distributor, RESELLER_REVEAL, bad_field)
    assert (status, code) == (400, "CBC.0100")
    assert "field" in signed_call(env, distributor, "POST", RESELLER_REVEAL, bad_field).json()["error_msg"]
    too_long = {"indirect_partner_id": own_reseller.id, "field": "email", "reason": "x" * 257}
    assert refused(env, distributor, RESELLER_REVEAL, too_long) == (400, "CBC.0100")

    customer_body = {"customer_id": foreign_customer, "field": "telephone"}
    assert refused(env, distributor, CUSTOMER_REVEAL, customer_body) == (400, "CBC.99000035")
    assert refused(env, distributor, CUSTOMER_REVEAL, {"customer_id": "0" * 32, "field": "email"}) == (
        400,
        "CBC.99000035",
    )
    foreign_scope = {**customer_body, "indirect_partner_id": foreign_reseller.id}
    assert refused(env, distributor, CUSTOMER_REVEAL, foreign_scope) == (400, "CBC.99000037")
    assert refused(env, other_distributor, CUSTOMER_REVEAL, {**customer_body, "field": "id_number"}) == (
        400,
        "CBC.0100",
    )
    assert audit_rows(env) == []
    # Refusals that name a target are audited (malformed requests, CBC.0100, name nothing and are not).
    refusals = audit_rows(env, REFUSALS)
    seen = [
        (row.partner_id, row.action, row.target_id, json.loads(row.details)["error_code"]) for row in refusals
    ]
    assert seen == [
        (distributor.id, "reseller.reveal_refused", foreign_reseller.id, "CBC.99000037"),
        (distributor.id, "reseller.reveal_refused", "0" * 32, "CBC.99000037"),
        (provider.id, "reseller.reveal_refused", foreign_reseller.id, "CBC.0151"),
        (distributor.id, "customer.reveal_refused", foreign_customer, "CBC.99000035"),
        (distributor.id, "customer.reveal_refused", "0" * 32, "CBC.99000035"),
        (distributor.id, "customer.reveal_refused", foreign_customer, "CBC.99000037"),
    ]
    assert json.loads(refusals[-1].details)["indirect_partner_id"] == foreign_reseller.id
    assert all(row.request_id and row.ip == "127.0.0.1" for row in refusals)
    assert all(MOBILE not in row_text(row) and EMAIL not in row_text(row) for row in refusals)


def test_reveals_are_limited_per_partner_per_rolling_hour(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env.ctx.settings, "reveal_per_hour", 3)
    partner = make_partner(env, "solution_provider")
    neighbour = make_partner(env, "solution_provider")
    customer_id = make_customer(env, partner, mobile=MOBILE)
    neighbours_customer = make_customer(env, neighbour, mobile=MOBILE)
    body = {"customer_id": customer_id, "field": "telephone"}
    for _ in range(3):
        assert signed_call(env, partner, "POST", CUSTOMER_REVEAL, body).status_code == 200
        env.clock.advance(600)
    over = signed_call(env, partner, "POST", CUSTOMER_REVEAL, body)
    assert over.status_code == 429 and over.json()["error_code"] == "CBC.0250"
    # The oldest reveal was 30 minutes ago: it leaves the window in 30 minutes.
    assert int(over.headers["Retry-After"]) == 1800
    assert len(audit_rows(env)) == 3  # the refused reveal does not count against the allowance...
    (refusal,) = audit_rows(env, REFUSALS)  # ...but it is audited, after its transaction rolled back
    assert json.loads(refusal.details) == {
        "field": "telephone",
        "reason": None,
        "indirect_partner_id": None,
        "error_code": "CBC.0250",
    }

    other = {"customer_id": neighbours_customer, "field": "telephone"}
    assert signed_call(env, neighbour, "POST", CUSTOMER_REVEAL, other).status_code == 200

    env.clock.advance(1800)
    assert signed_call(env, partner, "POST", CUSTOMER_REVEAL, body).status_code == 200


def test_audit_events_list_is_the_callers_own_newest_first(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    other = make_partner(env, "solution_provider")
    mine = make_customer(env, partner, mobile=MOBILE)
    theirs = make_customer(env, other, mobile=MOBILE)
    for field in ("telephone", "email"):
        signed_call(
            env, partner, "POST", CUSTOMER_REVEAL, {"customer_id": mine, "field": field, "reason": "r"}
        )
        env.clock.advance(1)
    signed_call(env, other, "POST", CUSTOMER_REVEAL, {"customer_id": theirs, "field": "telephone"})

    # Newest first: the two reveals, then the creation of the key the helper issued.
    listed = signed_call(env, partner, "GET", EVENTS).json()
    assert listed["total_count"] == 3
    assert [event["action"] for event in listed["events"]] == [
        "customer.reveal",
        "customer.reveal",
        "access_key.created",
    ]
    assert [event["details"].get("field") for event in listed["events"]] == ["email", "telephone", None]
    first = listed["events"][0]
    assert first["target_id"] == mine and first["action"] == "customer.reveal"
    assert "hash" not in first and "prev_hash" not in first
    assert first["created_at"].endswith("Z")
    assert listed["events"][2]["target_id"] == partner.access_key

    reveals = [("action", "customer.reveal")]
    paged = signed_call(env, partner, "GET", EVENTS, query=[*reveals, ("limit", "1"), ("offset", "1")]).json()
    assert paged["total_count"] == 2 and paged["events"][0]["details"]["field"] == "telephone"
    none = signed_call(env, partner, "GET", EVENTS, query=[("action", "reseller.reveal")]).json()
    assert none == {"total_count": 0, "events": []}
    theirs_listed = signed_call(env, other, "GET", EVENTS, query=reveals).json()
    assert theirs_listed["total_count"] == 1 and theirs_listed["events"][0]["target_id"] == theirs
    bad = signed_call(env, partner, "GET", EVENTS, query=[("limit", "101")])
    assert bad.status_code == 400 and bad.json()["error_code"] == "CBC.0100"
