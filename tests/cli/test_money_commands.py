"""Operator commands for money: ``topup``, ``ledger verify``, ``idempotency purge``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from huaweicloudsdkbss.v2 import ListPartnerBalancesRequest
from sqlalchemy import update

from partnerhub.db.session import session_scope
from partnerhub.idempotency.models import IdempotencyRecord
from partnerhub.ledger.accounts import partner_cash
from partnerhub.ledger.models import LedgerAccount
from tests.cli.conftest import run
from tests.funding.helpers import fund_request, keyed_client
from tests.support import Env, bss_client, make_customer, make_partner


def test_topup_credits_the_partner_and_the_api_sees_it(cli_env: Env) -> None:
    partner = make_partner(cli_env, "distributor")
    code, output = run("topup", "--partner", partner.id, "--amount", "1000.00", "--json")
    assert code == 0, output
    data = json.loads(output)
    assert (data["amount"], data["balance"], data["currency"]) == ("1000.00", "1000.00", "CNY")
    assert data["transaction_id"].startswith("RC")
    code, output = run("topup", "--partner", partner.id, "--amount", "0.5")
    assert code == 0 and "1000.50" in output
    balances = bss_client(cli_env, partner).list_partner_balances(ListPartnerBalancesRequest())
    assert Decimal(str(balances.account_balances[0].amount)) == Decimal("1000.50")


@pytest.mark.parametrize(
    ("amount", "partner_id", "message"),
    [("1.001", None, "amount"), ("-5", None, "amount"), ("abc", None, "amount"), ("10", "0" * 32, "partner")],
)
def test_topup_refuses_bad_input(cli_env: Env, amount: str, partner_id: str | None, message: str) -> None:
    partner = make_partner(cli_env, "distributor")
    code, output = run("topup", "--partner", partner_id or partner.id, "--amount", amount)
    assert code == 2
    assert "CBC.0100" in output and message in output


def test_ledger_verify_passes_then_reports_tampering(cli_env: Env) -> None:
    partner = make_partner(cli_env, "solution_provider")
    customer = make_customer(cli_env, partner)
    run("topup", "--partner", partner.id, "--amount", "50")
    bss_client(cli_env, partner).update_customer_account_amount(fund_request(customer, 20))

    code, output = run("ledger", "verify", "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["ok"] is True and report["asset_sums_minor"] == {"CNY": 0}
    assert (report["accounts"], report["transfers"]) == (3, 2)
    assert run("ledger", "verify")[1].startswith("ok")

    with session_scope(cli_env.ctx.sessions) as session:
        session.execute(
            update(LedgerAccount)
            .where(LedgerAccount.id == partner_cash(partner.id).id)
            .values(balance_minor=9999)
        )
    code, output = run("ledger", "verify", "--json")
    assert code == 1
    problems = {p["problem"] for p in json.loads(output)["problems"]}
    assert problems == {"cached balance differs from its transfers", "balances do not sum to zero"}
    code, output = run("ledger", "verify")
    assert code == 1 and output.startswith("FAILED")


def test_idempotency_purge_removes_only_old_keys(cli_env: Env) -> None:
    partner = make_partner(cli_env, "solution_provider")
    customer = make_customer(cli_env, partner)
    run("topup", "--partner", partner.id, "--amount", "50")
    keyed_client(cli_env, partner, "old-key").update_customer_account_amount(fund_request(customer, 1))
    code, output = run("idempotency", "purge", "--json")
    assert (code, json.loads(output)) == (0, {"purged": 0, "retention_hours": 24})
    # The CLI runs on the real clock: make the stored key look two days old.
    with session_scope(cli_env.ctx.sessions) as session:
        session.execute(update(IdempotencyRecord).values(created_at=datetime.now(UTC) - timedelta(days=2)))
    code, output = run("idempotency", "purge", "--json")
    assert (code, json.loads(output)["purged"]) == (0, 1)
