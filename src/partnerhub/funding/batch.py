"""Batch funding (the console's 批量拨款) as an API: many customers in one request, one rule set.

* ``partial`` (default): every item is tried in order; the ones that fail are reported in ``error_details``
  with their code and the rest move money (HTTP 200) — the style of the API's other batch operations.
* ``atomic``: all or nothing; the first failing item answers its own error (its field is prefixed with
  ``adjust_infos[i].``) and nothing moves.
* ``dry_run``: the same checks against the same balances, including the running total, inside a savepoint
  that is rolled back — nothing moves and no transfer ids are issued.
Each item becomes its own transfer with its own ``AD…`` id; all of them share the batch id as reference.
The customers are read and locked in one step, checked by the rule single fundings use
(``funding_refusal``), and the items that pass move in one ledger fan-out (``ledger.transfer_many``): every
account it pays into is opened and locked with the partner's cash in one id-ordered step, so a batch never
takes a lock out of order, and a customer whose funding then fails for want of cash may be left with an
empty (balance 0) partner-funded account. A batch of 100 costs about as many statements as one funding.
Funding type: only ``cash`` (the partner's cash account, account_type 1) is offered; ``credit`` answers 501.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.context import AppContext
from partnerhub.errors import ApiError, invalid
from partnerhub.funding.service import ADJUST_PREFIX, funding_operator, funding_refusal
from partnerhub.kit.money import parse_amount
from partnerhub.ledger.accounts import TransferKind, customer_funded, new_transaction_id, partner_cash
from partnerhub.ledger.service import InsufficientFunds, Leg, transfer_many
from partnerhub.partners.scope import acting_partner_id, lock_owned_customers

BATCH_PREFIX = "BA"


@dataclass(frozen=True)
class BatchItem:
    customer_id: str
    amount: object
    """Raw, as received: each item's amount is validated on its own so one bad item fails alone."""


@dataclass(frozen=True)
class FundedItem:
    customer_id: str
    amount_minor: int
    transfer_id: str | None
    """None in a dry run."""


@dataclass
class BatchOutcome:
    batch_id: str
    dry_run: bool
    funded: list[FundedItem] = field(default_factory=list)
    failed: list[tuple[str, ApiError]] = field(default_factory=list)
    """(item id — the customer id, or ``adjust_infos[i]`` when it has none — and the error)."""


def batch_fund(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    *,
    items: Sequence[BatchItem],
    atomic: bool,
    dry_run: bool,
    funding_type: str,
    indirect_partner_id: str | None,
    idempotency_key: str | None,
) -> BatchOutcome:
    """Whole-request problems (too many or no items, duplicates, a foreign reseller) fail the request."""
    if funding_type != "cash":
        raise ApiError("CBC.0501", field="funding_type", detail="only cash funding is offered")
    limit = ctx.settings.batch_funding_max_items
    if not items or len(items) > limit:
        raise invalid("adjust_infos", "give 1 to {maximum} items", maximum=limit)
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.customer_id in seen:
            raise invalid(f"adjust_infos[{index}].customer_id", "each customer may appear once")
        seen.add(item.customer_id)
    acting = acting_partner_id(session, caller, indirect_partner_id)
    outcome = BatchOutcome(batch_id=new_transaction_id(BATCH_PREFIX, ctx.clock.now()), dry_run=dry_run)
    if dry_run:
        with session.begin_nested() as savepoint:
            _run(session, ctx, caller, acting, items, atomic, None, outcome)
            savepoint.rollback()
    else:
        _run(session, ctx, caller, acting, items, atomic, idempotency_key, outcome)
    return outcome


def _run(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    acting: str,
    items: Sequence[BatchItem],
    atomic: bool,
    idempotency_key: str | None,
    outcome: BatchOutcome,
) -> None:
    """Check every item against one locked read of all the customers, then move the money of every item
    that passed in one ledger fan-out (a constant number of statements, whatever the batch's size)."""
    owned = lock_owned_customers(session, acting, [item.customer_id for item in items if item.customer_id])
    now = ctx.clock.now()
    errors: dict[int, ApiError] = {}
    legs: dict[int, Leg] = {}
    for index, item in enumerate(items):
        try:
            amount_minor = parse_amount(item.amount, "amount", maximum=ctx.settings.max_amount)
        except ApiError as exc:
            errors[index] = _located(exc, index)
            continue
        refusal = funding_refusal(owned.get(item.customer_id))
        if refusal is not None:
            errors[index] = _located(refusal, index)
            continue
        transaction_id = new_transaction_id(ADJUST_PREFIX, now)
        legs[index] = Leg(customer_funded(item.customer_id), amount_minor, transaction_id)
    if atomic and errors:
        # All or nothing answers the first failure in item order, which may be a want of cash before it.
        legs = {index: leg for index, leg in legs.items() if index < min(errors)}
    moved = transfer_many(
        session,
        debit=partner_cash(acting),
        legs=list(legs.values()),
        kind=TransferKind.FUND_CUSTOMER,
        at=now,
        operator=funding_operator(caller),
        reference=outcome.batch_id,
        idempotency_key=idempotency_key,
    )
    for index, result in zip(legs, moved, strict=True):
        if isinstance(result, InsufficientFunds):
            errors[index] = ApiError("CBC.99005003", field=f"adjust_infos[{index}].amount")
    if atomic and errors:
        raise errors[min(errors)]
    for index, item in enumerate(items):
        if index in errors:
            outcome.failed.append((item.customer_id or f"adjust_infos[{index}]", errors[index]))
            continue
        leg = legs[index]
        transfer_id = None if outcome.dry_run else leg.transaction_id
        outcome.funded.append(FundedItem(item.customer_id, leg.amount_minor, transfer_id))


def _located(error: ApiError, index: int) -> ApiError:
    """The same error, its field prefixed with the item's position."""
    return ApiError(
        error.code,
        field=f"adjust_infos[{index}].{error.field or 'customer_id'}",
        detail=error.detail,
        params=error.params,
    )
