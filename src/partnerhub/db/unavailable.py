"""Which database failures mean "unavailable for now, retry" rather than a bug.

A database that is down, restarting, out of disk or too slow must answer 503 ``CBC.99100502`` with
``Retry-After`` (the client retries with the same ``X-Client-Token``), never a 500: nothing was committed,
since every transaction either committed whole or not at all.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

UNAVAILABLE = "CBC.99100502"
RETRY_AFTER_SECONDS = "2"
# SQLite reports a missing table as OperationalError too: that is a bug (500), not an outage.
_SQLITE_OUTAGES = (
    "disk is full",
    "disk i/o error",
    "unable to open database",
    "database is locked",
    "readonly",
)


def is_unavailable(exc: BaseException) -> bool:
    """True for a lost or refused connection, a pool timeout, a statement timeout, a full disk (SQLite)."""
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, OperationalError):
        if isinstance(exc.orig, sqlite3.OperationalError):
            return any(outage in str(exc.orig).lower() for outage in _SQLITE_OUTAGES)
        return True  # PostgreSQL: connection lost or refused, shutdown, statement timeout, serialization
    return isinstance(exc, DBAPIError) and exc.connection_invalidated
