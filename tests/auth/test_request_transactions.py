"""A signed call runs authentication, its rate limit and the handler in one database transaction.

A route that only reads (``reads_only``) runs in one read-only session: on SQLite a lock-free read
transaction, on PostgreSQL autocommit (no BEGIN or COMMIT round trip). A writing route: on SQLite the key
is read in a lock-free read transaction of its own (the request's transaction holds the write lock and must
not span the thread hops from authentication to commit); still one write transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import event, select, update

from partnerhub.db.session import READ_ONLY, WriteWhileReading, read_scope, session_scope
from partnerhub.partners.models import Partner
from tests.support import Env, make_partner, signed_call

BALANCES_PATH = "/v2/accounts/partner-accounts/balances"
CHECK_PATH = "/v2/partners/sub-customers/users/check-identity"


@contextmanager
def counted_transactions(env: Env) -> Iterator[list[Any]]:
    begun: list[Any] = []

    def on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if not options.get(READ_ONLY):
            begun.append("write")
        elif options.get("isolation_level") == "AUTOCOMMIT":
            begun.append("autocommit read")
        else:
            begun.append("read")

    event.listen(env.ctx.engine, "begin", on_begin)
    try:
        yield begun
    finally:
        event.remove(env.ctx.engine, "begin", on_begin)


def one_request_transaction(env: Env, begun: list[str]) -> bool:
    if env.ctx.engine.dialect.name == "sqlite":
        return sorted(begun) == ["read", "write"]
    return begun == ["write"]


def one_read_only_session(env: Env, begun: list[str]) -> bool:
    if env.ctx.engine.dialect.name == "sqlite":
        return begun == ["read"]
    return begun == ["autocommit read"]


def test_a_signed_read_is_one_read_only_session(env: Env) -> None:
    partner = make_partner(env)
    with counted_transactions(env) as begun:
        response = signed_call(env, partner, "GET", BALANCES_PATH)
    assert response.status_code == 200, response.text
    assert one_read_only_session(env, begun), begun


def test_a_signed_check_identity_is_one_read_only_session(env: Env) -> None:
    partner = make_partner(env)
    with counted_transactions(env) as begun:
        body = {"search_type": "name", "search_value": "onetransaction"}
        response = signed_call(env, partner, "POST", CHECK_PATH, body)
    assert response.status_code == 200, response.text
    assert one_read_only_session(env, begun), begun


def test_a_signed_funding_is_one_write_transaction(env: Env) -> None:
    partner = make_partner(env)
    with counted_transactions(env) as begun:
        body = {"customer_id": "0" * 32, "amount": 1}
        response = signed_call(env, partner, "POST", "/v2/accounts/partner-accounts/adjust-amount", body)
    assert response.status_code == 400, response.text
    assert one_request_transaction(env, begun), begun


def test_a_write_through_a_read_only_session_is_refused_before_the_database(env: Env) -> None:
    partner = make_partner(env)
    with pytest.raises(WriteWhileReading), read_scope(env.ctx.sessions) as session:
        session.execute(update(Partner).where(Partner.id == partner.id).values(name="changed"))
    with session_scope(env.ctx.sessions) as session:
        assert session.scalar(select(Partner.name).where(Partner.id == partner.id)) != "changed"


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
    assert one_read_only_session(env, begun), begun


def test_every_partner_api_read_route_is_marked_reads_only(env: Env) -> None:
    """A GET of the partner API never writes: each one takes the read-only path (a new list route that
    forgets the mark would pay for BEGIN/COMMIT, or SQLite's write lock, on every call)."""
    unmarked = [
        route.path
        for route in env.app.routes
        if isinstance(route, APIRoute)
        and "GET" in route.methods
        and route.path.startswith(("/v2/", "/v3/"))
        and not getattr(route.endpoint, "partnerhub_reads_only", False)
    ]
    assert unmarked == []
