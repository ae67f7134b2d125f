"""Which database errors answer 503 CBC.99100502 (retry) and which stay a 500 (a bug)."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from partnerhub.db.unavailable import is_unavailable


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full")),
        OperationalError("COMMIT", {}, sqlite3.OperationalError("disk I/O error")),
        OperationalError("SELECT", {}, psycopg.OperationalError("connection refused")),
        OperationalError("SELECT", {}, psycopg.errors.QueryCanceled("statement timeout")),
        PoolTimeout("QueuePool limit reached"),
    ],
)
def test_outages_are_unavailable(error: Exception) -> None:
    assert is_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: partners")),
        IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
        ValueError("a bug"),
    ],
)
def test_bugs_stay_bugs(error: Exception) -> None:
    assert not is_unavailable(error)
