"""Operator input follows the API's rules; a refusal names its CBC code and creates nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from partnerhub.partners.models import Partner
from tests.auth.test_api_auth import _login
from tests.cli.conftest import run, run_json
from tests.support import Env, make_partner


def _partners(env: Env) -> int:
    with env.ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Partner)) or 0)


@pytest.mark.parametrize(
    ("option", "value", "code", "words"),
    [
        ("--password", "short", "CBC.99000036", "length must be 8-32"),
        ("--password", "alllowercase", "CBC.99000036", "at least two of"),
        ("--password", "", "CBC.99000036", "must not be empty"),
        ("--name", "", "CBC.0100", "name"),
        ("--name", "   ", "CBC.0100", "name"),
        ("--mobile", "123", "CBC.5017", "mobile"),
        ("--mobile", "+1 202 555 0100", "CBC.5017", "mobile"),
        ("--email", "notanemail", "CBC.0100", "email"),
        ("--login", "9starts-with-digit", "CBC.0100", "login"),
    ],
)
def test_partner_create_refuses_what_the_api_refuses(
    cli_env: Env, option: str, value: str, code: str, words: str
) -> None:
    options = {"--kind": "distributor", "--name": "Acme", "--password": "Acme#2026pass"} | {option: value}
    code_seen, output = run("partner", "create", *[part for pair in options.items() for part in pair])
    assert code_seen == 2, output
    assert output.startswith(f"error: {code} ") and words in output and output.count("\n") == 1
    assert _partners(cli_env) == 0


def test_the_password_must_differ_from_the_login(cli_env: Env) -> None:
    args = ("--kind", "distributor", "--name", "A", "--login", "acme-ops", "--password", "acme-ops")
    code, output = run("partner", "create", *args)
    assert code == 2 and "CBC.99000036" in output and "login name" in output
    assert _partners(cli_env) == 0


def test_a_valid_partner_keeps_the_normalised_mobile_and_logs_in(cli_env: Env) -> None:
    created = run_json(
        "partner", "create", "--kind", "distributor", "--name", " Acme ", "--mobile", "+8613812345678",
        "--email", "ops@example.com", "--password", "Acme#2026pass",
    )  # fmt: skip
    assert created["name"] == "Acme" and created["mobile"] == "138****5678"
    assert _login(cli_env, created["login"], "Acme#2026pass")[0] == 201


def test_set_password_applies_the_policy_then_the_new_password_logs_in(cli_env: Env) -> None:
    partner = make_partner(cli_env)
    code, output = run("partner", "set-password", partner.id, "--password-stdin", stdin="short\n")
    assert code == 2 and "CBC.99000036" in output
    assert _login(cli_env, partner.login, partner.password)[0] == 201  # unchanged

    code, output = run("partner", "set-password", partner.id, stdin="New#Secret2026\nNew#Secret2026\n")
    assert code == 0, output
    assert "New#Secret2026" not in output
    assert _login(cli_env, partner.login, "New#Secret2026")[0] == 201
    assert _login(cli_env, partner.login, partner.password)[0] != 201

    code, output = run("partner", "set-password", "0" * 32, "--password-stdin", stdin="New#Secret2026\n")
    assert code == 2 and output.startswith("error: CBC.0404 ")


def test_set_partner_password_service(cli_env: Env) -> None:
    from partnerhub.db.session import session_scope
    from partnerhub.errors import ApiError
    from partnerhub.partners.passwords import set_partner_password

    partner = make_partner(cli_env)
    with session_scope(cli_env.ctx.sessions) as session, pytest.raises(ApiError) as refused:
        set_partner_password(session, cli_env.ctx.clock, partner.id, partner.login)
    assert refused.value.code == "CBC.99000036"
    with session_scope(cli_env.ctx.sessions) as session, pytest.raises(ApiError) as missing:
        set_partner_password(session, cli_env.ctx.clock, "0" * 32, "Good#Pass2026")
    assert missing.value.code == "CBC.0404"


def test_quota_grant_only_to_the_kinds_its_help_names(cli_env: Env) -> None:
    distributor = make_partner(cli_env)
    reseller = make_partner(cli_env, "reseller", parent=distributor)
    code, output = run("quota", "grant", "--partner", reseller.id, "--amount", "10")
    assert code == 2 and output.startswith("error: CBC.0100 ") and "reseller" in output
    assert run_json("quota", "list", "--partner", reseller.id) == {"quotas": []}
    for kind in ("distributor", "solution_provider"):
        grantee = distributor if kind == "distributor" else make_partner(cli_env, kind)
        assert run_json("quota", "grant", "--partner", grantee.id, "--amount", "10")["amount"] == "10.00"


def test_revoking_a_revoked_key_says_so(cli_env: Env) -> None:
    partner = make_partner(cli_env)
    first = run_json("key", "revoke", partner.access_key)
    assert (first["status"], first["already_revoked"]) == ("revoked", False)
    second = run_json("key", "revoke", partner.access_key)
    assert (second["already_revoked"], second["revoked_at"]) == (True, first["revoked_at"])
    code, output = run("key", "revoke", partner.access_key)
    assert code == 0 and "already revoked" in output
    code, output = run("key", "revoke", "NOSUCHKEY")
    assert code == 2 and output.startswith("error: CBC.0404 ")


def test_errors_as_json_with_json(cli_env: Env) -> None:
    import json

    from typer.testing import CliRunner

    from partnerhub.cli import app

    result = CliRunner().invoke(app, ["partner", "show", "0" * 32, "--json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert json.loads(result.stderr)["error_code"] == "CBC.0404"
