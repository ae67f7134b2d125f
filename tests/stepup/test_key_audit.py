"""Access-key creation and revocation are audit events in the owner's chain, from the CLI as from services."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from partnerhub.cli import app
from partnerhub.db.session import session_scope
from partnerhub.partners.service import issue_key, revoke_key
from tests.stepup.helpers import events
from tests.support import Env, make_partner


@pytest.fixture
def cli_env(env: Env, monkeypatch: pytest.MonkeyPatch) -> Env:
    monkeypatch.setenv("PARTNERHUB_DATABASE_URL", env.ctx.settings.resolved_database_url())
    monkeypatch.setenv("PARTNERHUB_DATA_DIR", str(env.ctx.settings.data_dir))
    return env


def cli(*args: str) -> dict[str, str]:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    parsed: dict[str, str] = json.loads(result.output)
    return parsed


def test_cli_key_create_and_revoke_are_audited_without_the_secret(cli_env: Env) -> None:
    partner = make_partner(cli_env, "solution_provider")
    created = cli("key", "create", "--partner", partner.id)
    cli("key", "revoke", created["access_key"])
    cli("key", "revoke", created["access_key"])  # harmless twice, audited once
    made = [
        row
        for row in events(cli_env, "access_key.created", partner)
        if row.target_id == created["access_key"]
    ]
    revoked = events(cli_env, "access_key.revoked", partner)
    assert [(row.actor, row.target_kind) for row in made] == [("operator", "access_key")]
    assert [row.target_id for row in revoked] == [created["access_key"]]
    for row in (*made, *revoked):
        assert created["secret_key"] not in row.details and row.details == "{}"


def test_a_console_caller_is_named_as_the_actor(env: Env) -> None:
    partner = make_partner(env, "solution_provider")
    with session_scope(env.ctx.sessions) as session:
        issued = issue_key(
            session,
            env.ctx.clock,
            env.ctx.master_key,
            partner.id,
            actor=f"partner:{partner.id}",
            ip="10.0.0.7",
        )
        assert revoke_key(
            session, env.ctx.clock, issued.access_key, actor=f"partner:{partner.id}", ip="10.0.0.7"
        )
    (created,) = [
        row for row in events(env, "access_key.created", partner) if row.target_id == issued.access_key
    ]
    (revoked,) = events(env, "access_key.revoked", partner)
    assert (created.actor, created.ip, revoked.actor, revoked.ip) == (
        f"partner:{partner.id}",
        "10.0.0.7",
        f"partner:{partner.id}",
        "10.0.0.7",
    )
