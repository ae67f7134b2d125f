"""A partner manages its own API access keys (the console's settings page).

Scope is structural: a partner sees and revokes only its own keys; another partner's access key behaves
exactly like a missing one (``CBC.99100405``). Creating and revoking are audited by ``partners.service``
(``access_key.created`` / ``access_key.revoked``, actor the partner, the access key id only — never the
secret), as for the operator's CLI. The secret key is returned once, by
``create_own_key``, and is never readable again (it is stored sealed for signature checks only).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from partnerhub.context import AppContext
from partnerhub.errors import ApiError
from partnerhub.partners.models import AccessKey
from partnerhub.partners.repository import AccessKeyRepository
from partnerhub.partners.service import IssuedKey, issue_key, revoke_key

NO_SUCH_KEY = "CBC.99100405"


def own_keys(session: Session, partner_id: str) -> Sequence[AccessKey]:
    """The partner's keys, oldest first, revoked ones included."""
    return AccessKeyRepository(session).list(partner_id)


def create_own_key(session: Session, ctx: AppContext, *, partner_id: str, ip: str | None) -> IssuedKey:
    return issue_key(session, ctx.clock, ctx.master_key, partner_id, actor=f"partner:{partner_id}", ip=ip)


def revoke_own_key(
    session: Session, ctx: AppContext, *, partner_id: str, access_key: str, ip: str | None
) -> AccessKey:
    """Revoke one of the partner's keys; revoking a revoked key changes nothing and is not audited again."""
    key = AccessKeyRepository(session).get(access_key) if access_key else None
    if key is None or key.partner_id != partner_id:
        raise ApiError(NO_SUCH_KEY, field="access_key")
    revoke_key(session, ctx.clock, access_key, actor=f"partner:{partner_id}", ip=ip)
    return key
