"""Check whether a login name, mobile or e-mail can still register (SPEC A.1)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from partnerhub.customers.repository import CustomerRepository
from partnerhub.customers.rules import is_valid_check_name, is_valid_email
from partnerhub.errors import ApiError, invalid
from partnerhub.kit.phones import parse_prefixed_mobile
from partnerhub.partners.repository import PartnerRepository

AVAILABLE = "available"
USED = "used_by_user"


@dataclass(frozen=True)
class IdentityCheck:
    check_result: str
    mobile_remain_available_num: int | None = None


def login_name_taken(session: Session, name: str) -> bool:
    """Customers and partners share one login namespace."""
    return (
        CustomerRepository(session).by_domain_name(name) is not None
        or PartnerRepository(session).by_account_name(name) is not None
    )


def check_user_identity(
    session: Session, *, search_type: str | None, search_value: str | None, mobile_cap: int
) -> IdentityCheck:
    if search_type not in ("email", "mobile", "name"):
        raise invalid("search_type", "must be email, mobile or name")
    if not search_value:
        raise invalid("search_value")
    if len(search_value) > 64:
        raise invalid("search_value", "at most 64 characters")
    customers = CustomerRepository(session)
    if search_type == "mobile":
        mobile = parse_prefixed_mobile(search_value)
        if mobile is None:
            raise invalid("search_value", "mobile must look like 0086-13800000000")
        remaining = max(mobile_cap - customers.count_with_mobile(mobile), 0)
        return IdentityCheck(AVAILABLE if remaining > 0 else USED, remaining)
    if search_type == "email":
        if not is_valid_email(search_value):
            raise invalid("search_value", "not a valid e-mail address")
        return IdentityCheck(USED if customers.email_taken(search_value) else AVAILABLE)
    if not is_valid_check_name(search_value):
        raise ApiError("CBC.0100", field="search_value", detail="not a valid login name")
    return IdentityCheck(USED if login_name_taken(session, search_value) else AVAILABLE)
