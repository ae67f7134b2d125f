"""Read queries over the ledger for the funding records APIs, scoped to one partner's cash account.

A transfer row is seen from the partner's side: the *counterparty* is the transfer's other account (a
customer's partner-funded account, a reseller's or distributor's cash, or the platform).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from partnerhub.customers.models import Association, Customer
from partnerhub.ledger.accounts import TransferKind
from partnerhub.ledger.models import LedgerAccount, LedgerTransfer
from partnerhub.partners.models import Partner

_OUTGOING_ADJUSTS = (TransferKind.FUND_CUSTOMER.value, TransferKind.FUND_RESELLER.value)
_INCOMING_ADJUSTS = (
    TransferKind.RECLAIM_CUSTOMER.value,
    TransferKind.UNBIND_RECLAIM.value,
    TransferKind.RECLAIM_RESELLER.value,
)


@dataclass(frozen=True)
class TransferView:
    transaction_id: str
    kind: str
    amount_minor: int
    created_at: datetime
    memo: str | None
    incoming: bool
    """True when the partner's account was credited."""
    balance_after_minor: int
    counterparty_kind: str
    counterparty_id: str
    counterparty_name: str | None


@dataclass(frozen=True)
class TransferFilter:
    kinds: Collection[str] | None = None
    """None: every kind."""
    counterparty_id: str | None = None
    begin: datetime | None = None
    """Inclusive."""
    end: datetime | None = None
    """Inclusive when ``end_inclusive``, else exclusive."""
    end_inclusive: bool = True
    transaction_id: str | None = None


class FundingRecordsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def adjust_records(
        self, account_id: str, flt: TransferFilter, *, offset: int, limit: int
    ) -> tuple[int, list[TransferView]]:
        """Fundings the partner made (customer or reseller) and reclaims it received back, newest first."""
        scope = or_(
            and_(LedgerTransfer.kind.in_(_OUTGOING_ADJUSTS), LedgerTransfer.debit_account_id == account_id),
            and_(LedgerTransfer.kind.in_(_INCOMING_ADJUSTS), LedgerTransfer.credit_account_id == account_id),
        )
        return self._page(account_id, scope, flt, offset=offset, limit=limit)

    def account_changes(
        self, account_id: str, flt: TransferFilter, *, offset: int, limit: int
    ) -> tuple[int, list[TransferView]]:
        """Every transfer in or out of the account, newest first."""
        scope = or_(
            LedgerTransfer.debit_account_id == account_id, LedgerTransfer.credit_account_id == account_id
        )
        return self._page(account_id, scope, flt, offset=offset, limit=limit)

    def resale_customer_ids(self, partner_id: str, customer_ids: Collection[str]) -> set[str]:
        """The customers among ``customer_ids`` actively associated with the partner in resale mode."""
        rows = self.session.scalars(
            select(Association.active_customer_id).where(
                Association.partner_id == partner_id,
                Association.association_type == 2,
                Association.active_customer_id.in_(list(customer_ids)),
            )
        ).all()
        return {row for row in rows if row is not None}

    def _page(
        self, account_id: str, scope: ColumnElement[bool], flt: TransferFilter, *, offset: int, limit: int
    ) -> tuple[int, list[TransferView]]:
        other = aliased(LedgerAccount)
        incoming = LedgerTransfer.credit_account_id == account_id
        other_id = case((incoming, LedgerTransfer.debit_account_id), else_=LedgerTransfer.credit_account_id)
        conditions = [scope, *self._filters(flt, other)]
        total = self.session.scalar(
            select(func.count())
            .select_from(LedgerTransfer)
            .join(other, other.id == other_id)
            .where(*conditions)
        )
        query = (
            select(
                LedgerTransfer, other.owner_kind, other.owner_id, Customer.domain_name, Partner.account_name
            )
            .join(other, other.id == other_id)
            .outerjoin(Customer, and_(other.owner_kind == "customer", Customer.id == other.owner_id))
            .outerjoin(Partner, and_(other.owner_kind == "partner", Partner.id == other.owner_id))
            .where(*conditions)
            .order_by(LedgerTransfer.created_at.desc(), LedgerTransfer.id.desc())
            .offset(offset)
            .limit(limit)
        )
        views = []
        for row, owner_kind, owner_id, customer_name, partner_name in self.session.execute(query).all():
            is_incoming = row.credit_account_id == account_id
            views.append(
                TransferView(
                    transaction_id=row.transaction_id,
                    kind=row.kind,
                    amount_minor=int(row.amount_minor),
                    created_at=row.created_at,
                    memo=row.memo,
                    incoming=is_incoming,
                    balance_after_minor=int(
                        row.credit_balance_after if is_incoming else row.debit_balance_after
                    ),
                    counterparty_kind=owner_kind,
                    counterparty_id=owner_id,
                    counterparty_name=customer_name or partner_name,
                )
            )
        return int(total or 0), views

    @staticmethod
    def _filters(flt: TransferFilter, other: Any) -> Sequence[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if flt.kinds is not None:
            conditions.append(LedgerTransfer.kind.in_(list(flt.kinds)))
        if flt.counterparty_id:
            conditions.append(other.owner_id == flt.counterparty_id)
        if flt.begin is not None:
            conditions.append(LedgerTransfer.created_at >= flt.begin)
        if flt.end is not None:
            conditions.append(
                LedgerTransfer.created_at <= flt.end
                if flt.end_inclusive
                else LedgerTransfer.created_at < flt.end
            )
        if flt.transaction_id:
            conditions.append(LedgerTransfer.transaction_id == flt.transaction_id)
        return conditions
