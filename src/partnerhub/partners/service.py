"""Operator actions on partners: create partners, issue and revoke access keys.

Operator input follows the API's own rules: login names as for customers, mainland mobiles through
``phonenumbers``, e-mail syntax, and the customer password policy. Everything is checked before anything is
written, so a refused command creates nothing.

Key creation and revocation are audit events in the key owner's chain (``access_key.created`` /
``access_key.revoked``, naming the access key id, never the secret), whoever asks: the operator CLI
(actor ``operator``) or the partner's console (``actor`` passed in).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from partnerhub.audit.service import append as audit_event
from partnerhub.customers.rules import is_valid_email, is_valid_login_name, password_problem
from partnerhub.errors import ApiError, invalid
from partnerhub.kit.clock import Clock
from partnerhub.kit.crypto import MasterKey
from partnerhub.kit.ids import new_access_key, new_id, new_secret_key
from partnerhub.kit.passwords import hash_password
from partnerhub.kit.phones import normalize_cn_mobile
from partnerhub.partners.models import AccessKey, Partner, PartnerKind, PartnerStatus, StepUpChannel
from partnerhub.partners.repository import AccessKeyRepository, PartnerRepository

MAX_NAME_LENGTH = 255
MAX_XACCOUNT_TYPE_LENGTH = 64


@dataclass(frozen=True)
class IssuedKey:
    access_key: str
    secret_key: str
    partner_id: str


def create_partner(
    session: Session,
    clock: Clock,
    *,
    kind: PartnerKind,
    name: str,
    account_name: str | None = None,
    parent_id: str | None = None,
    mobile: str | None = None,
    email: str | None = None,
    password: str | None = None,
    xaccount_type: str | None = None,
    password_hash: str | None = None,
) -> Partner:
    """A reseller needs a distributor parent; nobody else may have a parent.

    ``password_hash``: an argon2 hash made before the transaction (hashing is slow and a SQLite
    transaction holds the write lock); ``password`` is checked and hashed here, for the operator's CLI.
    """
    if password is not None and password_hash is not None:
        raise ValueError("give a password or its hash, not both")
    name = _company_name(name)
    mobile = _contact_mobile(mobile)
    email = _contact_email(email)
    if account_name is not None and not is_valid_login_name(account_name):
        raise invalid("login", "5-32 characters of a-z A-Z 0-9 _ -, not starting with a digit")
    if xaccount_type is not None and not 0 < len(xaccount_type) <= MAX_XACCOUNT_TYPE_LENGTH:
        raise invalid("xaccount_type", "must be 1-{maximum} characters", maximum=MAX_XACCOUNT_TYPE_LENGTH)
    partners = PartnerRepository(session)
    if kind is PartnerKind.RESELLER:
        parent = partners.get(parent_id) if parent_id else None
        if parent is None or parent.kind != PartnerKind.DISTRIBUTOR:
            raise invalid("parent", "a reseller needs an existing distributor as parent")
    elif parent_id:
        raise invalid("parent", "only a reseller has a parent")
    partner_id = new_id()
    login = account_name or f"{kind.value.replace('_', '-')}-{partner_id[:8]}"
    if partners.by_account_name(login) is not None:
        raise ApiError("CBC.99000038", field="account_name")
    if password is not None:
        check_password_policy(password, login_name=login, mobile=mobile)
    now = clock.now()
    partner = Partner(
        id=partner_id,
        kind=kind.value,
        parent_id=parent_id,
        name=name,
        account_name=login,
        account_name_key=login.lower(),
        mobile=mobile,
        email=email,
        password_hash=hash_password(password) if password else password_hash,
        status=PartnerStatus.ACTIVE.value,
        xaccount_type=xaccount_type or f"{login}_IDP",
        step_up_required=False,
        step_up_api=False,
        step_up_channel=StepUpChannel.MOBILE.value,
        created_at=now,
        associated_on=now if parent_id else None,
    )
    partners.add(partner)
    return partner


def check_password_policy(password: str, *, login_name: str, mobile: str | None) -> None:
    """The customer password policy (SPEC A.3): CBC.99000036 saying what is wrong."""
    problem = (
        "must not be empty"
        if password == ""
        else password_problem(password, login_name=login_name, mobile=mobile)
    )
    if problem:
        raise ApiError("CBC.99000036", field="password", detail=problem)


def _company_name(name: str) -> str:
    stripped = name.strip()
    if not stripped:
        raise invalid("name", "required")
    if len(stripped) > MAX_NAME_LENGTH:
        raise invalid("name", "at most {maximum} characters", maximum=MAX_NAME_LENGTH)
    return stripped


def _contact_mobile(mobile: str | None) -> str | None:
    """A mainland-China mobile (``13800000000``, ``+86…`` or ``0086…``) kept as its 11 digits."""
    if mobile is None:
        return None
    normalized = normalize_cn_mobile(mobile)
    if normalized is None:
        raise ApiError("CBC.5017", field="mobile", detail="a mainland-China mobile such as 13800000000")
    return normalized


def _contact_email(email: str | None) -> str | None:
    if email is None:
        return None
    if not is_valid_email(email.strip()):
        raise invalid("email", "not a valid e-mail address (at most 64 characters, name@domain.tld)")
    return email.strip()


def list_partners(session: Session) -> Sequence[Partner]:
    return PartnerRepository(session).list_all()


def find_partner(session: Session, partner_id: str) -> Partner | None:
    return PartnerRepository(session).get(partner_id)


def get_partner(session: Session, partner_id: str) -> Partner:
    """The partner, or CBC.0404 naming it."""
    partner = find_partner(session, partner_id)
    if partner is None:
        raise ApiError(
            "CBC.0404", field="partner", detail="no partner {partner_id}", params={"partner_id": partner_id}
        )
    return partner


def list_keys(session: Session, partner_id: str | None = None) -> Sequence[AccessKey]:
    """Access keys (never their secrets), oldest first; one partner's when ``partner_id`` is given."""
    return AccessKeyRepository(session).list(partner_id)


def find_key(session: Session, access_key: str) -> AccessKey | None:
    return AccessKeyRepository(session).get(access_key)


def issue_key(
    session: Session,
    clock: Clock,
    master_key: MasterKey,
    partner_id: str,
    *,
    actor: str = "operator",
    ip: str | None = None,
) -> IssuedKey:
    if PartnerRepository(session).get(partner_id) is None:
        raise invalid("partner", "no such partner")
    secret = new_secret_key()
    key = AccessKey(
        access_key=new_access_key(),
        partner_id=partner_id,
        secret_sealed=master_key.seal(secret),
        status="active",
        created_at=clock.now(),
    )
    AccessKeyRepository(session).add(key)
    _audit_key(session, clock, key, "access_key.created", actor=actor, ip=ip)
    return IssuedKey(key.access_key, secret, partner_id)


def revoke_key(
    session: Session, clock: Clock, access_key: str, *, actor: str = "operator", ip: str | None = None
) -> bool:
    """Returns False when the key does not exist; revoking twice is harmless (and audited once)."""
    key = AccessKeyRepository(session).get(access_key)
    if key is None:
        return False
    if key.status != "revoked":
        key.status = "revoked"
        key.revoked_at = clock.now()
        _audit_key(session, clock, key, "access_key.revoked", actor=actor, ip=ip)
    return True


def _audit_key(
    session: Session, clock: Clock, key: AccessKey, action: str, *, actor: str, ip: str | None
) -> None:
    audit_event(
        session,
        clock,
        partner_id=key.partner_id,
        actor=actor,
        action=action,
        target_kind="access_key",
        target_id=key.access_key,
        details={},
        ip=ip,
    )
