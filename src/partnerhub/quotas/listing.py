"""Reading quotas (A.17), quotas issued to resellers (A.20) and their records (A.21).

Statuses are read through ``CouponQuota.status_at``: a normal quota past its expiry shows (and filters) as
invalid (3) before the sweep runs. A reclaimed child quota shows as 6 to its distributor (A.20) and as 3 to
the reseller (A.17 knows no 6). ``balance`` is always the ledger's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.errors import ApiError, invalid
from partnerhub.kit import params
from partnerhub.kit.clock import format_utc
from partnerhub.kit.money import to_decimal
from partnerhub.ledger.service import balances_of
from partnerhub.partners.models import Partner
from partnerhub.partners.repository import PartnerRepository
from partnerhub.quotas.limits import limit_infos
from partnerhub.quotas.models import CouponQuota, CouponQuotaRecord, QuotaStatus, quota_account
from partnerhub.quotas.repository import (
    IssuedQuotaQuery,
    QuotaQuery,
    QuotaRecordQuery,
    QuotaRecordRepository,
    QuotaRepository,
)
from partnerhub.quotas.schemas import (
    ListCouponQuotasRecordsQuery,
    ListIssuedCouponQuotasQuery,
    ListQuotaCouponsRequest,
)

MAX_QUOTA_IDS = 50
MAX_STATUSES = 5
QUOTA_STATUSES = (0, 3, 4, 5)


def list_quotas(
    session: Session, now: datetime, partner_id: str, body: ListQuotaCouponsRequest
) -> dict[str, Any]:
    statuses = list(body.quota_status_list or [])
    if len(statuses) > MAX_STATUSES or any(status not in QUOTA_STATUSES for status in statuses):
        raise invalid("quota_status_list", "at most {maximum} of 0, 3, 4, 5", maximum=MAX_STATUSES)
    for name in (
        "create_time_begin",
        "create_time_end",
        "effective_time_begin",
        "effective_time_end",
        "expire_time_begin",
        "expire_time_end",
    ):
        if getattr(body, name) == "":
            raise invalid(name, "must not be an empty string")
    offset, limit = params.page(body.offset, body.limit)
    query = QuotaQuery(
        partner_id=partner_id,
        now=now,
        quota_type=_quota_type(body.quota_type),
        quota_ids=params.id_list(body.quota_ids, "quota_ids", maximum=MAX_QUOTA_IDS, required=False),
        statuses=statuses,
        created=params.time_range(body.create_time_begin, body.create_time_end, "create_time"),
        effective=params.time_range(body.effective_time_begin, body.effective_time_end, "effective_time"),
        expires=params.time_range(body.expire_time_begin, body.expire_time_end, "expire_time"),
    )
    total, quotas = QuotaRepository(session).search(query, offset=offset, limit=limit)
    balances = balances_of(session, [quota_account(quota.id) for quota in quotas])
    return {
        "total_count": total,
        "quotas": [
            _quota(
                quota, balances.get(quota_account(quota.id), 0), now, reclaimed_as=int(QuotaStatus.INVALID)
            )
            for quota in quotas
        ],
    }


def list_issued_quotas(
    session: Session, now: datetime, distributor_id: str, query: ListIssuedCouponQuotasQuery
) -> dict[str, Any]:
    offset, limit = params.page(query.offset, query.limit)
    search = IssuedQuotaQuery(
        distributor_id=distributor_id,
        quota_id=query.quota_id or None,
        reseller_id=_own_reseller(session, distributor_id, query.indirect_partner_id),
        parent_quota_id=query.parent_quota_id,
    )
    total, rows = QuotaRepository(session).search_issued(search, offset=offset, limit=limit)
    balances = balances_of(session, [quota_account(quota.id) for quota, _ in rows])
    return {
        "total_count": total,
        "quotas": [
            {
                **_quota(
                    quota,
                    balances.get(quota_account(quota.id), 0),
                    now,
                    reclaimed_as=int(QuotaStatus.RECLAIMED),
                ),
                **_reseller(reseller),
                "parent_quota_id": quota.parent_quota_id,
            }
            for quota, reseller in rows
        ],
    }


def list_quota_records(
    session: Session, distributor_id: str, query: ListCouponQuotasRecordsQuery
) -> dict[str, Any]:
    offset, limit = params.page(query.offset, query.limit)
    operation_type = {"10": 10, "11": 11}.get(query.operation_type or "")
    search = QuotaRecordQuery(
        distributor_id=distributor_id,
        reseller_id=_own_reseller(session, distributor_id, query.indirect_partner_id),
        quota_id=query.quota_id or None,
        parent_quota_id=query.parent_quota_id,
        operation_type=operation_type,
        operated=params.time_range(query.operation_time_begin, query.operation_time_end, "operation_time"),
    )
    total, rows = QuotaRecordRepository(session).search(search, offset=offset, limit=limit)
    return {"total_count": total, "records": [_record(record, reseller) for record, reseller in rows]}


def _quota_type(value: object) -> int:
    """Absent, null or ``""`` → 0 (voucher quotas); 0 or 1 as a number or string; else CBC.0100."""
    if value is None or value == "":
        return 0
    if not isinstance(value, bool) and isinstance(value, int | str) and str(value) in ("0", "1"):
        return int(value)
    raise invalid("quota_type", "must be 0 or 1")


def _own_reseller(session: Session, distributor_id: str, reseller_id: str | None) -> str | None:
    """A reseller filter must name one of the caller's own resellers (CBC.99000037 otherwise)."""
    if not reseller_id:
        return None
    if PartnerRepository(session).reseller_of(distributor_id, reseller_id) is None:
        raise ApiError("CBC.99000037", field="indirect_partner_id")
    return reseller_id


def _quota(quota: CouponQuota, balance_minor: int, now: datetime, *, reclaimed_as: int) -> dict[str, Any]:
    status = quota.status_at(now)
    return {
        "quota_id": quota.id,
        "quota_type": quota.quota_type,
        "create_time": format_utc(quota.created_at),
        "last_update_time": format_utc(quota.updated_at),
        "quota_value": to_decimal(quota.quota_value_minor),
        "quota_status": reclaimed_as if status == QuotaStatus.RECLAIMED else status,
        "balance": to_decimal(balance_minor),
        "measure_id": 1,
        "currency": quota.currency,
        "effective_time": format_utc(quota.effective_time),
        "expire_time": format_utc(quota.expire_time),
        "limit_infos": limit_infos(quota),
    }


def _reseller(reseller: Partner) -> dict[str, str]:
    return {
        "indirect_partner_id": reseller.id,
        "indirect_partner_account_name": reseller.account_name,
        "indirect_partner_name": reseller.name,
    }


def _record(record: CouponQuotaRecord, reseller: Partner) -> dict[str, Any]:
    listed: dict[str, Any] = {
        "id": str(record.id),
        "operator": record.operator,
        "operation_type": str(record.operation_type),
        "quota_id": record.quota_id,
        "parent_quota_id": record.parent_quota_id,
        "amount": to_decimal(record.amount_minor),
        "operation_time": format_utc(record.operation_time),
        "result": str(record.result),
        **_reseller(reseller),
    }
    if record.remark is not None:
        listed["remark"] = record.remark
    return listed
