"""Batch funding (the console's 批量拨款) as an API: many customers in one request, one rule set.

* ``partial`` (default): every item is tried in order; the ones that fail are reported in ``error_details``
  with their code and the rest move money (HTTP 200) — the style of the API's other batch operations.
* ``atomic``: all or nothing; the first failing item answers its own error (its field is prefixed with
  ``adjust_infos[i].``) and nothing moves.
* ``dry_run``: the same checks against the same balances, including the running total, inside a savepoint
  that is rolled back — nothing moves and no transfer ids are issued.
Each item becomes its own transfer with its own ``AD…`` id; all of them share the batch id as reference.
All accounts the batch pays into are opened and locked (with the partner's cash) before the first transfer,
so a batch never takes a lock out of order; a customer whose funding then fails may be left with an empty
(balance 0) partner-funded account.
Funding type: only ``cash`` (the partner's cash account, account_type 1) is offered; ``credit`` answers 501.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.context import AppContext
from partnerhub.errors import ApiError, invalid
from partnerhub.funding.service import check_fundable, move_to_customer
from partnerhub.kit.money import parse_amount
from partnerhub.ledger.accounts import customer_funded, new_transaction_id, partner_cash
from partnerhub.ledger.service import lock_accounts
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
    """Check every item, lock every account involved in one id-ordered step, then fund in item order."""
    planned: list[tuple[int, BatchItem, int, ApiError | None]] = []
    # Lock the customers' associations in one id-ordered step first; each item's check then re-reads its own.
    lock_owned_customers(session, acting, [item.customer_id for item in items if item.customer_id])
    for index, item in enumerate(items):
        try:
            amount_minor = parse_amount(item.amount, "amount", maximum=ctx.settings.max_amount)
            check_fundable(session, acting, item.customer_id)
            planned.append((index, item, amount_minor, None))
        except ApiError as exc:
            planned.append((index, item, 0, _located(exc, index)))
    payees = [customer_funded(item.customer_id) for _, item, _, error in planned if error is None]
    if payees:
        lock_accounts(session, [partner_cash(acting), *payees], at=ctx.clock.now())
    for index, item, amount_minor, error in planned:
        transfer_id = None
        if error is None:
            try:
                moved = move_to_customer(
                    session,
                    ctx,
                    caller,
                    acting_id=acting,
                    customer_id=item.customer_id,
                    amount_minor=amount_minor,
                    idempotency_key=idempotency_key,
                    reference=outcome.batch_id,
                )
                transfer_id = moved.transaction_id
            except ApiError as exc:
                error = _located(exc, index)
        if error is not None:
            if atomic:
                raise error
            outcome.failed.append((item.customer_id or f"adjust_infos[{index}]", error))
            continue
        outcome.funded.append(
            FundedItem(item.customer_id, amount_minor, None if outcome.dry_run else transfer_id)
        )


def _located(error: ApiError, index: int) -> ApiError:
    """The same error, its field prefixed with the item's position."""
    return ApiError(
        error.code,
        field=f"adjust_infos[{index}].{error.field or 'customer_id'}",
        detail=error.detail,
        params=error.params,
    )
