"""Who may have a code sent where (SPEC A.2 plus partnerhub's bind-mobile scene).

Partner requests (``POST /v2/bases/verificationcode/send``): ``receiver_type`` 1 (SMS) only; ``scene``
29 registration (default when absent or null), 18 bank-card real-name and 30 bind mobile — the latter two
need ``customer_id`` naming a customer actively associated with the caller (or, with partnerhub's optional
``indirect_partner_id``, with one of a distributor's resellers); anything else behaves like a missing
customer, ``CBC.99000035``. For scene 29 ``customer_id`` is ignored.

The code is bound to the *calling* partner, whichever customer it is for: the operation that consumes it
checks it with ``partner_id = caller.partner_id``.

Customer requests (``POST /v2/customers/mobile/verificationcode``, customer token): scene 30 only, the
code bound to the customer itself (no partner).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.context import AppContext
from partnerhub.customers.models import Customer
from partnerhub.customers.repository import CustomerRepository
from partnerhub.errors import ApiError, invalid
from partnerhub.partners.scope import acting_partner_id, owned_customer
from partnerhub.verification import inputs
from partnerhub.verification.service import Scene, send_code

SMS_RECEIVER = 1
PARTNER_SCENES = (Scene.REGISTRATION, Scene.BANK_CARD_REALNAME, Scene.BIND_MOBILE)
CUSTOMER_SCENES = (Scene.BANK_CARD_REALNAME, Scene.BIND_MOBILE)


@dataclass(frozen=True)
class SendRequest:
    receiver_type: int | None = None
    timeout: int | None = None
    mobile_phone: str | None = None
    lang: str | None = None
    scene: int | None = None
    customer_id: str | None = None
    indirect_partner_id: str | None = None


def refuse_if_mobile_bound(customer: Customer) -> None:
    """A customer that already has a mobile cannot bind another one (changing it is not offered)."""
    if customer.mobile:
        raise ApiError("CBC.99000029", field="customer_id", detail="the customer already has a mobile number")


def partner_send(session: Session, ctx: AppContext, caller: Principal, request: SendRequest) -> None:
    if request.receiver_type != SMS_RECEIVER:
        raise invalid("receiver_type", "only 1 (SMS) is supported")
    scene_value = Scene.REGISTRATION if request.scene is None else request.scene
    if scene_value not in PARTNER_SCENES:
        raise invalid("scene", "29 (registration), 18 (bank-card real-name) or 30 (bind mobile)")
    scene = Scene(scene_value)
    mobile = inputs.mobile("mobile_phone", request.mobile_phone)
    language = inputs.language(request.lang)
    customer_id: str | None = None
    if scene in CUSTOMER_SCENES:
        if not request.customer_id:
            raise invalid("customer_id", "required when scene is {scene}", scene=int(scene))
        if len(request.customer_id) > 64:
            raise invalid("customer_id", "at most 64 characters")
        acting = acting_partner_id(session, caller, request.indirect_partner_id)
        owned = owned_customer(session, acting, request.customer_id)
        if owned is None:
            raise ApiError("CBC.99000035", field="customer_id")
        if scene is Scene.BIND_MOBILE:
            refuse_if_mobile_bound(owned.customer)
        customer_id = owned.customer.id
    send_code(
        session,
        ctx,
        scene=scene,
        target=mobile,
        partner_id=caller.partner_id,
        customer_id=customer_id,
        lifetime_minutes=request.timeout,
        language=language,
    )


def customer_send(
    session: Session,
    ctx: AppContext,
    *,
    customer_id: str,
    mobile_phone: str | None,
    lang: str | None,
    timeout: int | None,
) -> None:
    """A customer asks for a bind-mobile code to the number it wants to bind."""
    mobile = inputs.mobile("mobile_phone", mobile_phone)
    language = inputs.language(lang)
    customer = CustomerRepository(session).get(customer_id)
    if customer is None:
        raise ApiError("CBC.0151")
    refuse_if_mobile_bound(customer)
    send_code(
        session,
        ctx,
        scene=Scene.BIND_MOBILE,
        target=mobile,
        partner_id=None,
        customer_id=customer.id,
        lifetime_minutes=timeout,
        language=language,
    )
