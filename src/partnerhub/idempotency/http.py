"""Route-side glue: the ``X-Client-Token`` header and running a handler body at most once per key."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Header, Response
from sqlalchemy.orm import Session

from partnerhub.context import AppContext
from partnerhub.errors import ApiError
from partnerhub.http.responses import json_response
from partnerhub.idempotency.service import (
    HEADER,
    StoredResponse,
    claim,
    complete,
    fingerprint,
    release,
    stored_response,
    validate_key,
)

KEY_HEADER_DESCRIPTION = (
    "Idempotency key (1-128 characters from `A-Z a-z 0-9 . _ : -`). A retry with the same key and the same "
    "body returns the first response again, byte for byte, without moving money twice; the same key with "
    "a different body answers 409 `CBC.0409`. Keys are kept at least 24 hours. A request that failed "
    "stored nothing, so its key can be retried."
)

ClientToken = Annotated[str | None, Header(alias=HEADER, description=KEY_HEADER_DESCRIPTION)]


def run_once(
    session: Session,
    ctx: AppContext,
    *,
    partner_id: str,
    key: str | None,
    operation: str,
    payload: Mapping[str, Any],
    execute: Callable[[str | None], tuple[Any, int]],
    guard: Callable[[], None] | None = None,
) -> Response:
    """Run ``execute(key)`` → (content, status) and answer it; with a key, at most once per (partner, key).

    The stored response is the exact bytes sent the first time; replays carry ``X-Idempotent-Replay: true``.
    A header that is present but empty or blank is refused (``CBC.0100``), never taken for "no key": a client
    that meant to send one would otherwise move money again on every retry.
    ``guard`` (the step-up check) runs before a first execution and before the key is claimed, never before
    a replay: a replay moves nothing and only repeats what the first request already answered.
    """
    if key is None:
        if guard is not None:
            guard()
        content, status = execute(None)
        return _render(content, status)
    validate_key(key)
    request_fingerprint = fingerprint(operation, payload)
    now = ctx.clock.now()
    retention = timedelta(hours=ctx.settings.idempotency_retention_hours)
    if guard is not None:
        done = stored_response(
            session,
            partner_id=partner_id,
            key=key,
            operation=operation,
            request_fingerprint=request_fingerprint,
            now=now,
            retention=retention,
        )
        if done is not None:
            return _replayed(done)
        guard()
    stored = claim(
        session,
        partner_id=partner_id,
        key=key,
        operation=operation,
        request_fingerprint=request_fingerprint,
        now=now,
        retention=retention,
    )
    if stored is not None:
        return _replayed(stored)
    try:
        content, status = execute(key)
    except ApiError as exc:
        if exc.keep_changes:
            # The transaction will be committed for the error's sake (a counted code attempt): the key must
            # not be committed with it, or its retry would meet a claim that never completes.
            release(session, partner_id=partner_id, key=key)
        raise
    response = _render(content, status)
    complete(session, partner_id=partner_id, key=key, status_code=status, body=bytes(response.body))
    return response


def _replayed(stored: StoredResponse) -> Response:
    return Response(
        stored.body,
        status_code=stored.status_code,
        media_type="application/json" if stored.status_code != 204 else None,
        headers={"X-Idempotent-Replay": "true"},
    )


def _render(content: Any, status: int) -> Response:
    """204 has no body (replays answer an empty 204 too); everything else is JSON."""
    if status == 204:
        return Response(status_code=204)
    return json_response(content, status)
