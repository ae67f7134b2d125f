"""Funding rules (SPEC A.7, A.8, A.23, A.24, D.1, D.3): who may move which money, and each refusal's code.

* Fund (拨款): the acting partner's cash → the customer's partner-funded account. Only resale (代售)
  customers (referral → CBC.5021), never frozen ones (CBC.8214), only the acting partner's own customers
  (another partner's customer looks exactly like a missing one: CBC.99000035). The acting partner is the
  caller, or — for a distributor passing ``indirect_partner_id`` — that reseller, whose money then moves.
* Reclaim (回收): the reverse, at most what the customer's partner-funded account holds (CBC.99005003),
  and only once such an account exists (CBC.99000047). Frozen customers may be reclaimed from: reclaiming
  is how a partner winds a customer down.
* Reseller fund / reclaim: distributor cash ↔ reseller cash. Only distributors may call (others: 403
  CBC.0151 — the operation is not theirs); only their own resellers (others: CBC.99000037).
* Insufficient cash on the paying side: CBC.99005003. Funding draws only on the cash balance.
* Unbind reclaim (解绑回收): when an association ends or switches from resale to referral, the association
  service drains the customer's partner-funded account back to the partner (``unbind_reclaim``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.context import AppContext
from partnerhub.customers.models import AssociationType
from partnerhub.errors import ApiError, invalid
from partnerhub.ledger.accounts import (
    PLATFORM_CASH,
    AccountKey,
    TransferKind,
    customer_funded,
    new_transaction_id,
    partner_cash,
)
from partnerhub.ledger.models import LedgerTransfer
from partnerhub.ledger.service import InsufficientFunds, balance_of, drain, transfer
from partnerhub.partners.models import PartnerKind
from partnerhub.partners.repository import PartnerRepository
from partnerhub.partners.scope import OwnedCustomer, acting_partner_id, owned_customer

ADJUST_PREFIX = "AD"
RECLAIM_PREFIX = "RE"
TOPUP_PREFIX = "RC"
UNBIND_PREFIX = "UB"
OPERATOR = "operator"


def fund_customer(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    *,
    customer_id: str,
    amount_minor: int,
    indirect_partner_id: str | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransfer:
    acting = acting_partner_id(session, caller, indirect_partner_id)
    check_fundable(session, acting, customer_id)
    return move_to_customer(
        session,
        ctx,
        caller,
        acting_id=acting,
        customer_id=customer_id,
        amount_minor=amount_minor,
        idempotency_key=idempotency_key,
    )


def check_fundable(session: Session, acting_id: str, customer_id: str) -> None:
    """The customer is the acting partner's, in resale mode and not frozen; else the refusal's ApiError."""
    refusal = funding_refusal(owned_customer(session, acting_id, customer_id, for_update=True))
    if refusal is not None:
        raise refusal


def funding_refusal(owned: OwnedCustomer | None, *, reclaiming: bool = False) -> ApiError | None:
    """Why money may not move between the acting partner and this customer (None: it may): not the
    partner's (``owned`` is None), not in resale mode, or — for funding, not reclaiming — frozen. The one
    rule for single and batch funding and for reclaims."""
    if owned is None:
        return ApiError("CBC.99000035", field="customer_id")
    if owned.association.association_type != AssociationType.RESALE:
        return ApiError("CBC.5021", field="customer_id")
    if not reclaiming and owned.customer.freeze_type is not None:
        return ApiError("CBC.8214", field="customer_id")
    return None


def move_to_customer(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    *,
    acting_id: str,
    customer_id: str,
    amount_minor: int,
    idempotency_key: str | None = None,
    reference: str | None = None,
) -> LedgerTransfer:
    """The funding transfer alone, for a customer ``check_fundable`` has already passed."""
    return _move(
        session,
        ctx,
        caller,
        debit=partner_cash(acting_id),
        credit=customer_funded(customer_id),
        amount_minor=amount_minor,
        kind=TransferKind.FUND_CUSTOMER,
        prefix=ADJUST_PREFIX,
        idempotency_key=idempotency_key,
        reference=reference,
    )


def reclaim_customer(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    *,
    customer_id: str,
    amount_minor: int,
    indirect_partner_id: str | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransfer:
    acting = acting_partner_id(session, caller, indirect_partner_id)
    _resale_customer(session, acting, customer_id)
    account = customer_funded(customer_id)
    if balance_of(session, account) is None:
        raise ApiError("CBC.99000047", field="customer_id")
    return _move(
        session,
        ctx,
        caller,
        debit=account,
        credit=partner_cash(acting),
        amount_minor=amount_minor,
        kind=TransferKind.RECLAIM_CUSTOMER,
        prefix=RECLAIM_PREFIX,
        idempotency_key=idempotency_key,
    )


def fund_reseller(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    *,
    reseller_id: str,
    amount_minor: int,
    idempotency_key: str | None = None,
) -> LedgerTransfer:
    reseller = _own_reseller(session, caller, reseller_id)
    return _move(
        session,
        ctx,
        caller,
        debit=partner_cash(caller.partner_id),
        credit=partner_cash(reseller),
        amount_minor=amount_minor,
        kind=TransferKind.FUND_RESELLER,
        prefix=ADJUST_PREFIX,
        idempotency_key=idempotency_key,
    )


def reclaim_reseller(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    *,
    reseller_id: str,
    amount_minor: int,
    idempotency_key: str | None = None,
) -> LedgerTransfer:
    reseller = _own_reseller(session, caller, reseller_id)
    return _move(
        session,
        ctx,
        caller,
        debit=partner_cash(reseller),
        credit=partner_cash(caller.partner_id),
        amount_minor=amount_minor,
        kind=TransferKind.RECLAIM_RESELLER,
        prefix=RECLAIM_PREFIX,
        idempotency_key=idempotency_key,
    )


def topup(session: Session, ctx: AppContext, *, partner_id: str, amount_minor: int) -> LedgerTransfer:
    """Operator top-up: platform cash → the partner's cash (the platform account may go negative)."""
    if PartnerRepository(session).get(partner_id) is None:
        raise invalid("partner", "no such partner")
    now = ctx.clock.now()
    return transfer(
        session,
        debit=PLATFORM_CASH,
        credit=partner_cash(partner_id),
        amount_minor=amount_minor,
        kind=TransferKind.TOPUP,
        transaction_id=new_transaction_id(TOPUP_PREFIX, now),
        at=now,
        operator=OPERATOR,
    )


def unbind_reclaim(
    session: Session, ctx: AppContext, *, partner_id: str, customer_id: str, operator: str, reference: str
) -> int:
    """解绑回收: everything the customer's partner-funded account holds goes back to the partner's cash, as
    one ``unbind_reclaim`` transfer (adjust records: ``SOURCE_OPERATION_BEUNBIND``; account changes:
    ``BEUNBIND``). For the association service, in its decision's transaction, after it locked the
    association and both accounts. Returns the amount (0 moves nothing)."""
    return drain(
        session,
        account=customer_funded(customer_id),
        into=partner_cash(partner_id),
        kind=TransferKind.UNBIND_RECLAIM,
        prefix=UNBIND_PREFIX,
        at=ctx.clock.now(),
        operator=operator,
        reference=reference,
    )


def unbind_accounts(partner_id: str, customer_id: str) -> list[AccountKey]:
    """The ledger accounts ``unbind_reclaim`` touches, for the caller's one ``lock_accounts`` step."""
    return [customer_funded(customer_id), partner_cash(partner_id)]


def funding_operator(caller: Principal) -> str:
    """Who a transfer records as its cause."""
    return f"partner:{caller.partner_id}"


def require_distributor(caller: Principal) -> None:
    if caller.partner_kind != PartnerKind.DISTRIBUTOR.value:
        raise ApiError("CBC.0151", detail="only a distributor may operate on cloud resellers")


def _own_reseller(session: Session, caller: Principal, reseller_id: str) -> str:
    require_distributor(caller)
    if not reseller_id or PartnerRepository(session).reseller_of(caller.partner_id, reseller_id) is None:
        raise ApiError("CBC.99000037", field="indirect_partner_id")
    return reseller_id


def _resale_customer(session: Session, partner_id: str, customer_id: str) -> OwnedCustomer:
    # The association row stays locked to the end of the transaction: a concurrent disassociation either
    # completes first (then the customer is missing here) or waits and reclaims what this moves.
    owned = owned_customer(session, partner_id, customer_id, for_update=True)
    refusal = funding_refusal(owned, reclaiming=True)
    if refusal is not None:
        raise refusal
    assert owned is not None
    return owned


def _move(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    *,
    debit: AccountKey,
    credit: AccountKey,
    amount_minor: int,
    kind: TransferKind,
    prefix: str,
    idempotency_key: str | None,
    reference: str | None = None,
) -> LedgerTransfer:
    now = ctx.clock.now()
    try:
        return transfer(
            session,
            debit=debit,
            credit=credit,
            amount_minor=amount_minor,
            kind=kind,
            transaction_id=new_transaction_id(prefix, now),
            at=now,
            operator=funding_operator(caller),
            reference=reference,
            idempotency_key=idempotency_key,
        )
    except InsufficientFunds as exc:
        raise ApiError("CBC.99005003", field="amount") from exc
