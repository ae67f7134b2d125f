"""The whole-run log scan finds what it is told to look for, and nothing else."""

from __future__ import annotations

import logging

from tests.secret_watch import SecretWatch


def _emit(watch: SecretWatch, logger: str, message: str, **extra: object) -> None:
    record = logging.LogRecord(logger, logging.INFO, __file__, 1, message, None, None)
    record.__dict__.update(extra)
    watch.handle(record)


def test_a_registered_secret_in_a_message_or_field_is_found() -> None:
    watch = SecretWatch()
    watch.watch("sk-0123456789abcdef", "Partner#2026pw", "short")
    _emit(watch, "partnerhub.http", "request done", path="/v2/x", duration_ms=3.5)
    _emit(watch, "partnerhub.auth", "signed with sk-0123456789abcdef")
    _emit(watch, "partnerhub.http", "login", detail="password=Partner#2026pw")
    _emit(watch, "uvicorn.error", "short")  # under 8 characters: not a secret to look for
    assert [line.split(":")[0] for line in watch.leaks()] == ["record 1", "record 2"]


def test_codes_are_matched_as_whole_words_only() -> None:
    watch = SecretWatch()
    watch.watch_code("123456")
    _emit(watch, "partnerhub.http", "customer a123456b, request 91234567")
    _emit(watch, "partnerhub.verification", "sent 123456 to the outbox")
    assert watch.records == 2
    assert [line.split(":")[0] for line in watch.leaks()] == ["record 1"]


def test_the_clients_own_records_are_not_the_servers() -> None:
    watch = SecretWatch()
    watch.watch("tok-abcdefghijkl")
    _emit(watch, "httpx", "response header x-subject-token: tok-abcdefghijkl")
    assert watch.records == 0 and watch.leaks() == []
