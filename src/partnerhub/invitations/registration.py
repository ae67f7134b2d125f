"""The public side of an invitation: whoever holds the link registers a cloud reseller (SPEC §E).

No credentials: the link's token is the only key, so every step checks the link first — unknown
(CBC.99100202), expired (CBC.99100203), used (CBC.99100204) or revoked (CBC.99100205) — and the routes are
rate-limited per client address. The inviting distributor must still be an active distributor
(CBC.99100208).

The registration code is the one code partnerhub sends to an address the caller chooses: the registrant's
own mobile. It is bound to the inviting distributor (scene 29, registration) and its sending is limited per
mobile and per distributor like every code, per link (``invitation_codes_per_link``, CBC.99100207) and per
client address (the route's rate limit). A mobile already registered to any partner is refused before a code
is sent and again at registration (CBC.99000029).

Registration refuses — creating nothing — a weak password (the customers' rule, CBC.99000036), a malformed
(CBC.99000031) or taken (CBC.99000038) login, a registered mobile, and a wrong, expired or exhausted code
(CBC.99004010 / 99004008 / 99004009; a wrong try is counted). The code is checked last, after every other
rule, so no other refusal spends an attempt. On success the reseller exists with the distributor as parent
(it is in the distributor's A.22 list and can log in), the link is used, and the distributor's audit chain
gets ``reseller.registered``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from partnerhub.audit.service import record
from partnerhub.context import AppContext
from partnerhub.customers.identity import login_name_taken
from partnerhub.customers.rules import is_valid_email, is_valid_login_name, password_problem
from partnerhub.errors import ApiError, invalid
from partnerhub.invitations.models import InvitationStatus, ResellerInvitation
from partnerhub.invitations.repository import InvitationRepository
from partnerhub.invitations.schemas import RegisterResellerRequest
from partnerhub.invitations.service import status_of, token_hash
from partnerhub.kit.clock import format_utc
from partnerhub.kit.passwords import hash_password
from partnerhub.partners.models import Partner, PartnerKind, PartnerStatus
from partnerhub.partners.repository import PartnerRepository
from partnerhub.partners.service import create_partner
from partnerhub.verification import inputs
from partnerhub.verification.service import REGISTRATION_ERRORS, Scene, check_code, send_code

MAX_TOKEN_LENGTH = 128
MAX_NAME_LENGTH = 64
MAX_EMAIL_LENGTH = 64
_LINK_ERRORS = {
    InvitationStatus.EXPIRED: "CBC.99100203",
    InvitationStatus.USED: "CBC.99100204",
    InvitationStatus.REVOKED: "CBC.99100205",
}


@dataclass(frozen=True)
class Registration:
    """A registration request after its own rules, the password already hashed."""

    name: str
    login: str
    mobile: str
    code: str
    email: str | None
    password_hash: str


@dataclass(frozen=True)
class Registered:
    partner_id: str
    login: str


def show_registration(session: Session, ctx: AppContext, token: str) -> dict[str, str]:
    invitation = _usable(session, ctx, token)
    distributor = _distributor(session, invitation)
    return {"distributor_name": distributor.name, "expire_time": format_utc(invitation.expires_at)}


def send_registration_code(
    session: Session, ctx: AppContext, token: str, *, mobile_phone: str | None, language: str
) -> None:
    mobile = inputs.mobile("mobile_phone", mobile_phone)
    invitation = _usable(session, ctx, token, lock=True)
    distributor = _distributor(session, invitation)
    _refuse_registered_mobile(PartnerRepository(session), mobile)
    if not InvitationRepository(session).count_code(invitation.id, ctx.settings.invitation_codes_per_link):
        raise ApiError("CBC.99100207")
    send_code(
        session,
        ctx,
        scene=Scene.REGISTRATION,
        target=mobile,
        partner_id=distributor.id,
        language=language,
    )


def validated(request: RegisterResellerRequest) -> Registration:
    """The request's own rules (no database), then the password hash: argon2 is slow, so it runs before the
    transaction's first query (on SQLite that transaction holds the write lock)."""
    name = _name(request.name)
    login = (request.login or "").strip()
    if not login:
        raise invalid("login", "required")
    if not is_valid_login_name(login):
        raise ApiError("CBC.99000031", field="login")
    mobile = inputs.mobile("mobile_phone", request.mobile_phone)
    code = inputs.code("verification_code", request.verification_code)
    email = (request.email or "").strip() or None
    if email is not None and (len(email) > MAX_EMAIL_LENGTH or not is_valid_email(email)):
        raise invalid("email", "not a valid e-mail address")
    if not request.password:
        raise invalid("password", "required")
    problem = password_problem(request.password, login_name=login, mobile=mobile)
    if problem:
        raise ApiError("CBC.99000036", field="password", detail=problem)
    return Registration(name, login, mobile, code, email, hash_password(request.password))


def register(
    session: Session, ctx: AppContext, token: str, registration: Registration, *, ip: str | None
) -> Registered:
    invitation = _usable(session, ctx, token, lock=True)
    distributor = _distributor(session, invitation)
    partners = PartnerRepository(session)
    if login_name_taken(session, registration.login):
        raise ApiError("CBC.99000038", field="login")
    _refuse_registered_mobile(partners, registration.mobile)
    check_code(
        session,
        ctx,
        scene=Scene.REGISTRATION,
        target=registration.mobile,
        partner_id=distributor.id,
        code=registration.code,
        errors=REGISTRATION_ERRORS,
    )
    try:
        with session.begin_nested():
            reseller = create_partner(
                session,
                ctx.clock,
                kind=PartnerKind.RESELLER,
                name=registration.name,
                account_name=registration.login,
                parent_id=distributor.id,
                mobile=registration.mobile,
                email=registration.email,
                password_hash=registration.password_hash,
            )
    except IntegrityError as exc:  # a concurrent registration or the operator took the login meanwhile
        raise ApiError("CBC.99000038", field="login") from exc
    now = ctx.clock.now()
    if not InvitationRepository(session).mark_used(invitation.id, reseller.id, now):
        raise ApiError("CBC.99100204")  # unreachable while the row lock is held; never create twice
    record(
        session,
        ctx,
        partner_id=distributor.id,
        actor=f"partner:{reseller.id}",
        action="reseller.registered",
        target_kind="reseller",
        target_id=reseller.id,
        details={"invitation_id": invitation.id, "account_name": reseller.account_name},
        ip=ip,
    )
    return Registered(reseller.id, reseller.account_name)


def _usable(session: Session, ctx: AppContext, token: str, *, lock: bool = False) -> ResellerInvitation:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise ApiError("CBC.99100202")
    invitation = InvitationRepository(session).by_token_hash(token_hash(ctx, token), lock=lock)
    if invitation is None:
        raise ApiError("CBC.99100202")
    status = status_of(invitation, ctx.clock.now())
    if status is not InvitationStatus.PENDING:
        raise ApiError(_LINK_ERRORS[status])
    return invitation


def _distributor(session: Session, invitation: ResellerInvitation) -> Partner:
    distributor = PartnerRepository(session).get(invitation.distributor_id)
    if (
        distributor is None
        or distributor.kind != PartnerKind.DISTRIBUTOR.value
        or distributor.status != PartnerStatus.ACTIVE.value
    ):
        raise ApiError("CBC.99100208")
    return distributor


def _refuse_registered_mobile(partners: PartnerRepository, mobile: str) -> None:
    partners.lock_mobile(mobile)
    if partners.mobile_taken(mobile):
        raise ApiError("CBC.99000029", field="mobile_phone")


def _name(value: str | None) -> str:
    name = (value or "").strip()
    if not name:
        raise invalid("name", "required")
    if len(name) > MAX_NAME_LENGTH:
        raise invalid("name", "at most {maximum} characters", maximum=MAX_NAME_LENGTH)
    if any(unicodedata.category(character).startswith("C") for character in name):
        raise invalid("name", "must not contain control characters")
    return name
