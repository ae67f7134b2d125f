"""Concurrent money movements through the live server: no overdraft, no double effect, no lock errors.

On PostgreSQL the fundings race for the partner's row lock; on SQLite writers queue for the database
lock (``BEGIN IMMEDIATE`` + busy timeout) and no client ever sees "database is locked".
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from tests.funding.helpers import (
    customer_balance,
    fund_request,
    keyed_client,
    ledger_report,
    partner_balance,
    reclaim_request,
    top_up,
    transfer_count,
)
from tests.support import Env, PartnerHandle, make_customer, make_partner, signed_call


def race(count: int, attempt: Any) -> list[tuple[str, str]]:
    """Run ``attempt(i)`` in ``count`` threads released together; each returns (outcome, detail)."""
    gate = threading.Barrier(count)

    def run(index: int) -> tuple[str, str]:
        gate.wait()
        try:
            return attempt(index)
        except ClientRequestException as exc:
            return f"{exc.status_code} {exc.error_code}", exc.error_msg
        except Exception as exc:  # anything else (a 5xx, a lock error) must show up in the assertion
            return f"unexpected {type(exc).__name__}", str(exc)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def fund_once(env: Env, partner: PartnerHandle, customer: str, key: str, amount: Decimal) -> tuple[str, str]:
    response = keyed_client(env, partner, key).update_customer_account_amount(fund_request(customer, amount))
    return "ok", response.transfer_id


def test_fifty_concurrent_fundings_pay_exactly_what_is_affordable(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customers = [make_customer(env, partner) for _ in range(5)]
    top_up(env, partner, "100.00")  # 33 fundings of 3.00 fit, with 1.00 left over

    results = race(50, lambda i: fund_once(env, partner, customers[i % 5], f"race-{i}", Decimal("3.00")))

    outcomes = Counter(outcome for outcome, _ in results)
    assert outcomes == {"ok": 33, "400 CBC.99005003": 17}, results
    assert len({detail for outcome, detail in results if outcome == "ok"}) == 33
    assert partner_balance(env, partner) == Decimal("1.00")
    assert sum((customer_balance(env, c) or Decimal(0)) for c in customers) == Decimal("99.00")
    report = ledger_report(env)
    assert report.ok, report.problems
    assert transfer_count(env) == 34


def test_twenty_concurrent_retries_with_one_key_take_effect_once(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "50")

    results = race(20, lambda _: fund_once(env, partner, customer, "one-key-for-all", Decimal("7.00")))

    assert {outcome for outcome, _ in results} == {"ok"}, results
    assert len({transfer_id for _, transfer_id in results}) == 1
    assert customer_balance(env, customer) == Decimal("7.00")
    assert partner_balance(env, partner) == Decimal("43.00")
    assert transfer_count(env) == 2


def test_concurrent_fundings_and_reclaims_on_one_customer_keep_the_books(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "20")
    keyed_client(env, partner, "seed").update_customer_account_amount(fund_request(customer, 10))

    def attempt(index: int) -> tuple[str, str]:
        client = keyed_client(env, partner, f"mixed-{index}")
        if index % 2:
            return "ok", client.reclaim_to_partner_account(reclaim_request(customer, 4)).trans_id
        return "ok", client.update_customer_account_amount(fund_request(customer, 4)).transfer_id

    results = race(30, attempt)
    assert {outcome for outcome, _ in results} <= {"ok", "400 CBC.99005003"}, results
    held = customer_balance(env, customer)
    assert held is not None and held >= 0
    assert partner_balance(env, partner) + held == Decimal("20.00")
    assert ledger_report(env).ok


def test_batches_racing_single_fundings_never_deadlock(env: Env) -> None:
    """Batches lock all their accounts up front in id order; shuffled item orders must not matter."""
    partner = make_partner(env, "solution_provider")
    customers = [make_customer(env, partner) for _ in range(6)]
    top_up(env, partner, "1000")

    def attempt(index: int) -> tuple[str, str]:
        if index % 3:
            return fund_once(env, partner, customers[index % 6], f"single-{index}", Decimal("1.00"))
        order = customers[index % 6 :] + customers[: index % 6]
        response = signed_call(
            env,
            partner,
            "POST",
            "/v2/accounts/partner-accounts/batch-adjust",
            {"adjust_infos": [{"customer_id": c, "amount": 2} for c in reversed(order)]},
        )
        return ("ok" if response.status_code == 200 else f"{response.status_code}"), response.text

    results = race(30, attempt)
    assert {outcome for outcome, _ in results} == {"ok"}, results
    held = sum((customer_balance(env, c) or Decimal(0)) for c in customers)
    assert held == Decimal(20 * 1 + 10 * 12)
    assert partner_balance(env, partner) + held == Decimal("1000.00")
    assert ledger_report(env).ok
