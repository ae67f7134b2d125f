"""Queries of the console's own: its sessions, and the dashboard's daily totals.

The daily totals read the ledger (fundings and reclaims of the partner's cash account) and the coupon
records (vouchers issued), grouped by calendar day in UTC+8 — the partner center's time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from partnerhub.console.models import ConsoleSession
from partnerhub.coupons.models import CouponOperation, CouponRecord
from partnerhub.ledger.accounts import TransferKind
from partnerhub.ledger.models import LedgerTransfer

FUNDING_KINDS = (TransferKind.FUND_CUSTOMER.value, TransferKind.FUND_RESELLER.value)
RECLAIM_KINDS = (
    TransferKind.RECLAIM_CUSTOMER.value,
    TransferKind.RECLAIM_RESELLER.value,
    TransferKind.UNBIND_RECLAIM.value,
)


class ConsoleSessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, id_hash: str) -> ConsoleSession | None:
        return self.session.get(ConsoleSession, id_hash)

    def add(self, row: ConsoleSession) -> None:
        self.session.add(row)
        self.session.flush()

    def remove(self, id_hash: str) -> None:
        self.session.execute(delete(ConsoleSession).where(ConsoleSession.id_hash == id_hash))

    def purge(self, *, now: datetime, idle_before: datetime) -> int:
        """Delete sessions past their absolute end or idle since before ``idle_before``."""
        result = self.session.execute(
            delete(ConsoleSession).where(
                (ConsoleSession.expires_at <= now) | (ConsoleSession.last_seen_at <= idle_before)
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


class DashboardRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def daily_transfers(self, account_id: str, *, since: datetime) -> Sequence[tuple[str, str, int]]:
        """(UTC+8 day ``YYYY-MM-DD``, ``funding`` | ``reclaim``, total minor units) since ``since``."""
        day = self._china_day(LedgerTransfer.created_at)
        outgoing = (
            select(day, func.sum(LedgerTransfer.amount_minor))
            .where(
                LedgerTransfer.debit_account_id == account_id,
                LedgerTransfer.kind.in_(FUNDING_KINDS),
                LedgerTransfer.created_at >= since,
            )
            .group_by(day)
        )
        incoming = (
            select(day, func.sum(LedgerTransfer.amount_minor))
            .where(
                LedgerTransfer.credit_account_id == account_id,
                LedgerTransfer.kind.in_(RECLAIM_KINDS),
                LedgerTransfer.created_at >= since,
            )
            .group_by(day)
        )
        rows: list[tuple[str, str, int]] = []
        for label, statement in (("funding", outgoing), ("reclaim", incoming)):
            rows.extend(
                (str(when), label, int(total or 0)) for when, total in self.session.execute(statement)
            )
        return rows

    def daily_vouchers_issued(self, partner_id: str, *, since: datetime) -> Sequence[tuple[str, int]]:
        """(UTC+8 day, face value issued in minor units) of the partner's coupon issues since ``since``."""
        day = self._china_day(CouponRecord.operation_time)
        statement = (
            select(day, func.sum(CouponRecord.amount_minor))
            .where(
                CouponRecord.partner_id == partner_id,
                CouponRecord.operation_type == int(CouponOperation.ISSUE),
                CouponRecord.operation_time >= since,
            )
            .group_by(day)
        )
        return [(str(when), int(total or 0)) for when, total in self.session.execute(statement)]

    def _china_day(self, column: Any) -> ColumnElement[Any]:
        if self.session.get_bind().dialect.name == "sqlite":
            return func.date(column, "+8 hours")  # SQLite keeps naive UTC text
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM-DD")
