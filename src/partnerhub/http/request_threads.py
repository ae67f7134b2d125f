"""A request's blocking part — its sync dependencies, the handler and the commit — in one thread, one hop.

FastAPI runs every plain ``def`` dependency and handler in anyio's thread pool, each call its own hop from the
server's event loop to a thread and back: opening the session, authentication, the handler and the commit
are four hops per signed request. Profiled in-process, those hops were about half the CPU of a signed read
(2.8 ms → 1.35 ms with them gone). ``in_request_thread`` instead runs a route's whole FastAPI handler in one
thread of a pool of ``REQUEST_THREADS``, on that thread's own event loop; there the sync calls FastAPI would
send to a thread run inline (``anyio.to_thread.run_sync`` is gated by a context variable set only in these
threads), since the thread is off the server's loop already and blocks nothing else. The server's loop
parses requests and writes responses and never runs a blocking call, so no request can stall it.

The request body is read on the server's loop before the hop (a request thread never receives from the
server). The dependencies' function-scoped exits (the commit) run in the same thread, before the response is
written, as FastAPI does them.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from typing import Any, TypeVar

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response

from partnerhub.db.session import REQUEST_THREADS

Result = TypeVar("Result")
Handler = Callable[[Request], Coroutine[Any, Any, Response]]

_in_request_thread: contextvars.ContextVar[bool] = contextvars.ContextVar("in_request_thread", default=False)
# Where FastAPI (0.1xx) keeps the exit stack of a request's function-scoped dependencies; without it (another
# version) the exits run on the server's loop, one hop more, still correct.
_FUNCTION_STACK = "fastapi_function_astack"

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_local = threading.local()


class _ThreadLoop:
    """A request thread's own event loop, closed with the thread (not left to warn as unclosed)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        self.loop.close()


def _request_pool() -> ThreadPoolExecutor:
    global _pool
    pool = _pool
    if pool is None:  # only the first request takes the lock
        with _pool_lock:
            if _pool is None:
                _install_inline_runner()
                _pool = ThreadPoolExecutor(
                    max_workers=REQUEST_THREADS, thread_name_prefix="partnerhub-request"
                )
            pool = _pool
    return pool


_original_run_sync = anyio.to_thread.run_sync


async def _run_sync(func: Callable[..., Result], *args: Any, **options: Any) -> Result:
    if _in_request_thread.get():
        return func(*args)
    return await _original_run_sync(func, *args, **options)


def _install_inline_runner() -> None:
    # starlette.concurrency and fastapi.concurrency look the function up on the module at each call.
    anyio.to_thread.run_sync = _run_sync  # type: ignore[assignment]


async def in_request_thread(handler: Handler, request: Request) -> Response:
    """Run ``handler(request)`` in a request thread; the caller has read the body already."""
    context = contextvars.copy_context()  # the request id and language reach the thread's log lines
    future = _request_pool().submit(context.run, _drive, handler, request)
    return await asyncio.wrap_future(future)


def _drive(handler: Handler, request: Request) -> Response:
    thread_loop: _ThreadLoop | None = getattr(_local, "loop", None)
    if thread_loop is None:
        thread_loop = _local.loop = _ThreadLoop()
    token = _in_request_thread.set(True)
    try:
        return thread_loop.loop.run_until_complete(_with_own_exit_stack(handler, request))
    finally:
        _in_request_thread.reset(token)


async def _with_own_exit_stack(handler: Handler, request: Request) -> Response:
    scope = request.scope
    outer = scope.get(_FUNCTION_STACK)
    if outer is None:
        return await handler(request)
    try:
        async with AsyncExitStack() as stack:
            scope[_FUNCTION_STACK] = stack
            return await handler(request)
    finally:
        scope[_FUNCTION_STACK] = outer
