"""Notifications (newest first, read flag, messages through the configured sender), association records and
request lists with their filters, idempotent writes and audit events."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from partnerhub.db.session import session_scope
from partnerhub.notifications.models import Notification
from partnerhub.partners.models import Partner
from tests.associations.helpers import (
    CUSTOMER_REQUESTS,
    NOTIFICATIONS,
    PARTNER_REQUESTS,
    RECORDS,
    Customer,
    audit_actions,
    audit_texts,
    created,
    error_of,
    outbox_to,
    partner_call,
    partner_decides,
    partner_list,
    request_by_partner,
)
from tests.support import Env, PartnerHandle, make_partner

MOBILE = "13800000008"
PARTNER_MOBILE = "13900000001"


def partner_with_mobile(env: Env) -> PartnerHandle:
    return make_partner(env, "solution_provider", mobile=PARTNER_MOBILE)


def test_the_initiator_is_notified_in_the_app_and_by_message(env: Env) -> None:
    partner = partner_with_mobile(env)
    customer = Customer(env, partner, mobile=MOBILE, login="notified-customer")
    request_id = created(request_by_partner(env, partner, customer.id))["request_id"]
    # The customer is told of the new request by SMS (no reason text in it).
    (sms,) = [m for m in outbox_to(env, MOBILE) if m.code is None]
    assert "disassociate" in sms.body or "解除关联" in sms.body
    assert "contract ended" not in sms.body
    env.clock.advance(60)
    customer.decide(request_id, "reject", reason="still under contract")

    listed = partner_list(env, partner, NOTIFICATIONS)
    assert listed["total_count"] == 1
    (note,) = listed["notifications"]
    assert (note["event"], note["request_id"], note["customer_id"], note["is_read"]) == (
        "association_request.rejected",
        request_id,
        customer.id,
        False,
    )
    assert "notified-customer" in note["content"] and "still under contract" in note["content"]
    english = partner_call(env, partner, "GET", NOTIFICATIONS, language="en-us").json()["notifications"][0]
    assert english["title"] == "Association request rejected"
    messages = outbox_to(env, PARTNER_MOBILE)
    assert len(messages) == 1 and messages[0].scene == 41 and messages[0].code is None
    assert "still under contract" not in messages[0].body


def test_notifications_are_newest_first_and_can_be_read(env: Env) -> None:
    partner = partner_with_mobile(env)
    customer = Customer(env, partner, mobile=MOBILE)
    first = created(customer.request_disassociation())["request_id"]
    partner_decides(env, partner, first, "reject", {"reason": "no"})
    env.clock.advance(timedelta(days=1))
    second = created(customer.request_disassociation())["request_id"]
    cancelled = customer.call("GET", CUSTOMER_REQUESTS).json()  # the customer sees both
    assert [r["request_id"] for r in cancelled["requests"]] == [second, first]
    notes = partner_list(env, partner, NOTIFICATIONS)["notifications"]
    assert [(n["event"], n["request_id"]) for n in notes] == [
        ("association_request.created", second),
        ("association_request.created", first),
    ]
    newest = notes[0]["notification_id"]
    read = partner_call(env, partner, "POST", f"{NOTIFICATIONS}/{newest}/read", {})
    assert read.status_code == 200, read.text
    assert read.json()["is_read"] is True and read.json()["read_time"] is not None
    unread = partner_list(env, partner, NOTIFICATIONS, unread="true")
    assert [n["request_id"] for n in unread["notifications"]] == [first]
    # Reading again changes nothing.
    again = partner_call(env, partner, "POST", f"{NOTIFICATIONS}/{newest}/read", {})
    assert again.json()["read_time"] == read.json()["read_time"]


def test_another_partners_notification_answers_as_missing(env: Env) -> None:
    partner, other = partner_with_mobile(env), make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    created(customer.request_disassociation())
    (note,) = partner_list(env, partner, NOTIFICATIONS)["notifications"]
    foreign = partner_call(env, other, "POST", f"{NOTIFICATIONS}/{note['notification_id']}/read", {})
    missing = partner_call(env, other, "POST", f"{NOTIFICATIONS}/{'0' * 32}/read", {})
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert error_of(foreign) == (404, "CBC.99100114")
    assert partner_list(env, other, NOTIFICATIONS)["total_count"] == 0
    assert partner_list(env, partner, NOTIFICATIONS)["notifications"][0]["is_read"] is False


def test_the_message_goes_to_the_email_and_is_skipped_without_contact(env: Env) -> None:
    partner = make_partner(env)
    with session_scope(env.ctx.sessions) as session:
        session.execute(update(Partner).where(Partner.id == partner.id).values(email="ops@partner.example"))
    customer = Customer(env, partner, mobile=MOBILE)
    request_id = created(request_by_partner(env, partner, customer.id))["request_id"]
    customer.decide(request_id, "approve")
    (mail,) = outbox_to(env, "ops@partner.example")
    assert mail.channel == "email" and mail.subject is not None
    silent = make_partner(env)
    quiet = Customer(env, silent, mobile=None)
    created(quiet.request_disassociation())
    with session_scope(env.ctx.sessions) as session:
        status = session.scalars(
            select(Notification.message_status).where(Notification.recipient_id == silent.id)
        ).one()
    assert status == "no_contact"


def test_records_list_every_event_with_filters(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE, login="records-customer")
    other = Customer(env, partner, mobile="13800000010")
    start = env.clock.now()
    cancelled = created(request_by_partner(env, partner, customer.id, "switch_type", target=1))["request_id"]
    partner_decides(env, partner, cancelled, "cancel")
    env.clock.advance(timedelta(hours=1))
    switched = created(
        request_by_partner(env, partner, customer.id, "switch_type", target=1, reason="self-pay")
    )
    customer.decide(switched["request_id"], "approve")
    env.clock.advance(timedelta(hours=1))
    pending = created(other.request_disassociation(reason="leaving"))["request_id"]

    records = partner_list(env, partner, RECORDS)
    assert records["total_count"] == 6
    first = records["records"][0]
    assert first == {
        "record_id": first["record_id"],
        "customer_id": other.id,
        "account_name": other.login,
        "operation_type": "request",
        "initiator": "customer",
        "reason": "leaving",
        "association_type": 2,
        "status": "pending",
        "request_id": pending,
        "operate_time": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    mine = partner_list(env, partner, RECORDS, customer_id=customer.id)["records"]
    assert [(r["operation_type"], r["status"], r["association_type"]) for r in mine] == [
        ("switch_type", "approved", 1),
        ("approve", "approved", 2),
        ("request", "approved", 2),
        ("cancel", "cancelled", 2),
        ("request", "cancelled", 2),
    ]
    assert partner_list(env, partner, RECORDS, operation_type="cancel")["total_count"] == 1
    window = partner_list(
        env,
        partner,
        RECORDS,
        start_time=(start + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        end_time=(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    assert window["total_count"] == 3
    page = partner_list(env, partner, RECORDS, offset="4", limit="1")
    assert (page["total_count"], len(page["records"])) == (6, 1)


def test_request_list_filters(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    other = Customer(env, partner, mobile="13800000011")
    created(request_by_partner(env, partner, customer.id, "switch_type", target=1))
    env.clock.advance(1)
    created(other.request_disassociation())
    assert partner_list(env, partner)["total_count"] == 2
    assert partner_list(env, partner, initiator="customer")["requests"][0]["customer_id"] == other.id
    assert partner_list(env, partner, request_type="switch_type")["requests"][0]["customer_id"] == customer.id
    assert partner_list(env, partner, customer_id=other.id)["total_count"] == 1
    assert partner_list(env, partner, status="approved")["total_count"] == 0
    assert [r["customer_id"] for r in partner_list(env, partner, limit="1")["requests"]] == [other.id]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (PARTNER_REQUESTS, {"status": "done"}),
        (PARTNER_REQUESTS, {"initiator": "operator"}),
        (PARTNER_REQUESTS, {"request_type": "merge"}),
        (PARTNER_REQUESTS, {"limit": "101"}),
        (PARTNER_REQUESTS, {"offset": "-1"}),
        (RECORDS, {"operation_type": "delete"}),
        (RECORDS, {"start_time": "2026-12-01"}),
        (RECORDS, {"start_time": "2026-12-02T00:00:00Z", "end_time": "2026-12-01T00:00:00Z"}),
        (NOTIFICATIONS, {"unread": "yes"}),
        (NOTIFICATIONS, {"limit": "0"}),
    ],
)
def test_bad_list_filters(env: Env, path: str, query: dict[str, str]) -> None:
    partner = make_partner(env)
    assert error_of(partner_call(env, partner, "GET", path, query=sorted(query.items()))) == (400, "CBC.0100")


def test_a_retried_request_with_the_same_client_token_is_made_once(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    first = request_by_partner(env, partner, customer.id, key="req-1")
    second = request_by_partner(env, partner, customer.id, key="req-1")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and second.headers["X-Idempotent-Replay"] == "true"
    assert partner_list(env, partner)["total_count"] == 1
    # The same key with another body: 409.
    other = request_by_partner(env, partner, customer.id, "switch_type", target=1, key="req-1")
    assert error_of(other) == (409, "CBC.0409")


def test_a_retried_customer_approval_replays_and_moves_once(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    request_id = created(request_by_partner(env, partner, customer.id))["request_id"]
    code = customer.code_for(request_id)
    wrong = "000000" if code != "000000" else "111111"
    # A wrong code under a key does not burn the key: the retry with the right code under it works.
    assert error_of(customer.decide(request_id, "approve", code=wrong, key="ok-1")) == (400, "CBC.99004010")
    first = customer.decide(request_id, "approve", code=code, key="ok-1")
    assert first.status_code == 200, first.text
    replay = customer.decide(request_id, "approve", code=code, key="ok-1")
    assert (replay.status_code, replay.content) == (200, first.content)
    assert replay.headers["X-Idempotent-Replay"] == "true"
    assert [r["operation_type"] for r in partner_list(env, partner, RECORDS)["records"]].count("approve") == 1


def test_a_retried_code_request_sends_one_code(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    request_id = created(request_by_partner(env, partner, customer.id))["request_id"]
    path = f"{CUSTOMER_REQUESTS}/{request_id}/verification-code"
    first = customer.call("POST", path, key="code-1")
    again = customer.call("POST", path, key="code-1")
    assert (first.status_code, again.status_code, again.content) == (204, 204, b"")
    assert again.headers["X-Idempotent-Replay"] == "true"
    assert len([m for m in outbox_to(env, MOBILE) if m.code is not None]) == 1


def test_requests_decisions_and_expiries_are_audited_without_reasons(env: Env) -> None:
    partner = make_partner(env)
    customer = Customer(env, partner, mobile=MOBILE)
    first = created(request_by_partner(env, partner, customer.id, reason="SECRET-REASON-1"))["request_id"]
    customer.decide(first, "reject", reason="SECRET-REASON-2")
    second = created(customer.request_disassociation(reason="SECRET-REASON-3"))["request_id"]
    partner_decides(env, partner, second, "cancel")  # refused: the customer initiated it
    env.clock.advance(timedelta(days=10))
    created(request_by_partner(env, partner, customer.id, "switch_type", target=1))
    actions = audit_actions(env)
    assert actions == [
        "association.request",
        "association.reject",
        "association.request",
        "association.expire",
        "association.request",
    ]
    texts = audit_texts(env)
    assert not any("SECRET-REASON" in text or MOBILE in text for text in texts)
    events = partner_call(env, partner, "GET", "/v2/partners/audit-events").json()
    reject = next(e for e in events["events"] if e["action"] == "association.reject")
    assert reject["actor"] == f"customer:{customer.id}" and reject["target_id"] == first
    assert json.loads(json.dumps(reject["details"]))["status"] == "rejected"
