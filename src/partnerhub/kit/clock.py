"""An injectable clock: services ask it for the time so tests can move time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that stands still until moved. Thread-safe, for tests that drive a live server."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta | float) -> None:
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        with self._lock:
            self._now += step

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment


def as_utc(moment: datetime) -> datetime:
    """Databases hand back naive datetimes (SQLite); everything we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_utc(moment: datetime) -> str:
    """The API's timestamp format: ``2019-05-06T08:05:01Z``."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    """Parse ``yyyy-MM-dd'T'HH:mm:ss'Z'``; raises ValueError otherwise."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
