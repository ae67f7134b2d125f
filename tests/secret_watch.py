"""Every secret the suite hands out, and a scan of every server-side log record of the whole run for them.

The test helpers register what they create or read back (secret keys, passwords, tokens, verification
codes: ``watch``); a handler on the root logger keeps the raw text of every record the service writes (its
message, string fields and exception text, *before* the formatter's last-line masking), and at the end of the
session ``leaks`` finds any registered secret in them. ``tests/conftest.py`` fails the run on a leak.
"""

from __future__ import annotations

import logging
import re
import threading

_SERVER_SIDE = ("partnerhub", "uvicorn", "sqlalchemy", "alembic", "fastapi", "starlette")
_STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message"}
_CODE = re.compile(r"(?<![0-9A-Za-z])[0-9]{6}(?![0-9A-Za-z])")


class SecretWatch(logging.Handler):
    """A log handler that keeps the unmasked text of every server-side record, and the secrets to look for."""

    def __init__(self) -> None:
        super().__init__()
        self._guard = threading.Lock()
        self._secrets: set[str] = set()
        self._codes: set[str] = set()
        self._texts: list[str] = []

    def watch(self, *values: str | None) -> None:
        """Secrets that must never reach a log line (values under 8 characters are not looked for)."""
        with self._guard:
            self._secrets.update(value for value in values if value and len(value) >= 8)

    def watch_code(self, code: str) -> None:
        """A verification code: six digits, matched only as a whole word, never inside an id."""
        with self._guard:
            self._codes.add(code)

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(_SERVER_SIDE):
            return  # the test's own HTTP clients log their responses, tokens included
        parts = [record.getMessage()]
        parts.extend(
            value
            for key, value in record.__dict__.items()
            if key not in _STANDARD_ATTRIBUTES and isinstance(value, str)
        )
        if record.exc_info and record.exc_info[1] is not None:
            parts.append(repr(record.exc_info[1]))
        with self._guard:
            self._texts.append("\n".join(parts))

    @property
    def records(self) -> int:
        with self._guard:
            return len(self._texts)

    @property
    def watched(self) -> int:
        with self._guard:
            return len(self._secrets) + len(self._codes)

    def leaks(self) -> list[str]:
        """One line per record that holds a registered secret or code; the secret itself is never printed."""
        with self._guard:
            texts, secrets, codes = list(self._texts), set(self._secrets), set(self._codes)
        # Secrets by their first 8 characters: one pass over each text finds the candidates, however many.
        by_prefix: dict[str, list[str]] = {}
        for secret in secrets:
            by_prefix.setdefault(secret[:8], []).append(secret)
        found: list[str] = []
        for index, text in enumerate(texts):
            if any(
                text.startswith(secret, start)
                for start in range(len(text) - 7)
                for secret in by_prefix.get(text[start : start + 8], ())
            ):
                found.append(f"record {index}: a registered secret ({len(text)} characters of log text)")
            elif any(match in codes for match in _CODE.findall(text)):
                found.append(f"record {index}: a verification code ({len(text)} characters of log text)")
        return found


WATCH = SecretWatch()
"""The whole run's watch: helpers register into it, tests/conftest.py installs and checks it."""
watch = WATCH.watch
watch_code = WATCH.watch_code
