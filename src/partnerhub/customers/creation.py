"""Create a customer and associate it with a partner in one transaction (SPEC A.3).

Order of checks: the request's own fields (CBC.0100, CBC.99000031, CBC.5017, CBC.99000036), then who acts
(CBC.99000037) and whether it may take customers (CBC.50010085/86/65), then uniqueness (CBC.99000038,
CBC.99000039) and the per-mobile cap (CBC.99000030), and only then the verification code: a failed code
attempt is committed (``keep_changes``), so nothing else may have been written before it, and a request
that fails for another reason should not burn an attempt.

Decisions (partnerhub's, where the public API is silent):

* ``xaccount_type`` must equal the *calling* partner's platform id (CBC.0100 naming the field otherwise), and
  ``(calling partner, xaccount_type, xaccount_id)`` is unique: the xaccount id is a user id on the caller's
  sales platform, also when a distributor creates the customer for one of its resellers.
* The verification code is the one sent by the caller (send-code has no ``indirect_partner_id``), so it is
  checked against the caller's partner id.
* No password (absent/null) stores no hash: the account can only be entered through SSO.
* The association is written with the account, so ``include_association_result`` changes nothing and
  CBC.99000050 (association result timeout) never happens.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from partnerhub.associations.models import Initiator, RecordOperation
from partnerhub.associations.records import record_event
from partnerhub.auth.principals import Principal
from partnerhub.context import AppContext
from partnerhub.customers.identity import login_name_taken
from partnerhub.customers.models import Association, AssociationType, Customer
from partnerhub.customers.repository import CustomerRepository
from partnerhub.customers.rules import is_valid_login_name, password_problem
from partnerhub.customers.schemas import CreateCustomerRequest
from partnerhub.errors import ApiError, invalid
from partnerhub.kit.ids import new_id, random_login_name
from partnerhub.kit.passwords import hash_password
from partnerhub.kit.phones import CHINA_COUNTRY_CODE, normalize_cn_mobile
from partnerhub.partners.models import Partner, PartnerKind, PartnerStatus
from partnerhub.partners.repository import PartnerRepository
from partnerhub.partners.scope import acting_partner_id
from partnerhub.verification import service as verification

_RANDOM_NAME_ATTEMPTS = 5


@dataclass(frozen=True)
class CreatedCustomer:
    domain_id: str
    domain_name: str


@dataclass(frozen=True)
class _Fields:
    """The request after its own rules: what will be stored."""

    login: str | None
    """None: generate a random name."""
    mobile: str | None
    """None (not given), "" (given empty) or the 11-digit national number."""
    code: str | None
    password_hash: str | None
    """Hashed before the transaction's first query: argon2 is slow, and on SQLite that transaction holds
    the database's write lock."""
    xaccount_id: str
    xaccount_type: str
    close_marketing: bool
    association_type: AssociationType


def create_customer(
    session: Session, ctx: AppContext, caller: Principal, request: CreateCustomerRequest
) -> CreatedCustomer:
    fields = _validated(request)
    acting_id = acting_partner_id(session, caller, request.indirect_partner_id)
    partners = PartnerRepository(session)
    acting = partners.get(acting_id)
    calling = partners.get(caller.partner_id)
    if acting is None or calling is None:  # deleted between authentication and now
        raise ApiError("CBC.0151")
    ensure_may_take_customers(partners, acting)
    if fields.xaccount_type != calling.xaccount_type:
        raise invalid(
            "xaccount_type",
            "must be the calling partner's platform id, which `partnerhub partner show <partner id>` and "
            "`partnerhub partner list` print as xaccount_type",
        )

    customers = CustomerRepository(session)
    login = fields.login or _free_random_name(session)
    if fields.login is not None and login_name_taken(session, login):
        raise ApiError("CBC.99000038", field="domain_name")
    if customers.xaccount_taken(calling.id, fields.xaccount_type, fields.xaccount_id):
        raise ApiError("CBC.99000039", field="xaccount_id")
    if fields.mobile and customers.count_with_mobile(fields.mobile) >= ctx.settings.mobile_registration_cap:
        raise ApiError("CBC.99000030", field="mobile_phone")
    if fields.mobile:
        assert fields.code is not None
        verification.check_code(
            session,
            ctx,
            scene=verification.Scene.REGISTRATION,
            target=fields.mobile,
            partner_id=caller.partner_id,
            code=fields.code,
            errors=verification.REGISTRATION_ERRORS,
        )

    now = ctx.clock.now()
    customer = Customer(
        id=new_id(),
        domain_name=login,
        domain_name_key=login.lower(),
        mobile_country=CHINA_COUNTRY_CODE if fields.mobile else None,
        mobile=fields.mobile,
        email=None,
        email_key=None,
        password_hash=fields.password_hash,
        xaccount_id=fields.xaccount_id,
        xaccount_type=fields.xaccount_type,
        owner_partner_id=calling.id,
        customer_type=-1,
        verified_status=-1,
        close_marketing=fields.close_marketing,
        created_at=now,
    )
    association = Association(
        id=new_id(),
        customer_id=customer.id,
        partner_id=acting.id,
        association_type=int(fields.association_type),
        associated_on=now,
        active_customer_id=customer.id,
    )
    try:
        customers.add_with_association(customer, association)
    except IntegrityError as exc:
        # Another request took the name or the xaccount id between our check and our insert.
        duplicate = _duplicate_error(exc)
        if duplicate is None:
            raise
        raise duplicate from exc
    record_event(
        session,
        partner_id=acting.id,
        customer_id=customer.id,
        operation=RecordOperation.ASSOCIATE,
        initiator=Initiator.PARTNER,
        association_type=association.association_type,
        at=now,
    )
    return CreatedCustomer(domain_id=customer.id, domain_name=login)


def _validated(request: CreateCustomerRequest) -> _Fields:
    login = request.domain_name or None
    if login is not None and not is_valid_login_name(login):
        raise ApiError("CBC.99000031", field="domain_name")
    mobile = _mobile(request.mobile_phone)
    code = request.verification_code
    if code == "":
        raise invalid("verification_code", "an empty string is not allowed")
    if mobile and code is None:
        raise invalid("verification_code", "required when mobile_phone is given")
    if code is not None and len(code) > 6:
        raise invalid("verification_code", "at most 6 characters")
    password = request.password
    if password == "":
        raise invalid("password", "an empty string is not allowed")
    if password is not None:
        # A random name (login None) is 32 unknown characters: no password can equal it.
        problem = password_problem(password, login_name=login or "", mobile=mobile)
        if problem:
            raise ApiError("CBC.99000036", field="password", detail=problem)
    _check_include_association_result(request.include_association_result)
    return _Fields(
        login=login,
        mobile=mobile,
        code=code,
        password_hash=hash_password(password) if password is not None else None,
        xaccount_id=_required(request.xaccount_id, "xaccount_id", 128),
        xaccount_type=_required(request.xaccount_type, "xaccount_type", 64),
        close_marketing=_string_boolean(request.is_close_market_ms, "is_close_market_ms"),
        association_type=(
            AssociationType.REFERRAL if str(request.cooperation_type) == "1" else AssociationType.RESALE
        ),
    )


def _mobile(value: str | None) -> str | None:
    """Absent/null: no mobile; ``""``: kept as the empty string; else a valid mainland-China mobile."""
    if value is None or value == "":
        return value
    normalized = normalize_cn_mobile(value)
    if normalized is None:
        raise ApiError("CBC.5017", field="mobile_phone")
    return normalized


def _required(value: str | None, field: str, max_length: int) -> str:
    if not value or not value.strip():
        raise invalid(field, "required")
    if len(value) > max_length:
        raise invalid(field, "at most {maximum} characters", maximum=max_length)
    return value


def _string_boolean(value: str | None, field: str) -> bool:
    """``"true"``/``"false"``; absent, ``""`` and null mean false."""
    if value in (None, "", "false"):
        return False
    if value == "true":
        return True
    raise invalid(field, 'must be "true" or "false"')


def _check_include_association_result(value: bool | str | None) -> None:
    """A boolean; absent, ``""`` and null mean false. Strings ``"true"``/``"false"`` are tolerated."""
    if not (isinstance(value, bool) or value in (None, "", "true", "false")):
        raise invalid("include_association_result", "must be a boolean")


def ensure_may_take_customers(partners: PartnerRepository, acting: Partner) -> None:
    """Restricted partners, and resellers of restricted or exiting distributors, take no new customers
    (creation here, acceptance of an association invitation in ``associations.invitations``)."""
    if acting.status == PartnerStatus.RESTRICTED.value:
        raise ApiError("CBC.50010085")
    if acting.kind == PartnerKind.RESELLER.value and acting.parent_id:
        parent = partners.get(acting.parent_id)
        if parent is not None and parent.status == PartnerStatus.RESTRICTED.value:
            raise ApiError("CBC.50010086")
        if parent is not None and parent.status == PartnerStatus.EXITING.value:
            raise ApiError("CBC.50010065")


def _free_random_name(session: Session) -> str:
    for _ in range(_RANDOM_NAME_ATTEMPTS):
        name = random_login_name()
        if not login_name_taken(session, name):
            return name
    raise ApiError("CBC.0999")  # 36^31 names: only a broken random source gets here


def _duplicate_error(exc: IntegrityError) -> ApiError | None:
    """The operation's code for the unique constraint that fired (told by its name, never by the values)."""
    diagnostics = getattr(exc.orig, "diag", None)
    violated = getattr(diagnostics, "constraint_name", None) or str(exc.orig)
    if "domain_name_key" in violated:
        return ApiError("CBC.99000038", field="domain_name")
    if "xaccount_id" in violated:
        return ApiError("CBC.99000039", field="xaccount_id")
    return None
