"""Idempotency keys (``X-Client-Token``) on money-moving requests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from sqlalchemy import event, func, select

from partnerhub.db.session import session_scope
from partnerhub.idempotency.models import IdempotencyRecord
from partnerhub.idempotency.service import purge_expired
from tests.funding.helpers import (
    ADJUST_PATH,
    BATCH_PATH,
    RECLAIM_PATH,
    customer_balance,
    fund_request,
    keyed_client,
    partner_balance,
    reseller_fund_request,
    top_up,
    transfer_count,
)
from tests.support import Env, make_customer, make_partner, signed_call


def keyed(key: str) -> dict[str, str]:
    return {"X-Client-Token": key}


def test_sdk_retry_with_the_same_key_has_one_effect(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "100")
    client = keyed_client(env, partner, "order-2026-0001")
    first = client.update_customer_account_amount(fund_request(customer, Decimal("12.34")))
    second = client.update_customer_account_amount(fund_request(customer, Decimal("12.34")))
    assert first.transfer_id == second.transfer_id
    assert customer_balance(env, customer) == Decimal("12.34")
    assert partner_balance(env, partner) == Decimal("87.66")
    assert transfer_count(env) == 2  # the top-up and one funding


def test_replay_is_byte_identical_and_marked(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "10")
    body = {"customer_id": customer, "amount": 1}
    first = signed_call(env, partner, "POST", ADJUST_PATH, body, extra_headers=keyed("k-1"))
    again = signed_call(env, partner, "POST", ADJUST_PATH, body, extra_headers=keyed("k-1"))
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.content == again.content
    assert "x-idempotent-replay" not in first.headers
    assert again.headers["x-idempotent-replay"] == "true"
    assert again.headers["content-type"].startswith("application/json")


def test_same_key_with_a_different_request_is_a_conflict(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    customer = make_customer(env, distributor)
    top_up(env, distributor, "10")
    client = keyed_client(env, distributor, "shared-key")
    client.update_customer_account_amount(fund_request(customer, 1))
    for call, request in (
        (client.update_customer_account_amount, fund_request(customer, 2)),
        (client.update_indirect_partner_account, reseller_fund_request(reseller.id, 1)),
    ):
        with pytest.raises(ClientRequestException) as raised:
            call(request)
        assert (raised.value.status_code, raised.value.error_code) == (409, "CBC.0409")
        assert "X-Client-Token" in raised.value.error_msg
    response = signed_call(
        env,
        distributor,
        "POST",
        RECLAIM_PATH,
        {"customer_id": customer, "amount": 1},
        extra_headers=keyed("shared-key"),
    )
    assert response.status_code == 409
    assert customer_balance(env, customer) == Decimal("1.00")


def test_a_failed_request_leaves_its_key_free(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    client = keyed_client(env, partner, "retry-me")
    with pytest.raises(ClientRequestException) as raised:
        client.update_customer_account_amount(fund_request(customer, 5))
    assert raised.value.error_code == "CBC.99005003"
    top_up(env, partner, "5")
    assert client.update_customer_account_amount(fund_request(customer, 5)).status_code == 200
    assert customer_balance(env, customer) == Decimal("5.00")


def test_keys_are_scoped_per_partner(env: Env) -> None:
    one, two = make_partner(env, "solution_provider"), make_partner(env, "solution_provider")
    customers = [make_customer(env, one), make_customer(env, two)]
    for partner in (one, two):
        top_up(env, partner, "10")
    ids = [
        keyed_client(env, partner, "same")
        .update_customer_account_amount(fund_request(customer, 3))
        .transfer_id
        for partner, customer in zip((one, two), customers, strict=True)
    ]
    assert ids[0] != ids[1]
    assert [customer_balance(env, c) for c in customers] == [Decimal("3.00"), Decimal("3.00")]


def test_keys_expire_after_the_retention_window_and_are_purged(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "10")
    client = keyed_client(env, partner, "daily")
    first = client.update_customer_account_amount(fund_request(customer, 1)).transfer_id
    env.clock.advance(timedelta(hours=23, minutes=59))
    assert client.update_customer_account_amount(fund_request(customer, 1)).transfer_id == first
    env.clock.advance(timedelta(minutes=2))
    assert client.update_customer_account_amount(fund_request(customer, 1)).transfer_id != first
    assert customer_balance(env, customer) == Decimal("2.00")

    env.clock.advance(timedelta(hours=25))
    with session_scope(env.ctx.sessions) as session:
        assert purge_expired(session, now=env.clock.now(), retention=timedelta(hours=24)) == 1
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


@pytest.mark.parametrize("key", ["", "   ", "has space", "semi;colon", "x" * 129])
def test_malformed_keys_are_refused(env: Env, key: str) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "10")
    response = signed_call(
        env, partner, "POST", ADJUST_PATH, {"customer_id": customer, "amount": 1}, extra_headers=keyed(key)
    )
    assert (response.status_code, response.json()["error_code"]) == (400, "CBC.0100")
    assert "X-Client-Token" in response.json()["error_msg"]
    assert customer_balance(env, customer) is None


def test_batch_replays_and_dry_runs_ignore_keys(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customers = [make_customer(env, partner) for _ in range(2)]
    top_up(env, partner, "10")
    body = {"adjust_infos": [{"customer_id": c, "amount": 2} for c in customers]}
    dry = signed_call(env, partner, "POST", BATCH_PATH, {**body, "dry_run": True}, extra_headers=keyed("b-1"))
    assert dry.json()["dry_run"] is True
    first = signed_call(env, partner, "POST", BATCH_PATH, body, extra_headers=keyed("b-1"))
    again = signed_call(env, partner, "POST", BATCH_PATH, body, extra_headers=keyed("b-1"))
    assert first.status_code == 200 and first.content == again.content
    assert partner_balance(env, partner) == Decimal("6.00")


def test_a_keyed_funding_holds_the_partner_row_for_two_statements_and_the_commit(env: Env) -> None:
    """What follows the statement that moves the money runs under the hot partner row's lock: only the
    response attached to the claimed key (one UPDATE), then COMMIT — no savepoint, no re-read of the key."""
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "100")
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(env.ctx.engine, "before_cursor_execute", record)
    try:
        body = {"customer_id": customer, "amount": 1}
        response = signed_call(env, partner, "POST", ADJUST_PATH, body, extra_headers=keyed("hot-window-1"))
    finally:
        event.remove(env.ctx.engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.text
    assert not [statement for statement in sent if "SAVEPOINT" in statement.upper()]
    if env.ctx.engine.dialect.name == "postgresql":
        moved = next(i for i, statement in enumerate(sent) if statement.startswith("WITH debited AS (UPDATE"))
        after = [statement.split(" SET")[0] for statement in sent[moved + 1 :]]
        assert after == ["UPDATE idempotency_records"], after
    assert customer_balance(env, customer) == Decimal("1.00")
