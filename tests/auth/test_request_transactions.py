"""A signed call runs authentication, its rate limit and the handler in one database transaction.

On SQLite the key is read in a lock-free read transaction of its own (the request's transaction holds the
write lock and must not span the thread hops from authentication to commit); still one write transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from partnerhub.db.session import READ_ONLY
from tests.support import Env, make_partner, signed_call

BALANCES_PATH = "/v2/accounts/partner-accounts/balances"
CHECK_PATH = "/v2/partners/sub-customers/users/check-identity"


@contextmanager
def counted_transactions(env: Env) -> Iterator[list[Any]]:
    begun: list[Any] = []

    def on_begin(connection: Any) -> None:
        begun.append("read" if connection.get_execution_options().get(READ_ONLY) else "write")

    event.listen(env.ctx.engine, "begin", on_begin)
    try:
        yield begun
    finally:
        event.remove(env.ctx.engine, "begin", on_begin)


def one_request_transaction(env: Env, begun: list[str]) -> bool:
    if env.ctx.engine.dialect.name == "sqlite":
        return sorted(begun) == ["read", "write"]
    return begun == ["write"]


def test_a_signed_read_is_one_transaction(env: Env) -> None:
    partner = make_partner(env)
    with counted_transactions(env) as begun:
        response = signed_call(env, partner, "GET", BALANCES_PATH)
    assert response.status_code == 200, response.text
    assert one_request_transaction(env, begun), begun


def test_a_signed_check_identity_is_one_transaction(env: Env) -> None:
    partner = make_partner(env)
    with counted_transactions(env) as begun:
        body = {"search_type": "name", "search_value": "onetransaction"}
        response = signed_call(env, partner, "POST", CHECK_PATH, body)
    assert response.status_code == 200, response.text
    assert one_request_transaction(env, begun), begun


def test_a_token_read_is_one_transaction(env: Env) -> None:
    partner = make_partner(env)
    login = env.http.post(
        "/v3/auth/tokens",
        json={
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"name": partner.login, "password": partner.password}},
                }
            }
        },
    )
    token = login.headers["x-subject-token"]
    with counted_transactions(env) as begun:
        response = env.http.get(BALANCES_PATH, headers={"X-Auth-Token": token})
    assert response.status_code == 200, response.text
    assert one_request_transaction(env, begun), begun
