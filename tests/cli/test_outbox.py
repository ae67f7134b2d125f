"""``partnerhub outbox list`` through typer's CliRunner, on the test's own database."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from partnerhub.cli import app
from tests.support import Env, make_partner, sent_code
from tests.verification.helpers import send_code


def test_outbox_list_json_oldest_first_and_filtered(cli_env: Env) -> None:
    env = cli_env
    partner = make_partner(env)
    send_code(env, partner, "13412345678")
    send_code(env, partner, "13412340000", lang="en-us")

    result = CliRunner().invoke(app, ["outbox", "list", "--json"])
    assert result.exit_code == 0, result.output
    messages = json.loads(result.stdout)
    assert [m["to"] for m in messages] == ["13412345678", "13412340000"]
    first = messages[0]
    assert set(first) >= {"to", "channel", "scene", "body", "code", "created_at"}
    assert (first["channel"], first["scene"]) == ("sms", 29)
    assert first["code"] == sent_code(env, "13412345678")
    assert first["code"] in first["body"]
    assert first["created_at"].endswith("Z")

    filtered = CliRunner().invoke(app, ["outbox", "list", "--to", "+8613412340000", "--json"])
    assert filtered.exit_code == 0, filtered.output
    only = json.loads(filtered.stdout)
    assert [m["to"] for m in only] == ["13412340000"]
    assert "verification code" in only[0]["body"]


def test_outbox_list_text_when_empty(cli_env: Env) -> None:
    result = CliRunner().invoke(app, ["outbox", "list"])
    assert result.exit_code == 0, result.output
    assert "no messages" in result.stdout
