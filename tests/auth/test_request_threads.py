"""A signed call's blocking part runs in one request thread: no thread hop per dependency, never on the loop.

FastAPI would send the session, authentication, the handler and the commit each to anyio's thread pool (four
hops there and back per call); ``http/request_threads.py`` runs them all in one request thread, where every
statement and the commit then execute.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from anyio._backends._asyncio import AsyncIOBackend
from sqlalchemy import event

from tests.funding.helpers import top_up
from tests.support import Env, make_customer, make_partner, signed_call

BALANCES_PATH = "/v2/accounts/partner-accounts/balances"
ADJUST_PATH = "/v2/accounts/partner-accounts/adjust-amount"


@contextmanager
def watched(env: Env, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[Any]]]:
    """anyio worker-thread hops, and the thread of every statement and commit on the app's engine."""
    seen: dict[str, list[Any]] = {"hops": [], "statement_threads": [], "commit_threads": []}
    original = AsyncIOBackend.run_sync_in_worker_thread.__func__  # type: ignore[attr-defined]

    async def counting(cls: Any, func: Any, *args: Any, **options: Any) -> Any:
        seen["hops"].append(func)
        return await original(cls, func, *args, **options)

    monkeypatch.setattr(AsyncIOBackend, "run_sync_in_worker_thread", classmethod(counting))

    def on_statement(*_: Any) -> None:
        seen["statement_threads"].append(threading.current_thread().name)

    def on_commit(*_: Any) -> None:
        seen["commit_threads"].append(threading.current_thread().name)

    event.listen(env.ctx.engine, "before_cursor_execute", on_statement)
    event.listen(env.ctx.engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(env.ctx.engine, "before_cursor_execute", on_statement)
        event.remove(env.ctx.engine, "commit", on_commit)


def one_request_thread(names: list[str]) -> bool:
    return len(set(names)) == 1 and names[0].startswith("partnerhub-request")


def test_a_signed_read_runs_in_one_request_thread_without_hops(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = make_partner(env)
    with watched(env, monkeypatch) as seen:
        response = signed_call(env, partner, "GET", BALANCES_PATH)
    assert response.status_code == 200, response.text
    assert seen["hops"] == []
    assert seen["statement_threads"] and one_request_thread(seen["statement_threads"]), seen


def test_a_signed_funding_commits_in_its_request_thread(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    partner = make_partner(env)
    top_up(env, partner, "10")
    customer = make_customer(env, partner)
    with watched(env, monkeypatch) as seen:
        response = signed_call(env, partner, "POST", ADJUST_PATH, {"customer_id": customer, "amount": 1})
    assert response.status_code == 200, response.text
    assert seen["hops"] == []
    assert seen["commit_threads"], seen
    assert one_request_thread(seen["statement_threads"] + seen["commit_threads"]), seen


def test_a_refused_call_answers_from_its_request_thread_and_changes_nothing(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = make_partner(env)
    with watched(env, monkeypatch) as seen:
        response = signed_call(env, partner, "POST", ADJUST_PATH, {"customer_id": "0" * 32, "amount": 1})
    assert response.status_code == 400, response.text
    assert response.json()["error_code"].startswith("CBC.")
    assert seen["hops"] == [] and seen["commit_threads"] == []
    assert one_request_thread(seen["statement_threads"]), seen
