"""Batch funding (partnerhub's batch-adjust endpoint): partial, atomic and dry-run modes."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, select, update

from partnerhub.customers.models import Customer
from partnerhub.db.session import session_scope
from partnerhub.ledger.models import LedgerTransfer
from tests.funding.helpers import (
    BATCH_PATH,
    customer_balance,
    ledger_report,
    partner_balance,
    top_up,
    transfer_count,
)
from tests.support import Env, PartnerHandle, make_customer, make_partner, signed_call


def batch(env: Env, partner: PartnerHandle, items: list[tuple[str, Any]], **options: Any) -> Any:
    body = {"adjust_infos": [{"customer_id": c, "amount": a} for c, a in items], **options}
    return signed_call(env, partner, "POST", BATCH_PATH, body, extra_headers={"X-Language": "en-us"})


def setup(env: Env) -> tuple[PartnerHandle, list[str], str]:
    """A partner with 100 and three resale customers, plus a referral customer."""
    partner = make_partner(env, "solution_provider")
    customers = [make_customer(env, partner) for _ in range(3)]
    referral = make_customer(env, partner, association_type=1)
    top_up(env, partner, "100")
    return partner, customers, referral


def test_partial_funds_the_good_items_and_reports_the_bad(env: Env) -> None:
    partner, (a, b, c), referral = setup(env)
    response = batch(env, partner, [(a, 10), (referral, 5), (b, "2.5"), (c, "1.001"), ("0" * 32, 1)])
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["mode"], body["dry_run"], body["success_count"], body["fail_count"]) == (
        "partial",
        False,
        2,
        3,
    )
    assert [(r["customer_id"], r["amount"]) for r in body["adjust_results"]] == [(a, 10), (b, 2.5)]
    assert all(re.fullmatch(r"AD\d{12}[0-9a-f]{12}", r["transfer_id"]) for r in body["adjust_results"])
    errors = {detail["id"]: detail for detail in body["error_details"]}
    assert {k: v["error_code"] for k, v in errors.items()} == {
        referral: "CBC.5021",
        c: "CBC.0100",
        "0" * 32: "CBC.99000035",
    }
    assert "adjust_infos[3].amount" in errors[c]["error_msg"]
    assert re.fullmatch(r"BA\d{12}[0-9a-f]{12}", body["batch_id"])
    assert (customer_balance(env, a), customer_balance(env, b), customer_balance(env, c)) == (
        Decimal("10.00"),
        Decimal("2.50"),
        None,
    )
    assert partner_balance(env, partner) == Decimal("87.50")
    assert ledger_report(env).ok


def test_partial_stops_paying_when_the_balance_runs_out(env: Env) -> None:
    partner, (a, b, c), _ = setup(env)
    body = batch(env, partner, [(a, 60), (b, 50), (c, 40)]).json()
    assert [r["customer_id"] for r in body["adjust_results"]] == [a, c]
    assert [(d["id"], d["error_code"]) for d in body["error_details"]] == [(b, "CBC.99005003")]
    assert partner_balance(env, partner) == Decimal("0.00")


def test_atomic_answers_the_first_failure_and_moves_nothing(env: Env) -> None:
    partner, (a, b, c), _ = setup(env)
    with session_scope(env.ctx.sessions) as session:
        session.execute(update(Customer).where(Customer.id == c).values(freeze_type="ACCOUNT"))
    response = batch(env, partner, [(a, 10), (b, 20), (c, 5)], mode="atomic")
    assert response.status_code == 400
    assert response.json()["error_code"] == "CBC.8214"
    assert "adjust_infos[2].customer_id" in response.json()["error_msg"]
    assert partner_balance(env, partner) == Decimal("100.00")
    assert transfer_count(env) == 1

    response = batch(env, partner, [(a, 60), (b, 50)], mode="atomic")
    assert (response.status_code, response.json()["error_code"]) == (400, "CBC.99005003")
    assert customer_balance(env, a) is None

    ok = batch(env, partner, [(a, 60), (b, 40)], mode="atomic").json()
    assert (ok["success_count"], ok["fail_count"]) == (2, 0)
    assert partner_balance(env, partner) == Decimal("0.00")


@pytest.mark.parametrize("mode", ["partial", "atomic"])
def test_dry_run_checks_everything_and_moves_nothing(env: Env, mode: str) -> None:
    partner, (a, b, c), referral = setup(env)
    response = batch(env, partner, [(a, 60), (b, 30), (c, 20)], mode=mode, dry_run=True)
    if mode == "atomic":
        assert (response.status_code, response.json()["error_code"]) == (400, "CBC.99005003")
    else:
        body = response.json()
        assert body["dry_run"] is True
        assert [r["customer_id"] for r in body["adjust_results"]] == [a, b]
        assert all("transfer_id" not in r for r in body["adjust_results"])
        assert [(d["id"], d["error_code"]) for d in body["error_details"]] == [(c, "CBC.99005003")]
    assert partner_balance(env, partner) == Decimal("100.00")
    assert transfer_count(env) == 1
    assert customer_balance(env, a) is None


@pytest.mark.parametrize(
    ("body", "code", "status"),
    [
        ({"adjust_infos": []}, "CBC.0100", 400),
        ({"adjust_infos": [{"customer_id": "x", "amount": 1}] * 2}, "CBC.0100", 400),
        ({"adjust_infos": [{"customer_id": f"c{i}", "amount": 1} for i in range(101)]}, "CBC.0100", 400),
        ({"adjust_infos": [{"customer_id": "x", "amount": 1}], "mode": "some"}, "CBC.0100", 400),
        ({"adjust_infos": [{"customer_id": "x", "amount": 1}], "funding_type": "credit"}, "CBC.0501", 501),
        (
            {"adjust_infos": [{"customer_id": "x", "amount": 1}], "indirect_partner_id": "f" * 32},
            "CBC.99000037",
            400,
        ),
    ],
)
def test_whole_request_errors(env: Env, body: dict[str, Any], code: str, status: int) -> None:
    partner = make_partner(env, "solution_provider")
    response = signed_call(env, partner, "POST", BATCH_PATH, body)
    assert (response.status_code, response.json()["error_code"]) == (status, code)


def test_distributor_batch_funds_resellers_customers_from_reseller_cash(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    customers = [make_customer(env, reseller) for _ in range(2)]
    top_up(env, reseller, "10")
    body = batch(
        env, distributor, [(customers[0], 4), (customers[1], 6)], indirect_partner_id=reseller.id
    ).json()
    assert body["success_count"] == 2
    assert partner_balance(env, reseller) == Decimal("0.00")


def statements_of_a_batch(env: Env, partner: PartnerHandle, customers: list[str]) -> int:
    """How many SQL statements the server sends for one batch funding of these customers."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(env.ctx.engine, "before_cursor_execute", record)
    try:
        response = batch(env, partner, [(customer, 1) for customer in customers])
    finally:
        event.remove(env.ctx.engine, "before_cursor_execute", record)
    assert response.status_code == 200, response.text
    assert response.json()["success_count"] == len(customers)
    return len(sent)


def test_a_batch_costs_the_same_statements_for_two_items_as_for_forty(env: Env) -> None:
    """Set-based funding: the statements do not grow with the batch (before: about 6 per item)."""
    partner = make_partner(env, "solution_provider")
    customers = [make_customer(env, partner) for _ in range(42)]
    top_up(env, partner, "1000")
    small = statements_of_a_batch(env, partner, customers[:2])
    large = statements_of_a_batch(env, partner, customers[2:])
    assert large == small
    assert customer_balance(env, customers[-1]) == Decimal("1.00")
    assert partner_balance(env, partner) == Decimal("958.00")
    assert ledger_report(env).ok


def test_atomic_answers_a_want_of_cash_before_a_later_refusal(env: Env) -> None:
    partner, (a, b, _), referral = setup(env)
    response = batch(env, partner, [(a, 60), (b, 50), (referral, 1)], mode="atomic")
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] == "CBC.99005003"
    assert "adjust_infos[1].amount" in response.json()["error_msg"]
    assert partner_balance(env, partner) == Decimal("100.00")
    assert transfer_count(env) == 1  # the top-up


def test_partial_batch_transfers_are_written_as_single_fundings_would_be(env: Env) -> None:
    partner, (a, b, c), _ = setup(env)
    body = batch(env, partner, [(a, 60), (b, 50), (c, 40)]).json()
    with session_scope(env.ctx.sessions) as session:
        rows = session.execute(
            select(
                LedgerTransfer.transaction_id,
                LedgerTransfer.kind,
                LedgerTransfer.debit_balance_after,
                LedgerTransfer.credit_balance_after,
                LedgerTransfer.reference,
                LedgerTransfer.operator,
            )
            .where(LedgerTransfer.reference == body["batch_id"])
            .order_by(LedgerTransfer.id)
        ).all()
    assert [tuple(row) for row in rows] == [
        (
            body["adjust_results"][0]["transfer_id"],
            "fund_customer",
            4000,
            6000,
            body["batch_id"],
            f"partner:{partner.id}",
        ),
        (
            body["adjust_results"][1]["transfer_id"],
            "fund_customer",
            0,
            4000,
            body["batch_id"],
            f"partner:{partner.id}",
        ),
    ]
