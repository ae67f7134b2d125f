"""Read-side funding services (SPEC A.9–A.12): adjust records, balances, account changes.

Every query resolves the acting partner first (``indirect_partner_id`` lets a distributor look at one of
its own resellers) and reads only that partner's cash account and customers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.errors import invalid
from partnerhub.funding.repository import FundingRecordsRepository, TransferFilter, TransferView
from partnerhub.kit.clock import Clock, format_utc, parse_utc
from partnerhub.kit.money import to_decimal, to_text
from partnerhub.ledger.accounts import Asset, TransferKind, customer_funded, partner_cash
from partnerhub.ledger.service import balance_of, balances_of
from partnerhub.partners.scope import acting_partner_id

CASH_ACCOUNT_TYPE = 1
MEASURE_YUAN = 1
CHINA_TIME = timezone(timedelta(hours=8))
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

OPERATION_KINDS: dict[str, tuple[TransferKind, ...]] = {
    "SOURCE_OPERATION_BEADJUST": (TransferKind.FUND_CUSTOMER, TransferKind.FUND_RESELLER),
    "SOURCE_OPERATION_BERETRIEVE": (TransferKind.RECLAIM_CUSTOMER, TransferKind.RECLAIM_RESELLER),
    "SOURCE_OPERATION_BEUNBIND": (TransferKind.UNBIND_RECLAIM,),
}
OPERATION_OF_KIND = {kind.value: operation for operation, kinds in OPERATION_KINDS.items() for kind in kinds}

TRADE_TYPE_KINDS: dict[str, tuple[TransferKind, ...]] = {
    "RECHARGE": (TransferKind.TOPUP,),
    "BEADJUST": OPERATION_KINDS["SOURCE_OPERATION_BEADJUST"],
    "BERETRIEVE": OPERATION_KINDS["SOURCE_OPERATION_BERETRIEVE"],
    "BEUNBIND": OPERATION_KINDS["SOURCE_OPERATION_BEUNBIND"],
    # Valid trade types that partnerhub never produces on a partner's cash account:
    **{
        name: ()
        for name in ("DEDEUCT", "REFUND", "RFROZEN", "TRANS", "ADJUST", "BONUSCONVERT", "TRADE_MODE_TRANSFER")
    },
}
TRADE_DETAIL_OF_KIND = {TransferKind.TOPUP.value: "SOURCE_OPERAIION_RECHARGE", **OPERATION_OF_KIND}
"""``SOURCE_OPERAIION_`` (sic) is how the SDK's documentation spells the recharge detail type."""
BALANCE_TYPES = ("BALANCE_TYPE_DEBIT", "BALANCE_TYPE_CREDIT")


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int


def partner_balances(
    session: Session, caller: Principal, indirect_partner_id: str | None
) -> list[dict[str, Any]]:
    """The cash account (account_type 1). No earmarked money (designated 0) and no credit line (0)."""
    account = partner_cash(acting_partner_id(session, caller, indirect_partner_id))
    amount = balance_of(session, account) or 0
    zero = to_decimal(0)
    return [
        {
            "account_id": account.id,
            "account_type": CASH_ACCOUNT_TYPE,
            "amount": to_decimal(amount),
            "currency": Asset.CNY.value,
            "designated_amount": zero,
            "credit_amount": zero,
            "measure_id": MEASURE_YUAN,
        }
    ]


def customer_balances(
    session: Session, caller: Principal, customer_ids: list[str], indirect_partner_id: str | None
) -> list[dict[str, Any]]:
    """Balances of the acting partner's resale customers among ``customer_ids``; everything else (referral,
    foreign, unknown) is left out silently. A customer never funded holds 0."""
    acting = acting_partner_id(session, caller, indirect_partner_id)
    wanted = list(dict.fromkeys(customer_ids))
    resale = FundingRecordsRepository(session).resale_customer_ids(acting, wanted)
    keys = {customer_id: customer_funded(customer_id) for customer_id in wanted if customer_id in resale}
    found = balances_of(session, keys.values())
    zero = to_decimal(0)
    return [
        {
            "customer_id": customer_id,
            "debt_amount": zero,
            "amount": to_decimal(found.get(key, 0)),
            "currency": Asset.CNY.value,
            "measure_id": MEASURE_YUAN,
        }
        for customer_id, key in keys.items()
    ]


def adjust_records(
    session: Session,
    caller: Principal,
    *,
    indirect_partner_id: str | None,
    customer_id: str | None,
    operation_type: str | None,
    begin: str | None,
    end: str | None,
    trans_id: str | None,
    page: Page,
) -> tuple[int, list[dict[str, Any]]]:
    account = partner_cash(acting_partner_id(session, caller, indirect_partner_id))
    kinds = None
    if operation_type:
        if operation_type not in OPERATION_KINDS:
            raise invalid("operation_type", "use {choices}", choices=" | ".join(OPERATION_KINDS))
        kinds = [kind.value for kind in OPERATION_KINDS[operation_type]]
    flt = TransferFilter(
        kinds=kinds,
        counterparty_id=customer_id or None,
        begin=_utc("operation_time_begin", begin),
        end=_utc("operation_time_end", end),
        transaction_id=trans_id or None,
    )
    total, views = FundingRecordsRepository(session).adjust_records(
        account.id, flt, offset=page.offset, limit=page.limit
    )
    return total, [_adjust_record(view) for view in views]


def account_changes(
    session: Session,
    caller: Principal,
    clock: Clock,
    *,
    indirect_partner_id: str | None,
    balance_type: str | None,
    trade_type: str | None,
    begin: str | None,
    end: str | None,
    page: Page,
) -> tuple[int, list[dict[str, Any]]]:
    """Trade dates are UTC+8 calendar days, both inclusive; defaults: a year ago today → today."""
    if not balance_type:
        raise invalid("balance_type", "is required")
    if balance_type not in BALANCE_TYPES:
        raise invalid("balance_type", "use BALANCE_TYPE_DEBIT | BALANCE_TYPE_CREDIT")
    account = partner_cash(acting_partner_id(session, caller, indirect_partner_id))
    kinds = None
    if trade_type:
        if trade_type not in TRADE_TYPE_KINDS:
            raise invalid("trade_type", "unknown trade type")
        kinds = [kind.value for kind in TRADE_TYPE_KINDS[trade_type]]
    today = clock.now().astimezone(CHINA_TIME).date()
    first = _china_date("trade_time_begin", begin) if begin else _a_year_before(today)
    last = _china_date("trade_time_end", end) if end else today
    if first > last:
        raise invalid("trade_time_begin", "must not be after trade_time_end")
    if balance_type == "BALANCE_TYPE_CREDIT":  # partnerhub keeps no credit accounts
        return 0, []
    flt = TransferFilter(
        kinds=kinds,
        begin=_china_midnight(first),
        end=_china_midnight(last + timedelta(days=1)),
        end_inclusive=False,
    )
    total, views = FundingRecordsRepository(session).account_changes(
        account.id, flt, offset=page.offset, limit=page.limit
    )
    return total, [_change_record(view) for view in views]


def _adjust_record(view: TransferView) -> dict[str, Any]:
    return {
        "customer_id": view.counterparty_id,
        "customer_name": view.counterparty_name,
        "operation_type": OPERATION_OF_KIND[view.kind],
        "amount": to_text(view.amount_minor),
        "currency": Asset.CNY.value,
        "operation_time": format_utc(view.created_at),
        "measure_id": MEASURE_YUAN,
        "trans_id": view.transaction_id,
        "memo": view.memo,
    }


def _change_record(view: TransferView) -> dict[str, Any]:
    """``change_amount`` is the magnitude; ``type`` says the direction (1 income, 2 expense)."""
    record: dict[str, Any] = {
        "account_change_id": view.transaction_id,
        "trade_detail_type": TRADE_DETAIL_OF_KIND.get(view.kind, view.kind),
        "trade_time": format_utc(view.created_at),
        "trade_id": view.transaction_id,
        "change_amount": to_text(view.amount_minor),
        "balance_after_change": to_text(view.balance_after_minor),
        "type": "1" if view.incoming else "2",
    }
    if view.counterparty_kind == "customer":
        record["customer_id"] = view.counterparty_id
        record["account_name"] = view.counterparty_name
    return record


def _utc(field: str, text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_utc(text)
    except ValueError as exc:
        raise invalid(field, "use yyyy-MM-ddTHH:mm:ssZ") from exc


def _china_date(field: str, text: str) -> date:
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError as exc:
        raise invalid(field, "use YYYY-MM-DD (UTC+8)") from exc


def _china_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=CHINA_TIME).astimezone(UTC)


def _a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
