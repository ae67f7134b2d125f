"""Authentication: AK/SK signatures, tokens for password logins (``auth/passwords.py``), and token checks.

Tokens are 43 random URL-safe characters; only their keyed hash is stored. Secret keys are stored sealed
with the master key and opened only to recompute a signature; the opened secret is kept in this process's
memory by its sealed text, so a key is decrypted once per process, not once per request. The key's row is
still read on every request (in the handler's transaction), so a revoked key stops working at once, on every
instance.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from partnerhub.auth import signing
from partnerhub.auth.models import AuthToken
from partnerhub.auth.passwords import PasswordSubject
from partnerhub.auth.principals import Principal, SubjectKind
from partnerhub.auth.repository import (
    SigningKey,
    TokenRepository,
    active_signing_key,
    customer_exists,
    partner_kind,
)
from partnerhub.context import AppContext
from partnerhub.errors import ApiError, AuthenticationFailed
from partnerhub.kit.crypto import MasterKey, random_token

TOKEN_PURPOSE = "auth-token"  # noqa: S105 - a key-derivation label, not a secret


@dataclass(frozen=True)
class SignedRequest:
    method: str
    path: str
    raw_query: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    issued_at: datetime
    subject_kind: SubjectKind
    subject_id: str
    login_name: str


class OpenedSecrets:
    """Secret keys opened with one master key, by sealed text. Bounded; a rotated key is a new entry."""

    LIMIT = 10_000

    def __init__(self, master_key: MasterKey) -> None:
        self._master_key = master_key
        self._opened: dict[str, str] = {}
        self._lock = threading.Lock()

    def open(self, sealed: str) -> str:
        secret = self._opened.get(sealed)
        if secret is None:
            secret = self._master_key.open_sealed(sealed)
            with self._lock:
                if len(self._opened) >= self.LIMIT:
                    self._opened.clear()
                self._opened[sealed] = secret
        return secret


_opened_secrets: weakref.WeakKeyDictionary[MasterKey, OpenedSecrets] = weakref.WeakKeyDictionary()
_opened_secrets_lock = threading.Lock()


def opened_secrets(master_key: MasterKey) -> OpenedSecrets:
    with _opened_secrets_lock:
        secrets = _opened_secrets.get(master_key)
        if secrets is None:
            secrets = _opened_secrets[master_key] = OpenedSecrets(master_key)
        return secrets


def authenticate_signature(session: Session, ctx: AppContext, request: SignedRequest) -> Principal:
    """One indexed read (the active key and its partner), run in the caller's transaction."""
    secrets = opened_secrets(ctx.master_key)
    found: dict[str, SigningKey] = {}

    def secret_for(access_key: str) -> str | None:
        key = active_signing_key(session, access_key)
        if key is None:
            return None
        found[access_key] = key
        return secrets.open(key.secret_sealed)

    access_key = signing.verify_request(
        method=request.method,
        path=request.path,
        raw_query=request.raw_query,
        headers=request.headers,
        body=request.body,
        secret_for=secret_for,
        now=ctx.wall_clock.now(),
        max_skew=timedelta(seconds=ctx.settings.signature_max_skew_seconds),
    )
    key = found[access_key]
    domain_id = {k.lower(): v for k, v in request.headers.items()}.get("x-domain-id")
    if domain_id is not None and domain_id.strip() != key.partner_id:
        raise AuthenticationFailed("x-domain-id does not match the access key's account")
    return Principal(SubjectKind.PARTNER, key.partner_id, key.partner_kind, access_key, access_key)


def authenticate_token(session: Session, ctx: AppContext, token: str) -> Principal:
    """Run in the caller's transaction; reads columns only, so the handler's own row loads stay fresh."""
    record = TokenRepository(session).get(ctx.master_key.keyed_hash(TOKEN_PURPOSE, token))
    if record is None or record.expires_at <= ctx.clock.now():
        raise ApiError("CBC.0154")
    if record.subject_kind == SubjectKind.PARTNER:
        kind = partner_kind(session, record.subject_id)
        if kind is None:
            raise ApiError("CBC.0154")
        return Principal(SubjectKind.PARTNER, record.subject_id, kind, f"token:{record.subject_id}")
    if not customer_exists(session, record.subject_id):
        raise ApiError("CBC.0154")
    return Principal(SubjectKind.CUSTOMER, record.subject_id, None, f"token:{record.subject_id}")


def issue_token(session: Session, ctx: AppContext, subject: PasswordSubject) -> IssuedToken:
    """A new token for a subject whose password ``auth.passwords.authenticate_password`` accepted."""
    token = random_token()
    now = ctx.clock.now()
    expires = now + timedelta(seconds=ctx.settings.token_lifetime_seconds)
    tokens = TokenRepository(session)
    tokens.purge_expired(now)  # logins keep the table to live tokens; no separate job needed
    tokens.add(
        AuthToken(
            token_hash=ctx.master_key.keyed_hash(TOKEN_PURPOSE, token),
            subject_kind=subject.kind.value,
            subject_id=subject.subject_id,
            created_at=now,
            expires_at=expires,
        )
    )
    return IssuedToken(token, expires, now, subject.kind, subject.subject_id, subject.login_name)
