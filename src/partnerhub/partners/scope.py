"""Whose data a request acts on: the caller, or — for a distributor — one of its own resellers.

Every partner-facing operation that takes ``indirect_partner_id`` resolves it here, so tenant scope is
decided in one place.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.customers.models import Association, Customer
from partnerhub.customers.repository import AssociationRepository, CustomerRepository
from partnerhub.errors import ApiError
from partnerhub.partners.models import PartnerKind
from partnerhub.partners.repository import PartnerRepository


def acting_partner_id(session: Session, caller: Principal, indirect_partner_id: str | None) -> str:
    """The caller's own id, or the named reseller's when the caller is that reseller's distributor.

    Absent, null or "" means the caller itself. Anything else that is not one of the caller's own resellers
    answers CBC.99000037, whether it exists elsewhere or not.
    """
    if not indirect_partner_id:
        return caller.partner_id
    if caller.partner_kind != PartnerKind.DISTRIBUTOR.value:
        raise ApiError("CBC.99000037", field="indirect_partner_id")
    if PartnerRepository(session).reseller_of(caller.partner_id, indirect_partner_id) is None:
        raise ApiError("CBC.99000037", field="indirect_partner_id")
    return indirect_partner_id


@dataclass(frozen=True)
class OwnedCustomer:
    customer: Customer
    association: Association


def owned_customer(
    session: Session, partner_id: str, customer_id: str | None, *, for_update: bool = False
) -> OwnedCustomer | None:
    """The customer when actively associated with ``partner_id``; else None (missing, foreign and
    disassociated alike). ``for_update`` row-locks the association, for writers that act on the customer
    because it is the partner's (see ``AssociationRepository``)."""
    if not customer_id:
        return None
    association = AssociationRepository(session).active_for(customer_id, partner_id, for_update=for_update)
    if association is None:
        return None
    customer = CustomerRepository(session).get(customer_id)
    return OwnedCustomer(customer, association) if customer is not None else None


def lock_owned_customers(
    session: Session, partner_id: str, customer_ids: Collection[str]
) -> dict[str, OwnedCustomer]:
    """``owned_customer(..., for_update=True)`` for many customers at once, locked in one id-ordered step so
    two batch writers never take the same locks in opposite orders. Absent: not the partner's."""
    associations = AssociationRepository(session).lock_active_for(partner_id, customer_ids)
    customers = CustomerRepository(session).get_many(associations)
    return {
        customer_id: OwnedCustomer(customers[customer_id], association)
        for customer_id, association in associations.items()
        if customer_id in customers
    }
