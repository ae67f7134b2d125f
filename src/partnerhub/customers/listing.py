"""The partner's customer list (SPEC A.4): filters, paging and the masked view of each customer.

Only customers actively associated with the acting partner (the caller, or a distributor's own reseller
named by ``indirect_partner_id``) are listed. Fuzzy filters match anywhere in the value and refuse
whitespace, as the API documents; ``%`` and ``_`` in them match literally. The ``customer`` (real name)
filter is fuzzy only for enterprises: a person's name is masked here, so it matches only as a whole.
Personal data is masked: mobile and e-mail always; the real name of anyone but an enterprise
(``customer_type`` 1), whose name is a company's, keeps only its first character.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.customers.models import ENTERPRISE, FreezeType
from partnerhub.customers.repository import CustomerQuery, CustomerRepository, ListedCustomer
from partnerhub.customers.schemas import CustomerInformation, ListCustomersRequest
from partnerhub.errors import invalid
from partnerhub.kit.clock import format_utc, parse_utc
from partnerhub.kit.masking import mask_email, mask_mobile, mask_name
from partnerhub.partners.scope import acting_partner_id

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_OFFSET = 40_000_000
_MAX_FILTER_LENGTH = 64
_IS_FROZEN = {None: 0, FreezeType.ACCOUNT.value: 1, FreezeType.ACCOUNT_AND_RESOURCE.value: 2}


@dataclass(frozen=True)
class CustomerPage:
    rows: Sequence[ListedCustomer]
    count: int


def list_customers(session: Session, caller: Principal, request: ListCustomersRequest) -> CustomerPage:
    offset = 0 if request.offset is None else request.offset
    if not 0 <= offset <= MAX_OFFSET:
        raise invalid("offset", "must be between {low} and {high}", low=0, high=MAX_OFFSET)
    limit = DEFAULT_LIMIT if request.limit is None else request.limit
    if not 1 <= limit <= MAX_LIMIT:
        raise invalid("limit", "must be between {low} and {high}", low=1, high=MAX_LIMIT)
    filters = CustomerQuery(
        partner_id="",  # set below, once the filters themselves are known to be valid
        account_name=_fuzzy(request.account_name, "account_name"),
        real_name=_fuzzy(request.customer, "customer"),
        label=_fuzzy(request.label, "label"),
        association_type=_association_type(request.association_type),
        associated_from=_moment(request.associated_on_begin, "associated_on_begin"),
        associated_before=_after(_moment(request.associated_on_end, "associated_on_end")),
        customer_id=_exact(request.customer_id, "customer_id"),
    )
    partner_id = acting_partner_id(session, caller, request.indirect_partner_id)
    scoped = replace(filters, partner_id=partner_id)
    customers = CustomerRepository(session)
    count = customers.count_for_partner(scoped)
    return CustomerPage(customers.list_for_partner(scoped, offset=offset, limit=limit, matching=count), count)


def customer_information(row: ListedCustomer) -> CustomerInformation:
    """The ``CustomerInformation`` of one listed customer, personal data masked."""
    customer, association = row.customer, row.association
    real_name = customer.real_name if customer.customer_type == ENTERPRISE else mask_name(customer.real_name)
    return CustomerInformation(
        customer=real_name,
        account_name=customer.domain_name,
        customer_id=customer.id,
        associated_on=format_utc(association.associated_on),
        association_type=str(association.association_type),
        label=customer.label,
        telephone=mask_mobile(customer.mobile),
        verified_status=str(customer.verified_status),
        country_code=customer.mobile_country,
        customer_type=customer.customer_type,
        is_frozen=_IS_FROZEN.get(customer.freeze_type, 1),
        xaccount_id=customer.xaccount_id,
        xaccount_type=customer.xaccount_type,
        customer_level=customer.customer_level,
        email=mask_email(customer.email),
    )


def _fuzzy(value: str | None, field: str) -> str | None:
    """Absent, null and ``""`` are no filter; whitespace is refused (the API does not support it)."""
    if not value:
        return None
    if any(character.isspace() for character in value):
        raise invalid(field, "must not contain spaces")
    if len(value) > _MAX_FILTER_LENGTH:
        raise invalid(field, "at most {maximum} characters", maximum=_MAX_FILTER_LENGTH)
    return value


def _exact(value: str | None, field: str) -> str | None:
    if not value:
        return None
    if len(value) > _MAX_FILTER_LENGTH:
        raise invalid(field, "at most {maximum} characters", maximum=_MAX_FILTER_LENGTH)
    return value


def _association_type(value: str | None) -> int | None:
    if not value:
        return None
    if value not in ("1", "2"):
        raise invalid("association_type", 'must be "1" (referral) or "2" (resale)')
    return int(value)


def _moment(value: str | None, field: str) -> datetime | None:
    """Absent or null is no filter; ``""`` is refused, like any other text not in the UTC format."""
    if value is None:
        return None
    try:
        return parse_utc(value)
    except ValueError:
        raise invalid(field, "must be UTC yyyy-MM-ddTHH:mm:ssZ") from None


def _after(end: datetime | None) -> datetime | None:
    """The end is inclusive to the second: associations up to ``end + 1s`` (exclusive) match."""
    return end + timedelta(seconds=1) if end is not None else None
