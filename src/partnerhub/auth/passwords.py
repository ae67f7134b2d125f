"""Password logins with throttling — STAND-IN of main's module (same signature, see INTERFACES.md).

The console branch keeps this minimal version so its code imports the real path; main's
``partnerhub.auth.passwords`` replaces it at merge. What it does, honestly:

* the argon2 check runs outside any database transaction (the hash is read in a short one first);
* a wrong name and a wrong password give one answer, ``CBC.0156``, after the same argon2 work;
* throttling: after ``ACCOUNT_FAILURES`` failures for one login name, or ``ADDRESS_FAILURES`` from one client
  address, within ``WINDOW``, every attempt — the right password included — answers ``CBC.0250`` with
  ``Retry-After`` until the window of the oldest counted failure has passed. A success clears the account's
  failures. **Stand-in limitation**: the counters live in this process's memory (one per ``AppContext``), so
  several workers count separately and a restart forgets them; main's version keeps them in the database.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from partnerhub.auth.principals import SubjectKind
from partnerhub.context import AppContext
from partnerhub.customers.repository import CustomerRepository
from partnerhub.db.session import session_scope
from partnerhub.errors import ApiError
from partnerhub.kit.passwords import verify_password
from partnerhub.partners.repository import PartnerRepository

ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 50
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class PasswordSubject:
    kind: SubjectKind
    subject_id: str
    login_name: str


@dataclass
class _Failures:
    lock: threading.Lock = field(default_factory=threading.Lock)
    by_account: dict[str, deque[datetime]] = field(default_factory=dict)
    by_address: dict[str, deque[datetime]] = field(default_factory=dict)


_STATE_ATTRIBUTE = "_standin_password_failures"
_STATE_LOCK = threading.Lock()


def _failures(ctx: AppContext) -> _Failures:
    """The counters of this process's app context (kept on the context, so each test app has its own)."""
    with _STATE_LOCK:
        state = getattr(ctx, _STATE_ATTRIBUTE, None)
        if not isinstance(state, _Failures):
            state = _Failures()
            setattr(ctx, _STATE_ATTRIBUTE, state)
        return state


def _recent(entries: deque[datetime], now: datetime) -> deque[datetime]:
    while entries and entries[0] <= now - WINDOW:
        entries.popleft()
    return entries


def _locked_out(state: _Failures, account: str, address: str, now: datetime) -> float | None:
    """Seconds until the next attempt is allowed, or None when it is allowed now."""
    waits = []
    for table, key, limit in (
        (state.by_account, account, ACCOUNT_FAILURES),
        (state.by_address, address, ADDRESS_FAILURES),
    ):
        entries = _recent(table.setdefault(key, deque()), now)
        if len(entries) >= limit:
            waits.append((entries[len(entries) - limit] + WINDOW - now).total_seconds())
    return max(waits) if waits else None


def authenticate_password(
    ctx: AppContext, *, name: str, password: str, client_address: str, kinds: frozenset[SubjectKind]
) -> PasswordSubject:
    """The subject whose login name and password these are, among ``kinds``; else CBC.0156 (or CBC.0250)."""
    account = name.strip().lower()
    state = _failures(ctx)
    with state.lock:
        wait = _locked_out(state, account, client_address, ctx.clock.now())
    if wait is not None:
        raise ApiError("CBC.0250", headers={"Retry-After": str(max(1, math.ceil(wait)))})
    subject: PasswordSubject | None = None
    stored_hash: str | None = None
    with session_scope(ctx.sessions) as session:
        partner = PartnerRepository(session).by_account_name(account) if account else None
        if partner is not None and SubjectKind.PARTNER in kinds:
            subject = PasswordSubject(SubjectKind.PARTNER, partner.id, partner.account_name)
            stored_hash = partner.password_hash
        elif partner is None and SubjectKind.CUSTOMER in kinds and account:
            customer = CustomerRepository(session).by_domain_name(account)
            if customer is not None:
                subject = PasswordSubject(SubjectKind.CUSTOMER, customer.id, customer.domain_name)
                stored_hash = customer.password_hash
    if verify_password(stored_hash, password) and subject is not None:
        with state.lock:
            state.by_account.pop(account, None)
        return subject
    with state.lock:
        now = ctx.clock.now()
        state.by_account.setdefault(account, deque()).append(now)
        state.by_address.setdefault(client_address, deque()).append(now)
    raise ApiError("CBC.0156")
