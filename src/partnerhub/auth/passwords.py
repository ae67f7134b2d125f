"""Password logins: throttled per account and per client address, verified outside any write transaction.

Each attempt is counted *before* the password is checked, in a short transaction of its own that row-locks
the account's and the address's throttle rows: a burst of concurrent guesses cannot slip past the limit
together. An account (or address) may make ``login_free_attempts_per_*`` attempts; every attempt beyond them
locks it for ``login_backoff_base_seconds`` doubled per further attempt, up to
``login_backoff_max_seconds``. While locked, every attempt — the right password included — answers ``429
CBC.0250`` with ``Retry-After`` and nothing is checked, so the throttle tells a guesser nothing. A success
clears the account and takes its own attempt off the address. The argon2 check (tens of milliseconds) runs
between the two transactions: on SQLite it never holds the database write lock. A wrong login name and a
wrong password answer the same ``401 CBC.0156``; the server log says which, under the request id.
"""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from partnerhub.auth.principals import SubjectKind
from partnerhub.auth.repository import LoginThrottleRepository
from partnerhub.context import AppContext
from partnerhub.customers.repository import CustomerRepository
from partnerhub.db.session import session_scope
from partnerhub.errors import ApiError
from partnerhub.kit.passwords import verify_password
from partnerhub.partners.repository import PartnerRepository

log = logging.getLogger("partnerhub.auth")

THROTTLE_PURPOSE = "login-throttle"


@dataclass(frozen=True)
class PasswordSubject:
    kind: SubjectKind
    subject_id: str
    login_name: str


@dataclass(frozen=True)
class _Candidate:
    subject: PasswordSubject | None
    password_hash: str | None


def _find(session: Session, name: str, kinds: frozenset[SubjectKind]) -> _Candidate:
    """A partner login name first, then a customer login name (names are unique case-insensitively)."""
    if SubjectKind.PARTNER in kinds:
        partner = PartnerRepository(session).by_account_name(name)
        if partner is not None:
            subject = PasswordSubject(SubjectKind.PARTNER, partner.id, partner.account_name)
            return _Candidate(subject, partner.password_hash)
    if SubjectKind.CUSTOMER in kinds:
        customer = CustomerRepository(session).by_domain_name(name)
        if customer is not None:
            subject = PasswordSubject(SubjectKind.CUSTOMER, customer.id, customer.domain_name)
            return _Candidate(subject, customer.password_hash)
    return _Candidate(None, None)


def _keys(ctx: AppContext, name: str, client_address: str) -> tuple[str, str]:
    account = ctx.master_key.keyed_hash(THROTTLE_PURPOSE, f"account:{name.strip().lower()}")
    address = ctx.master_key.keyed_hash(THROTTLE_PURPOSE, f"address:{client_address}")
    return account, address


def _count_attempt(session: Session, ctx: AppContext, account_key: str, address_key: str) -> None:
    """Refuse while either key is locked; otherwise count the attempt (and lock beyond the free ones)."""
    settings, now = ctx.settings, ctx.clock.now()
    throttles = LoginThrottleRepository(session)
    throttles.ensure([account_key, address_key], now)
    rows = {row.key: row for row in throttles.locked([account_key, address_key])}
    forget = timedelta(seconds=settings.login_forget_after_seconds)
    locked_until = [row.locked_until for row in rows.values() if row.locked_until and row.locked_until > now]
    if locked_until:
        wait = max(1, math.ceil((max(locked_until) - now).total_seconds()))
        raise ApiError("CBC.0250", headers={"Retry-After": str(wait)})
    free = {
        account_key: settings.login_free_attempts_per_account,
        address_key: settings.login_free_attempts_per_address,
    }
    for key, row in rows.items():
        if now - row.last_attempt_at > forget:
            row.failures = 0
        row.failures += 1
        row.last_attempt_at = now
        beyond = row.failures - free[key]
        if beyond > 0:
            seconds = min(
                settings.login_backoff_base_seconds * 2 ** min(beyond - 1, 30),
                settings.login_backoff_max_seconds,
            )
            row.locked_until = now + timedelta(seconds=seconds)
    if random.random() < 0.01:  # keep the table to recent keys without a separate job
        throttles.purge_older_than(now - forget)


def _settle_success(session: Session, account_key: str, address_key: str) -> None:
    throttles = LoginThrottleRepository(session)
    throttles.clear(account_key)
    for row in throttles.locked([address_key]):
        row.failures = max(row.failures - 1, 0)


def authenticate_password(
    ctx: AppContext,
    *,
    name: str,
    password: str,
    client_address: str,
    kinds: frozenset[SubjectKind] = frozenset(SubjectKind),
) -> PasswordSubject:
    """The subject whose login ``name`` and ``password`` these are, or ``CBC.0250`` / ``CBC.0156``.

    Opens its own short transactions: call it outside any other transaction.
    """
    account_key, address_key = _keys(ctx, name, client_address)
    with session_scope(ctx.sessions) as session:
        _count_attempt(session, ctx, account_key, address_key)
        candidate = _find(session, name, kinds)
    if not verify_password(candidate.password_hash, password) or candidate.subject is None:
        reason = "unknown login name" if candidate.subject is None else "wrong password"
        log.info("password login refused", extra={"reason": reason})
        raise ApiError("CBC.0156")
    with session_scope(ctx.sessions) as session:
        _settle_success(session, account_key, address_key)
    return candidate.subject
