"""Read queries over the ledger for the funding records APIs, scoped to one partner's cash account.

A transfer row is seen from the partner's side: the *counterparty* is the transfer's other account (a
customer's partner-funded account, a reseller's or distributor's cash, or the platform).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    UnaryExpression,
    and_,
    case,
    desc,
    func,
    select,
    union_all,
)
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
_DEBIT, _CREDIT = "debit", "credit"
_SIDES = {
    _DEBIT: (LedgerTransfer.debit_account_id, LedgerTransfer.credit_account_id),
    _CREDIT: (LedgerTransfer.credit_account_id, LedgerTransfer.debit_account_id),
}
"""A side: (the column holding the account, the column holding the other account)."""


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
        sides = [(_DEBIT, _OUTGOING_ADJUSTS), (_CREDIT, _INCOMING_ADJUSTS)]
        return self._page(account_id, sides, flt, offset=offset, limit=limit)

    def account_changes(
        self, account_id: str, flt: TransferFilter, *, offset: int, limit: int
    ) -> tuple[int, list[TransferView]]:
        """Every transfer in or out of the account, newest first."""
        return self._page(account_id, [(_DEBIT, None), (_CREDIT, None)], flt, offset=offset, limit=limit)

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
        self,
        account_id: str,
        sides: Sequence[tuple[str, Collection[str] | None]],
        flt: TransferFilter,
        *,
        offset: int,
        limit: int,
    ) -> tuple[int, list[TransferView]]:
        """The account's transfers on the given sides (``debit``/``credit``, each with the kinds it lists, or
        all), newest first. Each side is one range of its ``(side account, created_at, id)`` index: the count
        adds the two ranges' counts (a transfer's two accounts differ, so no transfer is on both sides), and
        a page merges the two ranges in order, then reads only its own rows."""
        other = aliased(LedgerAccount)
        counts, keys = [], []
        for side, kinds in sides:
            own, opposite = _SIDES[side]
            conditions = [own == account_id, *self._filters(flt, other)]
            if kinds is not None:
                conditions.append(LedgerTransfer.kind.in_(list(kinds)))
            counted = select(func.count()).select_from(LedgerTransfer)
            ranged = select(LedgerTransfer.id.label("id"), LedgerTransfer.created_at.label("created_at"))
            if flt.counterparty_id:  # only then is the other account needed
                counted = counted.join(other, other.id == opposite)
                ranged = ranged.join(other, other.id == opposite)
            counts.append(int(self.session.scalar(counted.where(*conditions)) or 0))
            keys.append(ranged.where(*conditions))
        # The two ranges are merged, never sorted whole: SQLite merges the branches of a compound SELECT
        # ordered as the indexes are (MERGE (UNION ALL)); PostgreSQL does not merge a UNION ALL here, so each
        # branch stops after offset + limit entries in index order and only those are sorted.
        newest: tuple[UnaryExpression[Any], ...] = (desc("created_at"), desc("id"))
        if self.session.get_bind().dialect.name == "postgresql":
            bounded = [key.order_by(*newest).limit(offset + limit).subquery() for key in keys]
            merged = union_all(*(select(side.c.id, side.c.created_at) for side in bounded)).subquery()
            page = select(merged.c.id).order_by(merged.c.created_at.desc(), merged.c.id.desc())
            page_ids = list(self.session.scalars(page.offset(offset).limit(limit)))
        else:
            ordered = union_all(*keys).order_by(*newest).offset(offset).limit(limit)
            page_ids = list(self.session.scalars(ordered))
        incoming = LedgerTransfer.credit_account_id == account_id
        other_id = case((incoming, LedgerTransfer.debit_account_id), else_=LedgerTransfer.credit_account_id)
        query = (
            select(
                LedgerTransfer, other.owner_kind, other.owner_id, Customer.domain_name, Partner.account_name
            )
            .join(other, other.id == other_id)
            .outerjoin(Customer, and_(other.owner_kind == "customer", Customer.id == other.owner_id))
            .outerjoin(Partner, and_(other.owner_kind == "partner", Partner.id == other.owner_id))
            .where(LedgerTransfer.id.in_(page_ids))
            .order_by(LedgerTransfer.created_at.desc(), LedgerTransfer.id.desc())
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
        return sum(counts), views

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
