"""Operator actions on partners: create partners, issue and revoke access keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from partnerhub.errors import ApiError, invalid
from partnerhub.kit.clock import Clock
from partnerhub.kit.crypto import MasterKey
from partnerhub.kit.ids import new_access_key, new_id, new_secret_key
from partnerhub.kit.passwords import hash_password
from partnerhub.partners.models import AccessKey, Partner, PartnerKind, PartnerStatus
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
    xaccount_type: str | None = None,
) -> Partner:
    """A reseller needs a distributor parent; nobody else may have a parent."""
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
        password_hash=hash_password(password) if password else None,
        status=PartnerStatus.ACTIVE.value,
        xaccount_type=xaccount_type or f"{login}_IDP",
        step_up_required=False,
        created_at=now,
        associated_on=now if parent_id else None,
    )
    partners.add(partner)
    return partner


def list_partners(session: Session) -> Sequence[Partner]:
    return PartnerRepository(session).list_all()


def issue_key(session: Session, clock: Clock, master_key: MasterKey, partner_id: str) -> IssuedKey:
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
    return IssuedKey(key.access_key, secret, partner_id)


def revoke_key(session: Session, clock: Clock, access_key: str) -> bool:
    """Returns False when the key does not exist; revoking twice is harmless."""
    key = AccessKeyRepository(session).get(access_key)
    if key is None:
        return False
    if key.status != "revoked":
        key.status = "revoked"
        key.revoked_at = clock.now()
    return True
