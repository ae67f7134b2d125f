"""What an approved request changes, in the decision's transaction.

* ``disassociate``: the customer's usable vouchers from the partner go back to their quotas (coupon record
  type 3), its partner-funded cash goes back to the partner's cash (``SOURCE_OPERATION_BEUNBIND`` /
  ``BEUNBIND``), and the association ends (``ended_on`` set, ``active_customer_id`` cleared — the row stays as
  history). From then on every partner operation finds the customer missing (``partners.scope``).
* ``switch_type`` resale → referral: the same reclaims (coupons recorded as type 8), since referral
  customers hold no partner money; the association's type becomes 1.
* ``switch_type`` referral → resale: the type becomes 2; nothing moves.

Money moves only through the funding and coupon services (and so only through ``ledger.service.transfer``).
Locks, in the one order: the association (taken by the caller), the customer row (caller), quota rows,
coupon rows, then every ledger account in one ``lock_accounts`` step.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from partnerhub.associations.models import AssociationRequest, RequestType
from partnerhub.context import AppContext
from partnerhub.coupons.models import CouponOperation
from partnerhub.coupons.unbind import Reclaimed, lock_for_unbind, reclaim_for_unbind
from partnerhub.customers.models import Association, AssociationType
from partnerhub.funding.service import unbind_accounts, unbind_reclaim
from partnerhub.ledger.accounts import customer_funded
from partnerhub.ledger.service import balance_of, lock_accounts


@dataclass(frozen=True)
class Effects:
    cash_minor: int
    coupons: list[Reclaimed]


NOTHING = Effects(0, [])


def apply_approval(
    session: Session, ctx: AppContext, request: AssociationRequest, association: Association, *, operator: str
) -> Effects:
    now = ctx.clock.now()
    if request.request_type == RequestType.DISASSOCIATE:
        effects = _reclaim(session, ctx, request, association, CouponOperation.UNBIND_RECLAIM, operator)
        association.ended_on = now
        association.active_customer_id = None
    elif request.target_association_type == AssociationType.REFERRAL:
        effects = _reclaim(session, ctx, request, association, CouponOperation.SWITCH_RECLAIM, operator)
        association.association_type = int(AssociationType.REFERRAL)
    else:
        association.association_type = int(AssociationType.RESALE)
        effects = NOTHING
    session.flush()
    return effects


def _reclaim(
    session: Session,
    ctx: AppContext,
    request: AssociationRequest,
    association: Association,
    operation: CouponOperation,
    operator: str,
) -> Effects:
    now = ctx.clock.now()
    partner_id, customer_id = association.partner_id, association.customer_id
    plan = lock_for_unbind(session, now, partner_id=partner_id, customer_id=customer_id)
    accounts = plan.accounts()
    if balance_of(session, customer_funded(customer_id)) is not None:  # never funded: nothing to open
        accounts += unbind_accounts(partner_id, customer_id)
    if accounts:
        lock_accounts(session, accounts, at=now)
    coupons = reclaim_for_unbind(session, plan, operation=operation, operator=operator)
    cash = unbind_reclaim(
        session, ctx, partner_id=partner_id, customer_id=customer_id, operator=operator, reference=request.id
    )
    return Effects(cash, coupons)
