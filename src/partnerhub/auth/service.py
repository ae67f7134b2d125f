"""Authentication: AK/SK signatures, tokens for password logins (``auth/passwords.py``), and token checks.

Tokens are 43 random URL-safe characters; only their keyed hash is stored. Secret keys are stored sealed
with the master key and opened only to recompute a signature.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from partnerhub.auth import signing
from partnerhub.auth.models import AuthToken
from partnerhub.auth.passwords import PasswordSubject
from partnerhub.auth.principals import Principal, SubjectKind
from partnerhub.auth.repository import TokenRepository
from partnerhub.context import AppContext
from partnerhub.customers.repository import CustomerRepository
from partnerhub.errors import ApiError, AuthenticationFailed
from partnerhub.kit.crypto import random_token
from partnerhub.partners.models import Partner
from partnerhub.partners.repository import AccessKeyRepository, PartnerRepository

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


def partner_principal(partner: Partner, rate_key: str, access_key: str | None = None) -> Principal:
    return Principal(SubjectKind.PARTNER, partner.id, partner.kind, rate_key, access_key)


def authenticate_signature(session: Session, ctx: AppContext, request: SignedRequest) -> Principal:
    keys = AccessKeyRepository(session)
    owners: dict[str, str] = {}

    def secret_for(access_key: str) -> str | None:
        key = keys.get_active(access_key)
        if key is None:
            return None
        owners[access_key] = key.partner_id
        return ctx.master_key.open_sealed(key.secret_sealed)

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
    partner = PartnerRepository(session).get(owners[access_key])
    if partner is None:
        raise AuthenticationFailed("key without partner")
    domain_id = {k.lower(): v for k, v in request.headers.items()}.get("x-domain-id")
    if domain_id is not None and domain_id.strip() != partner.id:
        raise AuthenticationFailed("x-domain-id does not match the access key's account")
    return partner_principal(partner, access_key, access_key)


def authenticate_token(session: Session, ctx: AppContext, token: str) -> Principal:
    record = TokenRepository(session).get(ctx.master_key.keyed_hash(TOKEN_PURPOSE, token))
    if record is None or record.expires_at <= ctx.clock.now():
        raise ApiError("CBC.0154")
    if record.subject_kind == SubjectKind.PARTNER:
        partner = PartnerRepository(session).get(record.subject_id)
        if partner is None:
            raise ApiError("CBC.0154")
        return partner_principal(partner, f"token:{partner.id}")
    customer = CustomerRepository(session).get(record.subject_id)
    if customer is None:
        raise ApiError("CBC.0154")
    return Principal(SubjectKind.CUSTOMER, customer.id, None, f"token:{customer.id}")


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
