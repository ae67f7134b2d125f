"""Actions on partners: create partners, issue and revoke access keys.

Key creation and revocation are audit events in the key owner's chain (``access_key.created`` /
``access_key.revoked``, naming the access key id, never the secret), whoever asks: the operator CLI
(actor ``operator``) or, later, the partner's console (``actor`` passed in).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from partnerhub.audit.service import append as audit_event
from partnerhub.errors import ApiError, invalid
from partnerhub.kit.clock import Clock
from partnerhub.kit.crypto import MasterKey
from partnerhub.kit.ids import new_access_key, new_id, new_secret_key
from partnerhub.kit.passwords import hash_password
from partnerhub.partners.models import AccessKey, Partner, PartnerKind, PartnerStatus, StepUpChannel
from partnerhub.partners.repository import AccessKeyRepository, PartnerRepository


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
    password_hash: str | None = None,
    xaccount_type: str | None = None,
) -> Partner:
    """A reseller needs a distributor parent; nobody else may have a parent.

    ``password_hash``: an argon2 hash made before the transaction (hashing is slow and a SQLite
    transaction holds the write lock); ``password`` is hashed here, for the operator's CLI.
    """
    if password is not None and password_hash is not None:
        raise ValueError("give a password or its hash, not both")
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


def list_partners(session: Session) -> Sequence[Partner]:
    return PartnerRepository(session).list_all()


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
