"""Freeze and unfreeze customer accounts (SPEC A.5/A.6, international SDK).

A batch of 1–10 customers; each succeeds or fails on its own and the answer is HTTP 200 with
``error_details`` for the failures only. Request-level problems (bad fields, a reseller that is not the
caller's) fail the whole request. Per-customer codes, partnerhub's choice where the API documents none:

* ``CBC.99000035`` not a customer of the acting partner (missing and foreign look alike);
* ``CBC.5024`` a referral (顾问销售) customer: only resale customers are the partner's to freeze;
* ``CBC.99003656`` freeze of an account that is already frozen (whatever the type: unfreeze first);
* ``CBC.0460`` unfreeze of an account that is not frozen;
* ``CBC.0101`` (naming ``unfreeze_type``) unfreeze type differs from the current freeze type.

Each change writes a ``customer_freeze_events`` row (who, when, type, reason). The state itself is
``customers.freeze_type``, changed by a conditional UPDATE so concurrent requests cannot both win.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.context import AppContext
from partnerhub.customers.models import AssociationType, CustomerFreezeEvent, FreezeType
from partnerhub.customers.repository import CustomerRepository
from partnerhub.errors import ApiError, invalid
from partnerhub.kit.ids import new_id
from partnerhub.partners.scope import OwnedCustomer, acting_partner_id, lock_owned_customers, owned_customer

MAX_CUSTOMERS = 10
MAX_REASON = 256
FREEZE = "freeze"
UNFREEZE = "unfreeze"


@dataclass(frozen=True)
class FreezeBatch:
    customer_ids: list[str]
    reason: str
    indirect_partner_id: str | None
    freeze_type: FreezeType


@dataclass(frozen=True)
class ItemFailure:
    customer_id: str
    error: ApiError


def parse_batch(
    customer_ids: list[str] | None,
    reason: str | None,
    indirect_partner_id: str | None,
    freeze_type: str | None,
    *,
    type_field: str,
) -> FreezeBatch:
    """Validate the request's own fields. The same id twice is processed once."""
    if not customer_ids:
        raise invalid("customer_ids", "required, 1 to 10 ids")
    if len(customer_ids) > MAX_CUSTOMERS:
        raise invalid("customer_ids", "at most {maximum} ids", maximum=MAX_CUSTOMERS)
    if not reason:
        raise invalid("reason", "required")
    if len(reason) > MAX_REASON:
        raise invalid("reason", "at most {maximum} characters", maximum=MAX_REASON)
    if indirect_partner_id is not None and len(indirect_partner_id) > 64:
        raise invalid("indirect_partner_id", "at most 64 characters")
    return FreezeBatch(
        customer_ids=list(dict.fromkeys(customer_ids)),
        reason=reason,
        indirect_partner_id=indirect_partner_id,
        freeze_type=_freeze_type(freeze_type, type_field),
    )


def freeze_customers(
    session: Session, ctx: AppContext, caller: Principal, batch: FreezeBatch
) -> Sequence[ItemFailure]:
    return _apply(session, ctx, caller, batch, _freeze_one, FREEZE)


def unfreeze_customers(
    session: Session, ctx: AppContext, caller: Principal, batch: FreezeBatch
) -> Sequence[ItemFailure]:
    return _apply(session, ctx, caller, batch, _unfreeze_one, UNFREEZE)


def _apply(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    batch: FreezeBatch,
    change_one: Callable[[Session, str, str, FreezeType], ApiError | None],
    action: str,
) -> Sequence[ItemFailure]:
    """Each customer on its own: failures are reported per item, successes recorded with who, when and why."""
    partner_id = acting_partner_id(session, caller, batch.indirect_partner_id)
    # The associations first, in one id-ordered step: a concurrent disassociation of one of these customers
    # either completes before (the customer is then missing here) or waits for this batch.
    lock_owned_customers(session, partner_id, batch.customer_ids)
    failures: list[ItemFailure] = []
    for customer_id in batch.customer_ids:
        problem = change_one(session, partner_id, customer_id, batch.freeze_type)
        if problem is not None:
            failures.append(ItemFailure(customer_id, problem))
        else:
            _record(session, ctx, caller, partner_id, customer_id, action, batch)
    return failures


def _freeze_one(
    session: Session, partner_id: str, customer_id: str, freeze_type: FreezeType
) -> ApiError | None:
    owned = owned_customer(session, partner_id, customer_id)
    if owned is None:
        return ApiError("CBC.99000035")
    if (problem := _association_problem(owned)) is not None:
        return problem
    if owned.customer.freeze_type is not None:
        return ApiError("CBC.99003656")
    if not CustomerRepository(session).freeze_if_active(customer_id, freeze_type.value):
        return ApiError("CBC.99003656")  # a concurrent request froze it first
    return None


def _unfreeze_one(session: Session, partner_id: str, customer_id: str, wanted: FreezeType) -> ApiError | None:
    owned = owned_customer(session, partner_id, customer_id)
    if owned is None:
        return ApiError("CBC.99000035")
    if (problem := _association_problem(owned)) is not None:
        return problem
    current = owned.customer.freeze_type
    if current is None:
        return ApiError("CBC.0460")
    if current != wanted.value:
        return ApiError(
            "CBC.0101",
            field="unfreeze_type",
            detail="the account is frozen as {freeze_type}",
            params={"freeze_type": current},
        )
    if not CustomerRepository(session).unfreeze_if_type(customer_id, current):
        return ApiError("CBC.0460")  # a concurrent request unfroze it first
    return None


def _freeze_type(value: str | None, field: str) -> FreezeType:
    """Absent or null: ACCOUNT. ``""`` and anything outside the enum are refused."""
    if value is None:
        return FreezeType.ACCOUNT
    try:
        return FreezeType(value)
    except ValueError:
        raise invalid(field, "must be ACCOUNT or ACCOUNT_AND_RESOURCE") from None


def _association_problem(owned: OwnedCustomer) -> ApiError | None:
    """Only resale (代售) customers are the partner's to freeze; referral customers pay the cloud directly."""
    if owned.association.association_type != AssociationType.RESALE:
        return ApiError("CBC.5024")
    return None


def _record(
    session: Session,
    ctx: AppContext,
    caller: Principal,
    partner_id: str,
    customer_id: str,
    action: str,
    batch: FreezeBatch,
) -> None:
    CustomerRepository(session).add_freeze_event(
        CustomerFreezeEvent(
            id=new_id(),
            customer_id=customer_id,
            partner_id=partner_id,
            operator_partner_id=caller.partner_id,
            action=action,
            freeze_type=batch.freeze_type.value,
            reason=batch.reason,
            created_at=ctx.clock.now(),
        )
    )
