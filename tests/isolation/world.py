"""The world the isolation matrix runs in: two distributors with resellers, customers, money, vouchers,
quotas, association requests, notifications and invitations — so every id a route takes really exists on
the other side of a tenant boundary."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import delete, select

from partnerhub.associations.invitations import invite
from partnerhub.associations.models import Initiator
from partnerhub.associations.rules import Actor, customer_draft, partner_draft
from partnerhub.associations.service import create_request
from partnerhub.customers.models import Association
from partnerhub.db.session import session_scope
from partnerhub.invitations.models import ResellerInvitation
from partnerhub.kit.ids import new_id
from partnerhub.notifications.models import Notification
from tests.funding.helpers import top_up
from tests.quotas.helpers import grant, issue_one
from tests.support import Env, PartnerHandle, make_customer, make_partner, signed_call
from tests.verification.helpers import CUSTOMER_PASSWORD, customer_token


@dataclass(frozen=True)
class Side:
    """One partner's own objects. A reseller's side has no resellers, child quotas, nor invitations ("")."""

    partner: PartnerHandle
    customer: str
    """A funded resale customer holding a voucher."""
    coupon: str
    quota: str
    """The partner's own voucher quota (a reseller's: the child quota its distributor gave it)."""
    child_quota: str
    """A quota the partner issued to its reseller."""
    reseller: str
    reseller_customer: str
    transaction: str
    """The transaction id of the funding of ``customer``."""
    customer_request: str
    """A customer's pending disassociation request, awaiting this partner."""
    partner_request: str
    """This partner's own pending request (what cancel acts on)."""
    notification: str
    invitation: str
    """A pending reseller invitation link."""


@dataclass(frozen=True)
class CustomerSide:
    """One customer's own objects on the customer API."""

    login: str
    request: str
    """A partner's pending request awaiting this customer's decision."""
    invitation: str
    """A pending invitation to re-associate (for a customer without a partner)."""


@dataclass(frozen=True)
class World:
    a: Side
    b: Side
    reseller: Side
    """A's reseller, the caller of the "reseller with its distributor's ids" pairing."""
    caller_customer: str
    """The login of A's customer that calls the customer API."""
    caller_token: str
    same_partner_customer: CustomerSide
    """Another customer of A."""
    other_partner_customer: CustomerSide
    """A customer of B."""


def _ok(status: int, text: str) -> None:
    assert status == 200, text


def _fund(env: Env, partner: PartnerHandle, customer: str) -> str:
    response = signed_call(
        env,
        partner,
        "POST",
        "/v2/accounts/partner-accounts/adjust-amount",
        {"customer_id": customer, "amount": 50},
    )
    _ok(response.status_code, response.text)
    return str(response.json()["transfer_id"])


def _give_reseller(env: Env, distributor: PartnerHandle, reseller: PartnerHandle, quota: str) -> str:
    fund = signed_call(
        env,
        distributor,
        "POST",
        "/v2/accounts/partner-accounts/indirect-partner-adjust",
        {"indirect_partner_id": reseller.id, "amount": 200},
    )
    _ok(fund.status_code, fund.text)
    issued = signed_call(
        env,
        distributor,
        "POST",
        "/v2/partners/coupon-quotas/indirect-partner-adjust",
        {"quota_id": quota, "indirect_partner_ids": [reseller.id], "quota_amount": 100},
    )
    _ok(issued.status_code, issued.text)
    return str(issued.json()["simple_quota_infos"][0]["quota_id"])


def _request(env: Env, actor: Actor, customer: str) -> str:
    draft = (
        partner_draft(customer, "disassociate", None, "isolation world")
        if actor.side is Initiator.PARTNER
        else customer_draft(customer, "disassociate", "isolation world")
    )
    with session_scope(env.ctx.sessions) as session:
        return create_request(session, env.ctx, actor, draft).id


def _reseller_invitation(env: Env, distributor: PartnerHandle) -> str:
    invitation = new_id()
    now = env.clock.now()
    with session_scope(env.ctx.sessions) as session:
        session.add(
            ResellerInvitation(
                id=invitation,
                distributor_id=distributor.id,
                token_hash=new_id() + new_id(),
                receiver_type=1,
                status="pending",
                codes_sent=0,
                created_at=now,
                expires_at=now + timedelta(hours=24),
            )
        )
    return invitation


def _notification_of(env: Env, partner: PartnerHandle) -> str:
    with session_scope(env.ctx.sessions) as session:
        return session.scalars(
            select(Notification.notification_id).where(Notification.recipient_id == partner.id).limit(1)
        ).one()


def _customer(env: Env, partner: PartnerHandle) -> str:
    return make_customer(env, partner, mobile="13900005555", password=CUSTOMER_PASSWORD)


def _distributor_side(env: Env, mobile: str) -> tuple[Side, PartnerHandle]:
    distributor = make_partner(env, mobile=mobile)
    top_up(env, distributor, "10000")
    quota = grant(env, distributor, "5000.00")
    customer = _customer(env, distributor)
    coupon = issue_one(env, distributor, quota, customer, "10.00")
    reseller = make_partner(env, "reseller", parent=distributor)
    child_quota = _give_reseller(env, distributor, reseller, quota)
    asking = _customer(env, distributor)
    customer_request = _request(env, Actor(Initiator.CUSTOMER, asking), asking)
    side = Side(
        partner=distributor,
        customer=customer,
        coupon=coupon,
        quota=quota,
        child_quota=child_quota,
        reseller=reseller.id,
        reseller_customer=make_customer(env, reseller),
        transaction=_fund(env, distributor, customer),
        customer_request=customer_request,
        partner_request=_request(env, Actor(Initiator.PARTNER, distributor.id), _customer(env, distributor)),
        notification=_notification_of(env, distributor),
        invitation=_reseller_invitation(env, distributor),
    )
    return side, reseller


def _reseller_side(env: Env, distributor: Side, reseller: PartnerHandle) -> Side:
    customer = _customer(env, reseller)
    asking = _customer(env, reseller)
    customer_request = _request(env, Actor(Initiator.CUSTOMER, asking), asking)
    return Side(
        partner=reseller,
        customer=customer,
        coupon=issue_one(env, reseller, distributor.child_quota, customer, "10.00"),
        quota=distributor.child_quota,
        child_quota="",
        reseller="",
        reseller_customer="",
        transaction=_fund(env, reseller, customer),
        customer_request=customer_request,
        partner_request=_request(env, Actor(Initiator.PARTNER, reseller.id), _customer(env, reseller)),
        notification=_notification_of(env, reseller),
        invitation="",
    )


def _customer_side(env: Env, partner: PartnerHandle) -> CustomerSide:
    asked = _customer(env, partner)
    request = _request(env, Actor(Initiator.PARTNER, partner.id), asked)
    free = _customer(env, partner)
    with session_scope(env.ctx.sessions) as session:
        session.execute(delete(Association).where(Association.customer_id == free))
    login = f"cust-{free[:10]}"
    with session_scope(env.ctx.sessions) as session:
        invitation = invite(
            session, env.ctx, Actor(Initiator.PARTNER, partner.id), domain_name=login, association_type=2
        )
        assert invitation.customer_id == free
        invitation_id = invitation.id
    return CustomerSide(login=f"cust-{asked[:10]}", request=request, invitation=invitation_id)


def build_world(env: Env) -> World:
    a, a_reseller = _distributor_side(env, "13900001111")
    b, _ = _distributor_side(env, "13900002222")
    reseller = _reseller_side(env, a, a_reseller)
    # A's second reseller: the reseller caller's sibling, whose id the caller is not entitled to.
    sibling = make_partner(env, "reseller", parent=a.partner)
    sibling_quota = _give_reseller(env, a.partner, sibling, a.quota)
    a = replace(
        a, reseller=sibling.id, reseller_customer=make_customer(env, sibling), child_quota=sibling_quota
    )
    caller = _customer(env, a.partner)
    login = f"cust-{caller[:10]}"
    return World(
        a=a,
        b=b,
        reseller=reseller,
        caller_customer=login,
        caller_token=customer_token(env, login),
        same_partner_customer=_customer_side(env, a.partner),
        other_partner_customer=_customer_side(env, b.partner),
    )
