"""Binding a mobile later (the create-customer FAQ): a customer created without one (NULL or "") gets one.

The number is proven with a scene-30 code sent to it, checked with ``REGISTRATION_ERRORS``
(``CBC.99004008/9/10``), and the per-mobile registration cap applies (``mobile_registration_cap``,
``CBC.99000030``). A customer that already has a non-empty mobile is refused with ``CBC.99000029`` in both
flows: binding is for customers without a number; changing a number is not offered by this API.

* partner flow: the partner sent the code (send endpoint, scene 30, ``customer_id``) and binds it;
* customer flow: the customer, logged in with its own token, sent itself the code and binds it.
A code sent in one flow is not valid in the other (the binding of the code differs).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.context import AppContext
from partnerhub.customers.models import Customer
from partnerhub.customers.repository import CustomerRepository
from partnerhub.errors import ApiError, invalid
from partnerhub.kit.phones import CHINA_COUNTRY_CODE
from partnerhub.partners.scope import acting_partner_id, owned_customer
from partnerhub.verification import inputs
from partnerhub.verification.sending import refuse_if_mobile_bound
from partnerhub.verification.service import REGISTRATION_ERRORS, Scene, check_code


def _bind(
    session: Session, ctx: AppContext, customer: Customer, mobile: str, code: str, partner_id: str | None
) -> None:
    refuse_if_mobile_bound(customer)
    if CustomerRepository(session).count_with_mobile(mobile) >= ctx.settings.mobile_registration_cap:
        raise ApiError("CBC.99000030", field="mobile_phone")
    # First write of the transaction: a wrong code commits only its failure counter.
    check_code(
        session,
        ctx,
        scene=Scene.BIND_MOBILE,
        target=mobile,
        partner_id=partner_id,
        customer_id=customer.id,
        code=code,
        errors=REGISTRATION_ERRORS,
    )
    customer.mobile_country = CHINA_COUNTRY_CODE
    customer.mobile = mobile
    session.flush()


def bind_for_partner(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    *,
    customer_id: str | None,
    mobile_phone: str | None,
    verification_code: str | None,
    indirect_partner_id: str | None,
) -> None:
    if not customer_id:
        raise invalid("customer_id", "required")
    mobile = inputs.mobile("mobile_phone", mobile_phone)
    code = inputs.code("verification_code", verification_code)
    acting = acting_partner_id(session, caller, indirect_partner_id)
    owned = owned_customer(session, acting, customer_id)
    if owned is None:
        raise ApiError("CBC.99000035", field="customer_id")
    _bind(session, ctx, owned.customer, mobile, code, caller.partner_id)


def bind_for_customer(
    session: Session,
    ctx: AppContext,
    *,
    customer_id: str,
    mobile_phone: str | None,
    verification_code: str | None,
) -> None:
    mobile = inputs.mobile("mobile_phone", mobile_phone)
    code = inputs.code("verification_code", verification_code)
    customer = CustomerRepository(session).get(customer_id)
    if customer is None:
        raise ApiError("CBC.0151")
    _bind(session, ctx, customer, mobile, code, None)
