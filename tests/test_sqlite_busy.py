"""A SQLite file held by another process longer than the busy timeout answers 503 CBC.0503, never "locked"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from partnerhub.db.migrate import upgrade
from partnerhub.db.session import make_engine, make_sessionmaker, session_scope
from partnerhub.errors import ApiError


def test_a_writer_that_cannot_get_the_file_is_told_to_retry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/busy.db"
    upgrade(url)
    engine = make_engine(url, busy_timeout_seconds=0.2)
    with session_scope(make_sessionmaker(engine)) as session:  # the first connection switches the file to WAL
        session.execute(text("SELECT 1"))
    other_process = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    try:
        other_process.execute("BEGIN IMMEDIATE")
        with pytest.raises(ApiError) as raised, session_scope(make_sessionmaker(engine)) as session:
            session.execute(text("SELECT 1"))
        assert raised.value.code == "CBC.0503"
        assert raised.value.status == 503
        assert raised.value.headers == {"Retry-After": "1"}
        other_process.execute("ROLLBACK")
        with session_scope(make_sessionmaker(engine)) as session:  # the lock was released: work goes on
            assert session.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        other_process.close()
        engine.dispose()
