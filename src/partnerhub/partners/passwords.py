"""Setting a partner's password — STAND-IN of the first-hour branch's module (same signature).

The first-hour branch's ``partnerhub.partners.passwords`` replaces this file at merge. Same rules: the
customer password policy (SPEC A.3, ``CBC.99000036`` saying what is wrong), an argon2id hash, and
``CBC.0404`` for an unknown partner.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from partnerhub.customers.rules import password_problem
from partnerhub.errors import ApiError
from partnerhub.kit.clock import Clock
from partnerhub.kit.passwords import hash_password
from partnerhub.partners.repository import PartnerRepository


def set_partner_password(session: Session, clock: Clock, partner_id: str, password: str) -> None:
    """Replace the partner's password hash after the policy check. ``clock`` is part of the interface."""
    partner = PartnerRepository(session).get(partner_id)
    if partner is None:
        raise ApiError("CBC.0404", field="partner_id")
    problem = (
        "must not be empty"
        if password == ""
        else password_problem(password, login_name=partner.account_name, mobile=partner.mobile)
    )
    if problem:
        raise ApiError("CBC.99000036", field="password", detail=problem)
    partner.password_hash = hash_password(password)
    session.flush()
