"""A pooled PostgreSQL connection the server dropped while idle is replaced before a request uses it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from partnerhub.db import session as db_session


def test_an_idle_connection_the_server_dropped_is_replaced(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("connection pooling with pings is PostgreSQL's")
    monkeypatch.setattr(db_session, "IDLE_BEFORE_PING_SECONDS", 0.0)
    engine = db_session.make_engine(database_url, pool_size=1)
    admin = db_session.make_engine(database_url, pool_size=1)
    try:
        with engine.connect() as connection:
            backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        with engine.connect() as connection:
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != backend
    finally:
        engine.dispose()
        admin.dispose()
