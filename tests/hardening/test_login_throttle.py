"""Password logins are throttled per account and per client address; AK/SK failures per address."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import make_url

from tests.auth.test_api_auth import CHECK_BODY, CHECK_PATH
from tests.support import DEFAULT_PASSWORD, Env, make_partner, sdk_signed_headers, signed_call


def _login(env: Env, name: str, password: str) -> httpx.Response:
    body = {
        "auth": {
            "identity": {"methods": ["password"], "password": {"user": {"name": name, "password": password}}}
        }
    }
    return env.http.post("/v3/auth/tokens", json=body, headers={"X-Language": "en-us"})


@pytest.fixture
def gate_reset(env: Env) -> Iterator[None]:
    yield
    env.app.state.failure_gate.reset()


def test_guessing_locks_the_account_with_a_growing_back_off(env: Env) -> None:
    partner = make_partner(env)
    for _ in range(5):
        wrong = _login(env, partner.login, "Wrong#pass123")
        assert (wrong.status_code, wrong.json()["error_code"]) == (401, "CBC.0156")
        assert "X-Request-Id" in wrong.json()["error_msg"]
    assert _login(env, partner.login, "Wrong#pass123").status_code == 401  # the 6th counts and locks 2 s
    locked = _login(env, partner.login, partner.password)  # the right password is refused the same way
    assert (locked.status_code, locked.json()["error_code"]) == (429, "CBC.0250")
    assert locked.headers["Retry-After"] == "2"
    also_locked = _login(env, partner.login, "Wrong#pass123")
    assert also_locked.content == locked.content and also_locked.status_code == 429  # no oracle
    env.clock.advance(2)
    assert _login(env, partner.login, "Wrong#pass123").status_code == 401  # the 7th locks 4 s
    assert _login(env, partner.login, partner.password).headers["Retry-After"] == "4"
    env.clock.advance(4)
    assert _login(env, partner.login, partner.password).status_code == 201
    # A success clears the account: five fresh attempts before the next lock.
    for _ in range(5):
        assert _login(env, partner.login, "Wrong#pass123").status_code == 401


def test_an_unknown_login_is_throttled_like_a_known_one(env: Env) -> None:
    for _ in range(6):
        assert _login(env, "nobody-here", "Wrong#pass123").json()["error_code"] == "CBC.0156"
    assert _login(env, "nobody-here", "Wrong#pass123").status_code == 429


def test_guessing_across_accounts_locks_the_client_address(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env.ctx.settings, "login_free_attempts_per_address", 3)
    partner = make_partner(env)
    for index in range(4):
        assert _login(env, f"someone-{index}", "Wrong#pass123").status_code == 401
    refused = _login(env, partner.login, partner.password)
    assert (refused.status_code, refused.json()["error_code"]) == (429, "CBC.0250")
    env.clock.advance(3)
    assert _login(env, partner.login, partner.password).status_code == 201


def test_the_password_is_checked_outside_the_write_lock(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    if env.ctx.engine.dialect.name != "sqlite":
        pytest.skip("the database write lock is SQLite's")
    from partnerhub.auth import passwords

    database = make_url(env.ctx.settings.resolved_database_url()).database
    seen: list[str] = []
    original = passwords.verify_password

    def verify_and_probe(stored: str | None, password: str) -> bool:
        probe = sqlite3.connect(str(database), timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")  # fails at once while anyone holds the write lock
            probe.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError:
            seen.append("locked")
        finally:
            probe.close()
        return original(stored, password)

    monkeypatch.setattr(passwords, "verify_password", verify_and_probe)
    partner = make_partner(env)
    assert _login(env, partner.login, "Wrong#pass123").status_code == 401
    assert _login(env, partner.login, DEFAULT_PASSWORD).status_code == 201
    assert seen == ["free", "free"]


def test_failed_signatures_are_limited_per_client_address(env: Env, gate_reset: None) -> None:
    partner = make_partner(env)
    statuses: list[int] = []
    responses: list[Any] = []
    started = time.monotonic()
    while time.monotonic() - started < 2 and 429 not in statuses:
        headers, raw = sdk_signed_headers(
            env,
            access_key=partner.access_key,
            secret_key="x" * 40,
            method="POST",
            path=CHECK_PATH,
            body=CHECK_BODY,
        )
        response = env.http.post(CHECK_PATH, headers=headers, content=raw)
        statuses.append(response.status_code)
        responses.append(response)
    assert statuses[:10] == [401] * 10
    refused = responses[-1]
    assert (refused.status_code, refused.json()["error_code"]) == (429, "CBC.0250")
    assert int(refused.headers["Retry-After"]) >= 1
    # While the address is over its budget even a good signature waits; a second later it passes.
    assert signed_call(env, partner, "POST", CHECK_PATH, CHECK_BODY).status_code == 429
    time.sleep(1.05)
    assert signed_call(env, partner, "POST", CHECK_PATH, CHECK_BODY).status_code == 200
