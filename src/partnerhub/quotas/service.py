"""Quota rules: the platform grants quotas, a distributor carves child quotas for its resellers and takes
them back, and expired quotas return their value to the platform.

Value only moves through ``ledger.service.transfer``; the quota row holds validity, limits and status.
Writers lock in one order — quota rows (by id), then coupon rows, then ledger accounts — so concurrent
operations on one quota queue instead of deadlocking, and a quota never pays out more than it holds
(the ledger's conditional debit refuses with InsufficientFunds → CBC.99000013).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.errors import ApiError, invalid
from partnerhub.kit.ids import new_id
from partnerhub.ledger.accounts import PLATFORM_VOUCHER, AccountKey, TransferKind, new_transaction_id
from partnerhub.ledger.service import InsufficientFunds, balance_of, drain, transfer
from partnerhub.partners.models import PartnerKind, PartnerStatus
from partnerhub.partners.repository import PartnerRepository
from partnerhub.quotas.models import (
    CouponQuota,
    CouponQuotaRecord,
    QuotaOperation,
    QuotaStatus,
    QuotaType,
    join_codes,
    quota_account,
)
from partnerhub.quotas.repository import QuotaRecordRepository, QuotaRepository

CLI_OPERATOR = "operator"


@dataclass(frozen=True)
class QuotaGrant:
    partner_id: str
    amount_minor: int
    effective_time: datetime
    expire_time: datetime
    quota_type: QuotaType = QuotaType.VOUCHER
    min_face_minor: int | None = None
    max_face_minor: int | None = None
    service_types: tuple[str, ...] = ()
    product_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Moved:
    """One item of a batch that succeeded: the id it is reported under and the value that moved."""

    item_id: str
    quota_id: str
    amount_minor: int


@dataclass
class BatchResult:
    done: list[Moved]
    failed: list[tuple[str, ApiError]]


def require_distributor(caller: Principal) -> None:
    """The reseller-quota operations (A.18–A.21) belong to distributors; anyone else: CBC.0151."""
    if caller.partner_kind != PartnerKind.DISTRIBUTOR.value:
        raise ApiError("CBC.0151", detail="only a distributor manages its resellers' quotas")


def usable_status(quota: CouponQuota, now: datetime) -> None:
    """CBC.99000012 for a quota that is not normal (reclaimed), CBC.99000017 outside its validity."""
    status = quota.status_at(now)
    if status == QuotaStatus.INVALID or now < quota.effective_time:
        raise ApiError("CBC.99000017", field="quota_id")
    if status != QuotaStatus.NORMAL:
        raise ApiError("CBC.99000012", field="quota_id")


def grant_quota(session: Session, now: datetime, grant: QuotaGrant) -> CouponQuota:
    """Operator: a new quota for ``grant.partner_id``, funded from ``platform:voucher``."""
    if PartnerRepository(session).get(grant.partner_id) is None:
        raise invalid("partner", "no such partner")
    if grant.expire_time <= grant.effective_time:
        raise invalid("expires", "must be later than the effective time")
    if grant.expire_time <= now:
        raise invalid("expires", "must be in the future")
    low, high = grant.min_face_minor, grant.max_face_minor
    if low is not None and high is not None and low > high:
        raise invalid("min-face", "must not exceed max-face")
    quota = CouponQuota(
        id=new_id(),
        partner_id=grant.partner_id,
        parent_quota_id=None,
        issuer_partner_id=None,
        quota_type=int(grant.quota_type),
        quota_value_minor=grant.amount_minor,
        currency="CNY",
        status=int(QuotaStatus.NORMAL),
        effective_time=grant.effective_time,
        expire_time=grant.expire_time,
        min_face_minor=low,
        max_face_minor=high,
        service_types=join_codes(list(grant.service_types)),
        product_ids=join_codes(list(grant.product_ids)),
        created_at=now,
        updated_at=now,
    )
    QuotaRepository(session).add(quota)
    transfer(
        session,
        debit=PLATFORM_VOUCHER,
        credit=quota_account(quota.id),
        amount_minor=grant.amount_minor,
        kind=TransferKind.QUOTA_GRANT,
        transaction_id=new_transaction_id("QG", now),
        at=now,
        operator=CLI_OPERATOR,
        reference=quota.id,
    )
    return quota


def issue_to_resellers(
    session: Session,
    now: datetime,
    caller: Principal,
    quota_id: str,
    reseller_ids: list[str],
    amount_minor: int,
) -> BatchResult:
    """A.18: one child quota of ``amount_minor`` per reseller, carved from the caller's quota ``quota_id``.

    Whole-request refusals: not a distributor (CBC.0151), quota missing/foreign (CBC.99000012), not normal
    (CBC.99000015), outside its validity (CBC.99000017). Per reseller (HTTP 200, ``error_details``): not the
    caller's reseller (CBC.99000037), exiting (CBC.50010105), parent exhausted (CBC.99000013).
    """
    require_distributor(caller)
    quotas = QuotaRepository(session)
    if quotas.owned(caller.partner_id, quota_id) is None:
        raise ApiError("CBC.99000012", field="quota_id")
    parent = quotas.lock([quota_id])[quota_id]
    if parent.status_at(now) == QuotaStatus.INVALID or now < parent.effective_time:
        raise ApiError("CBC.99000017", field="quota_id")
    if parent.status != QuotaStatus.NORMAL:
        raise ApiError("CBC.99000015", field="quota_id")
    partners = PartnerRepository(session)
    operator = _account_name(partners, caller.partner_id)
    result = BatchResult([], [])
    for reseller_id in reseller_ids:
        reseller = partners.reseller_of(caller.partner_id, reseller_id)
        if reseller is None:
            result.failed.append((reseller_id, ApiError("CBC.99000037")))
            continue
        if reseller.status == PartnerStatus.EXITING:
            result.failed.append((reseller_id, ApiError("CBC.50010105")))
            continue
        child_id = new_id()
        try:
            _move(session, now, caller, TransferKind.QUOTA_ISSUE, parent.id, child_id, amount_minor)
        except InsufficientFunds:
            result.failed.append((reseller_id, ApiError("CBC.99000013")))
            continue
        quotas.add(_child_of(parent, child_id, reseller_id, caller.partner_id, amount_minor, now))
        QuotaRecordRepository(session).add(
            CouponQuotaRecord(
                partner_id=caller.partner_id,
                indirect_partner_id=reseller_id,
                quota_id=child_id,
                parent_quota_id=parent.id,
                operation_type=int(QuotaOperation.ISSUE),
                amount_minor=amount_minor,
                result=0,
                operator=operator,
                remark=None,
                operation_time=now,
            )
        )
        parent.updated_at = now
        result.done.append(Moved(reseller_id, child_id, amount_minor))
    session.flush()
    return result


def reclaim_from_resellers(
    session: Session, now: datetime, caller: Principal, quota_ids: list[str], remark: str | None
) -> BatchResult:
    """A.19: each named child quota's whole remaining balance returns to its parent and the child reads as
    reclaimed (6). Missing, foreign, already reclaimed or expired children: CBC.99000012 per item."""
    require_distributor(caller)
    quotas = QuotaRepository(session)
    found = {
        child.id: child
        for child in (quotas.get(quota_id) for quota_id in quota_ids)
        if child is not None and child.issuer_partner_id == caller.partner_id
    }
    locked = quotas.lock(
        [*found, *(child.parent_quota_id for child in found.values() if child.parent_quota_id)]
    )
    operator = _account_name(PartnerRepository(session), caller.partner_id)
    result = BatchResult([], [])
    for quota_id in quota_ids:
        child = locked.get(quota_id) if quota_id in found else None
        if child is None or child.parent_quota_id is None or child.status_at(now) != QuotaStatus.NORMAL:
            result.failed.append((quota_id, ApiError("CBC.99000012")))
            continue
        amount = balance_of(session, quota_account(child.id)) or 0
        if amount > 0:
            _move(session, now, caller, TransferKind.QUOTA_RECLAIM, child.id, child.parent_quota_id, amount)
        child.status = int(QuotaStatus.RECLAIMED)
        child.updated_at = now
        locked[child.parent_quota_id].updated_at = now
        QuotaRecordRepository(session).add(
            CouponQuotaRecord(
                partner_id=caller.partner_id,
                indirect_partner_id=child.partner_id,
                quota_id=child.id,
                parent_quota_id=child.parent_quota_id,
                operation_type=int(QuotaOperation.RECLAIM),
                amount_minor=amount,
                result=0,
                operator=operator,
                remark=remark,
                operation_time=now,
            )
        )
        result.done.append(Moved(child.id, child.id, amount))
    session.flush()
    return result


def return_destination(quotas: dict[str, CouponQuota], quota: CouponQuota, now: datetime) -> AccountKey:
    """Where value coming back to ``quota`` goes: the quota itself while normal; a reclaimed child's value
    follows it to its parent (by the same rule); anything else (expired) returns to ``platform:voucher``.
    ``quotas`` must hold the locked quota and its parent."""
    current: CouponQuota | None = quota
    while current is not None:
        if current.status_at(now) == QuotaStatus.NORMAL:
            return quota_account(current.id)
        if current.status != QuotaStatus.RECLAIMED or current.parent_quota_id is None:
            break
        current = quotas.get(current.parent_quota_id)
    return PLATFORM_VOUCHER


def expire_quotas(session: Session, now: datetime, locked: Sequence[CouponQuota]) -> list[Moved]:
    """Sweep ``locked`` (``QuotaRepository.expired_unswept``): normal quotas past expiry become invalid (3);
    their remaining value returns to the platform."""
    swept = []
    for quota in locked:
        amount = drain(
            session,
            account=quota_account(quota.id),
            into=PLATFORM_VOUCHER,
            kind=TransferKind.QUOTA_EXPIRE,
            prefix="QE",
            at=now,
            operator=CLI_OPERATOR,
            reference=quota.id,
        )
        quota.status = int(QuotaStatus.INVALID)
        quota.updated_at = now
        swept.append(Moved(quota.id, quota.id, amount))
    session.flush()
    return swept


def _move(
    session: Session,
    now: datetime,
    caller: Principal,
    kind: TransferKind,
    source: str,
    target: str,
    amount: int,
) -> None:
    """Quota → quota: carving (QI…) or taking back (QR…) a child quota; the reference is the child."""
    child = target if kind is TransferKind.QUOTA_ISSUE else source
    transfer(
        session,
        debit=quota_account(source),
        credit=quota_account(target),
        amount_minor=amount,
        kind=kind,
        transaction_id=new_transaction_id("QI" if kind is TransferKind.QUOTA_ISSUE else "QR", now),
        at=now,
        operator=f"partner:{caller.partner_id}",
        reference=child,
    )


def _child_of(
    parent: CouponQuota, child_id: str, reseller_id: str, distributor_id: str, amount: int, now: datetime
) -> CouponQuota:
    """A child inherits its parent's type, validity and limits."""
    return CouponQuota(
        id=child_id,
        partner_id=reseller_id,
        parent_quota_id=parent.id,
        issuer_partner_id=distributor_id,
        quota_type=parent.quota_type,
        quota_value_minor=amount,
        currency=parent.currency,
        status=int(QuotaStatus.NORMAL),
        effective_time=parent.effective_time,
        expire_time=parent.expire_time,
        min_face_minor=parent.min_face_minor,
        max_face_minor=parent.max_face_minor,
        service_types=parent.service_types,
        product_ids=parent.product_ids,
        created_at=now,
        updated_at=now,
    )


def _account_name(partners: PartnerRepository, partner_id: str) -> str:
    partner = partners.get(partner_id)
    return partner.account_name if partner is not None else partner_id
