"""With ``step_up_api`` on, AK/SK (and token) calls of sensitive operations need ``X-Verification-Code``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from huaweicloudsdkbss.v2 import BssClient
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.http.http_handler import HttpHandler

from partnerhub.stepup.policy import Sensitive
from tests.auth.test_api_auth import _login
from tests.funding.helpers import (
    ADJUST_PATH,
    BATCH_PATH,
    customer_balance,
    fund_request,
    ledger_report,
    partner_balance,
    top_up,
    transfer_count,
)
from tests.stepup.helpers import (
    HEADER,
    call,
    error_code,
    events,
    failures,
    partner_with_contact,
    set_toggles,
    step_up_code,
)
from tests.support import Env, PartnerHandle, make_customer, signed_call

MOBILE = "13900001111"


def funded_setup(env: Env) -> tuple[PartnerHandle, str]:
    partner = partner_with_contact(env, "solution_provider", mobile=MOBILE)
    customer = make_customer(env, partner)
    top_up(env, partner, "100")
    set_toggles(env, partner, step_up_api=True)
    return partner, customer


def assert_books_balance(env: Env) -> None:
    report = ledger_report(env)
    assert report.ok, report.problems


def test_funding_without_a_code_is_refused_and_moves_nothing(env: Env) -> None:
    partner, customer = funded_setup(env)
    transfers = transfer_count(env)
    response = call(env, partner, "POST", ADJUST_PATH, {"customer_id": customer, "amount": 10})
    assert error_code(response) == (403, "CBC.99100301")
    english = call(
        env, partner, "POST", ADJUST_PATH, {"customer_id": customer, "amount": 10}, **{"X-Language": "en-us"}
    )
    assert "step-up verification code" in english.json()["error_msg"]
    assert partner_balance(env, partner) == Decimal("100")
    assert customer_balance(env, customer) is None
    assert transfer_count(env) == transfers
    assert_books_balance(env)
    # The refusal is audited (after the request's rollback), with the request id and no code.
    (row,) = events(env, "step_up.failed", partner)[:1]
    assert row.request_id == response.headers["x-request-id"] and row.ip == "127.0.0.1"
    assert failures(env, partner)[0] == {"operation": "fund", "reason": "missing", "interface": "api"}


def test_a_valid_code_works_once(env: Env) -> None:
    partner, customer = funded_setup(env)
    code = step_up_code(env, partner)
    first = call(env, partner, "POST", ADJUST_PATH, {"customer_id": customer, "amount": 10}, code=code)
    assert first.status_code == 200, first.text
    again = call(env, partner, "POST", ADJUST_PATH, {"customer_id": customer, "amount": 10}, code=code)
    assert error_code(again) == (403, "CBC.99100302")
    assert customer_balance(env, customer) == Decimal("10")
    assert partner_balance(env, partner) == Decimal("90")
    assert failures(env, partner) == [{"operation": "fund", "reason": "wrong", "interface": "api"}]
    assert_books_balance(env)


def test_an_idempotent_replay_needs_no_new_code(env: Env) -> None:
    partner, customer = funded_setup(env)
    body = {"customer_id": customer, "amount": 5}
    code = step_up_code(env, partner)
    first = call(env, partner, "POST", ADJUST_PATH, body, code=code, **{"X-Client-Token": "order-1"})
    assert first.status_code == 200
    replay = call(env, partner, "POST", ADJUST_PATH, body, **{"X-Client-Token": "order-1"})
    assert replay.status_code == 200 and replay.content == first.content
    assert replay.headers["x-idempotent-replay"] == "true"
    # Same key, another body: the key's conflict, before any code is asked for.
    other = call(env, partner, "POST", ADJUST_PATH, {**body, "amount": 6}, **{"X-Client-Token": "order-1"})
    assert error_code(other) == (409, "CBC.0409")
    # A new key is a new operation: it needs a code again.
    fresh = call(env, partner, "POST", ADJUST_PATH, body, **{"X-Client-Token": "order-2"})
    assert error_code(fresh) == (403, "CBC.99100301")
    assert customer_balance(env, customer) == Decimal("5")
    # The refused first use of order-2 stored nothing: with a code it runs.
    retried = call(
        env,
        partner,
        "POST",
        ADJUST_PATH,
        body,
        code=step_up_code(env, partner),
        **{"X-Client-Token": "order-2"},
    )
    assert retried.status_code == 200 and "x-idempotent-replay" not in retried.headers
    assert customer_balance(env, customer) == Decimal("10")
    assert_books_balance(env)


def test_wrong_codes_are_counted_then_the_code_is_dead(env: Env) -> None:
    partner, customer = funded_setup(env)
    code = step_up_code(env, partner)
    wrong = "000000" if code != "000000" else "111111"
    body = {"customer_id": customer, "amount": 1}
    for _ in range(3):
        assert error_code(call(env, partner, "POST", ADJUST_PATH, body, code=wrong)) == (403, "CBC.99100302")
    assert error_code(call(env, partner, "POST", ADJUST_PATH, body, code=code)) == (403, "CBC.99100304")
    assert [f["reason"] for f in failures(env, partner)] == ["wrong", "wrong", "wrong", "exhausted"]
    assert customer_balance(env, customer) is None


def test_codes_live_five_minutes(env: Env) -> None:
    partner, customer = funded_setup(env)
    body = {"customer_id": customer, "amount": 1}
    code = step_up_code(env, partner)
    env.clock.advance(timedelta(minutes=4, seconds=59))
    assert call(env, partner, "POST", ADJUST_PATH, body, code=code).status_code == 200
    code = step_up_code(env, partner)
    env.clock.advance(timedelta(minutes=5, seconds=1))
    assert error_code(call(env, partner, "POST", ADJUST_PATH, body, code=code)) == (403, "CBC.99100303")
    assert customer_balance(env, customer) == Decimal("1")


def test_a_refused_operation_does_not_spend_the_code(env: Env) -> None:
    partner, customer = funded_setup(env)
    code = step_up_code(env, partner)
    too_much = call(env, partner, "POST", ADJUST_PATH, {"customer_id": customer, "amount": 500}, code=code)
    assert error_code(too_much) == (400, "CBC.99005003")
    fixed = call(env, partner, "POST", ADJUST_PATH, {"customer_id": customer, "amount": 50}, code=code)
    assert fixed.status_code == 200
    assert customer_balance(env, customer) == Decimal("50")
    assert failures(env, partner) == []


def test_only_the_api_toggle_governs_api_calls(env: Env) -> None:
    partner = partner_with_contact(env, "solution_provider", mobile=MOBILE)
    customer = make_customer(env, partner)
    top_up(env, partner, "10")
    body = {"customer_id": customer, "amount": 1}
    assert call(env, partner, "POST", ADJUST_PATH, body).status_code == 200  # off by default, as upstream
    set_toggles(env, partner, step_up_required=True)  # the console's toggle
    assert call(env, partner, "POST", ADJUST_PATH, body).status_code == 200
    set_toggles(env, partner, step_up_required=False, step_up_api=True)
    assert error_code(call(env, partner, "POST", ADJUST_PATH, body)) == (403, "CBC.99100301")
    # A partner's toggle is its own: another partner's calls are not affected.
    neighbour = partner_with_contact(env, "solution_provider", mobile="13900002222")
    top_up(env, neighbour, "10")
    other = make_customer(env, neighbour)
    assert call(env, neighbour, "POST", ADJUST_PATH, {"customer_id": other, "amount": 1}).status_code == 200


def test_token_calls_are_api_calls_too(env: Env) -> None:
    partner, customer = funded_setup(env)
    _, token = _login(env, partner.login, partner.password)
    headers = {"X-Auth-Token": str(token)}
    body = {"customer_id": customer, "amount": 2}
    refused = env.http.post(ADJUST_PATH, json=body, headers=headers)
    assert error_code(refused) == (403, "CBC.99100301")
    code = step_up_code(env, partner)
    assert env.http.post(ADJUST_PATH, json=body, headers={**headers, HEADER: code}).status_code == 200
    assert customer_balance(env, customer) == Decimal("2")


def sdk_with_code(env: Env, partner: PartnerHandle, code: str) -> Any:
    """The official SDK client, adding ``X-Verification-Code`` through its request-handler hook."""

    def add_code(**kwargs: Any) -> None:
        kwargs["request"].header_params[HEADER] = code

    return (
        BssClient.new_builder()
        .with_http_config(HttpConfig.get_default_config())
        .with_credentials(GlobalCredentials(partner.access_key, partner.secret_key, partner.id))
        .with_http_handler(HttpHandler().add_request_handler(add_code))
        .with_endpoints([env.url])
        .build()
    )


def test_the_official_sdk_sends_the_code_through_a_request_handler(env: Env) -> None:
    partner, customer = funded_setup(env)
    client = sdk_with_code(env, partner, step_up_code(env, partner))
    assert client.update_customer_account_amount(fund_request(customer, Decimal("3"))).transfer_id
    with pytest.raises(ClientRequestException) as raised:
        client.update_customer_account_amount(fund_request(customer, Decimal("3")))
    assert (raised.value.status_code, raised.value.error_code) == (403, "CBC.99100302")
    assert customer_balance(env, customer) == Decimal("3")


def test_a_batch_dry_run_moves_nothing_and_needs_no_code(env: Env) -> None:
    partner, customer = funded_setup(env)
    body: dict[str, Any] = {"adjust_infos": [{"customer_id": customer, "amount": 1}], "dry_run": True}
    assert signed_call(env, partner, "POST", BATCH_PATH, body).status_code == 200
    body["dry_run"] = False
    assert error_code(signed_call(env, partner, "POST", BATCH_PATH, body)) == (403, "CBC.99100301")
    assert failures(env, partner)[-1]["operation"] == Sensitive.BATCH_FUND.value
    assert customer_balance(env, customer) is None
