"""The idempotency contract for money-moving requests.

* A request may carry an idempotency key (``X-Client-Token``, 1–128 of ``A-Z a-z 0-9 . _ : -``).
* The first request with a key runs; its key, a fingerprint of (operation, body) and its response are stored
  **in the same transaction** as its money movement. A request that fails changes nothing and stores
  nothing, so the key stays free for a corrected retry.
* A later request with the same key from the same partner:
  - same operation and body → the stored status and body again, byte for byte, and no second effect;
  - anything else → 409 ``CBC.0409``.
* A concurrent duplicate waits for the first to finish (PostgreSQL: on the primary key; SQLite: on the
  write lock) and then replays its response; it never runs twice.
* Keys are kept ``idempotency_retention_hours`` (default 24); older ones are treated as unused and are
  deleted by ``partnerhub idempotency purge``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import simplejson
from sqlalchemy.orm import Session

from partnerhub.errors import ApiError, invalid
from partnerhub.idempotency.models import IdempotencyRecord
from partnerhub.idempotency.repository import IdempotencyRepository

HEADER = "X-Client-Token"
_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: bytes


def fingerprint(operation: str, payload: Mapping[str, Any]) -> str:
    """SHA-256 over the operation and the request body in canonical JSON (sorted keys, exact decimals)."""
    canonical = simplejson.dumps(
        {"operation": operation, "body": payload}, use_decimal=True, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate_key(key: str) -> str:
    if not _KEY.match(key):
        raise invalid(HEADER, "use 1-128 characters from A-Z a-z 0-9 . _ : -")
    return key


def claim(
    session: Session,
    *,
    partner_id: str,
    key: str,
    operation: str,
    request_fingerprint: str,
    now: datetime,
    retention: timedelta,
) -> StoredResponse | None:
    """None when this request now owns the key and must run (then call ``complete``); otherwise the stored
    response to replay. Raises CBC.0409 when the key was used for a different request."""
    records = IdempotencyRepository(session)
    claim_values = {
        "partner_id": partner_id,
        "idempotency_key": key,
        "operation": operation,
        "fingerprint": request_fingerprint,
        "status_code": None,
        "response_body": None,
        "created_at": now,
    }
    for _ in range(3):
        # Insert first: a new key (the usual case) costs one statement.
        if records.try_insert(claim_values):
            return None
        existing = records.get(partner_id, key)
        if existing is not None and existing.created_at < now - retention:
            records.remove(existing)  # expired: treated as unused; the next pass claims it
            continue
        if existing is not None:
            return _replay(existing, operation, request_fingerprint)
        # The other request's record went (it rolled back, or was purged): try again.
    raise ApiError("CBC.0409", field=HEADER, detail="the key is in use by a concurrent request")


def stored_response(
    session: Session,
    *,
    partner_id: str,
    key: str,
    operation: str,
    request_fingerprint: str,
    now: datetime,
    retention: timedelta,
) -> StoredResponse | None:
    """The response to replay when this key already completed within the retention, else None; reads only.
    Raises CBC.0409 like ``claim`` when the key was used for a different request."""
    existing = IdempotencyRepository(session).get(partner_id, key)
    if existing is None or existing.created_at < now - retention:
        return None
    return _replay(existing, operation, request_fingerprint)


def _replay(record: IdempotencyRecord, operation: str, request_fingerprint: str) -> StoredResponse:
    if record.operation != operation or record.fingerprint != request_fingerprint:
        raise ApiError("CBC.0409", field=HEADER, detail="the key was already used for a different request")
    if record.status_code is None or record.response_body is None:  # only possible mid-transaction
        raise ApiError("CBC.0409", field=HEADER, detail="the key is in use by a concurrent request")
    return StoredResponse(record.status_code, record.response_body.encode())


def complete(session: Session, *, partner_id: str, key: str, status_code: int, body: bytes) -> None:
    """Attach the response to the key claimed by this transaction."""
    if not IdempotencyRepository(session).attach_response(partner_id, key, status_code, body.decode()):
        # claim() ran in this very transaction; its row must be here, still without a response
        raise RuntimeError("idempotency key was not claimed in this transaction")


def release(session: Session, *, partner_id: str, key: str) -> None:
    """Give up the key claimed by this transaction (the request failed but its transaction is committed)."""
    record = IdempotencyRepository(session).get(partner_id, key)
    if record is not None and record.status_code is None:
        IdempotencyRepository(session).remove(record)


def purge_expired(session: Session, *, now: datetime, retention: timedelta) -> int:
    """Delete records older than the retention window; returns how many went."""
    return IdempotencyRepository(session).purge_before(now - retention)
