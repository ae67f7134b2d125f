"""Whose data a request acts on: the caller, or — for a distributor — one of its own resellers.

Every partner-facing operation that takes ``indirect_partner_id`` resolves it here, so tenant scope is
decided in one place.
"""

from __future__ import annotations

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


def owned_customer(session: Session, partner_id: str, customer_id: str | None) -> OwnedCustomer | None:
    """The customer when actively associated with ``partner_id``; else None (missing and foreign alike)."""
    if not customer_id:
        return None
    association = AssociationRepository(session).active_for(customer_id, partner_id)
    if association is None:
        return None
    customer = CustomerRepository(session).get(customer_id)
    return OwnedCustomer(customer, association) if customer is not None else None
