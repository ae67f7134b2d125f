"""``partnerhub audit verify``: an intact chain passes; an edited or removed row is named; concurrency."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from partnerhub.audit.models import AuditEvent
from partnerhub.cli import app
from partnerhub.db.session import session_scope
from tests.support import Env, PartnerHandle, make_customer, make_partner, signed_call

CUSTOMER_REVEAL = "/v2/partners/sub-customers/reveal"


@pytest.fixture
def cli_env(env: Env, monkeypatch: pytest.MonkeyPatch) -> Env:
    monkeypatch.setenv("PARTNERHUB_DATABASE_URL", env.ctx.settings.resolved_database_url())
    monkeypatch.setenv("PARTNERHUB_DATA_DIR", str(env.ctx.settings.data_dir))
    return env


def verify() -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(app, ["audit", "verify", "--json"])
    return result.exit_code, json.loads(result.output)


def reveal(env: Env, partner: PartnerHandle, customer_id: str) -> int:
    body = {"customer_id": customer_id, "field": "telephone", "reason": "check"}
    return signed_call(env, partner, "POST", CUSTOMER_REVEAL, body).status_code


def event_ids(env: Env, partner: PartnerHandle) -> list[int]:
    with session_scope(env.ctx.sessions) as session:
        statement = select(AuditEvent.id).where(AuditEvent.partner_id == partner.id).order_by(AuditEvent.id)
        return list(session.scalars(statement))


def two_chains(env: Env) -> tuple[PartnerHandle, PartnerHandle]:
    first, second = make_partner(env, "solution_provider"), make_partner(env, "solution_provider")
    first_customer, second_customer = make_customer(env, first), make_customer(env, second)
    for _ in range(3):
        assert reveal(env, first, first_customer) == 200
        assert reveal(env, second, second_customer) == 200
    return first, second


def test_verify_passes_on_intact_chains(cli_env: Env) -> None:
    assert verify() == (0, {"ok": True, "events": 0, "chains": 0})
    two_chains(cli_env)
    # Each chain: the creation of the partner's access key, then three reveals.
    assert verify() == (0, {"ok": True, "events": 8, "chains": 2})


def test_verify_names_the_first_edited_event(cli_env: Env) -> None:
    first, _ = two_chains(cli_env)
    tampered = event_ids(cli_env, first)[1]
    with session_scope(cli_env.ctx.sessions) as session:
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == tampered)
            .values(details='{"field":"email","reason":"x"}')
        )
    code, report = verify()
    assert code == 1 and report["ok"] is False
    assert report["first_broken"] == {
        "event_id": tampered,
        "partner_id": first.id,
        "problem": "hash does not match the event's fields (the event was modified)",
    }
    assert len(report["problems"]) == 1  # type: ignore[arg-type]  # the other chain is intact


def test_verify_detects_removed_events(cli_env: Env) -> None:
    first, second = two_chains(cli_env)
    middle, last = event_ids(cli_env, first)[1], event_ids(cli_env, second)[-1]
    with session_scope(cli_env.ctx.sessions) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.id.in_([middle, last])))
    code, report = verify()
    assert code == 1
    broken = {problem["partner_id"]: problem["event_id"] for problem in report["problems"]}  # type: ignore[attr-defined]
    assert broken == {first.id: event_ids(cli_env, first)[1], second.id: last}


def test_concurrent_reveals_of_one_partner_chain_correctly(cli_env: Env) -> None:
    partner = make_partner(cli_env, "solution_provider")
    customer_ids = [make_customer(cli_env, partner) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda index: reveal(cli_env, partner, customer_ids[index % 4]), range(24)))
    assert statuses == [200] * 24
    assert verify() == (0, {"ok": True, "events": 25, "chains": 1})  # 24 reveals and the key's creation
