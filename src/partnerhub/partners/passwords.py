"""Setting a partner's console / token login password (``partnerhub partner set-password``, the console)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from partnerhub.kit.clock import Clock
from partnerhub.kit.passwords import hash_password
from partnerhub.partners.service import check_password_policy, get_partner


def set_partner_password(session: Session, clock: Clock, partner_id: str, password: str) -> None:
    """Replace the partner's password after the customer password policy (CBC.99000036 saying what is wrong).

    An unknown partner answers CBC.0404. Only the argon2id hash is stored. ``clock`` is part of the shared
    interface (for a "password changed" time once one is kept).
    """
    partner = get_partner(session, partner_id)
    check_password_policy(password, login_name=partner.account_name, mobile=partner.mobile)
    partner.password_hash = hash_password(password)
    session.flush()
