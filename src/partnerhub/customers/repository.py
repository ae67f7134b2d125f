"""Queries on customers and associations. Partner-facing queries are scoped by partner."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Result,
    Select,
    and_,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from partnerhub.customers.models import (
    ENTERPRISE,
    Association,
    AssociationCount,
    Customer,
    CustomerFreezeEvent,
)

_LISTING_ORDER = (Association.associated_on.desc(), Association.active_customer_id)
"""The customer list's order: newest association first, ties by customer id (the listing index's order)."""

_SHORT_WALK = 20_000
"""How many of the partner's customers a fuzzy-filtered page may expect to check one by one (random row
reads) before one pass over customers is cheaper."""


@dataclass(frozen=True)
class CustomerQuery:
    """The filters of the customer list; None means "not a filter". Fuzzy values match anywhere."""

    partner_id: str
    account_name: str | None = None
    real_name: str | None = None
    label: str | None = None
    association_type: int | None = None
    associated_from: datetime | None = None
    associated_before: datetime | None = None
    """Exclusive upper bound."""
    customer_id: str | None = None


@dataclass(frozen=True)
class ListedCustomer:
    customer: Customer
    association: Association


class CustomerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, customer_id: str) -> Customer | None:
        return self.session.get(Customer, customer_id)

    def get_many(self, customer_ids: Collection[str]) -> dict[str, Customer]:
        """The customers among ``customer_ids`` in one query, by id (absent: no such customer)."""
        if not customer_ids:
            return {}
        rows = self.session.scalars(select(Customer).where(Customer.id.in_(sorted(set(customer_ids)))))
        return {row.id: row for row in rows}

    def by_domain_name(self, name: str) -> Customer | None:
        return self.session.scalars(
            select(Customer).where(Customer.domain_name_key == name.lower())
        ).one_or_none()

    def count_with_mobile(self, mobile: str) -> int:
        return int(self.session.scalar(select(func.count()).where(Customer.mobile == mobile)) or 0)

    def email_taken(self, email: str) -> bool:
        found = self.session.scalar(select(Customer.id).where(Customer.email_key == email.lower()).limit(1))
        return found is not None

    def xaccount_taken(self, owner_partner_id: str, xaccount_type: str, xaccount_id: str) -> bool:
        found = self.session.scalar(
            select(Customer.id)
            .where(
                Customer.owner_partner_id == owner_partner_id,
                Customer.xaccount_type == xaccount_type,
                Customer.xaccount_id == xaccount_id,
            )
            .limit(1)
        )
        return found is not None

    def add_with_association(self, customer: Customer, association: Association) -> None:
        """Insert both rows; a unique-constraint race surfaces here as IntegrityError."""
        self.session.add(customer)
        self.session.flush()
        self.session.add(association)
        self.session.flush()

    def list_for_partner(
        self, query: CustomerQuery, *, offset: int, limit: int, matching: int | None = None
    ) -> Sequence[ListedCustomer]:
        """Customers actively associated with the partner, newest association first (ties by id).

        Two steps, so a deep page stays an index walk: the page's customer ids come from the listing index
        in its order, then only those rows are read. ``matching`` (the filtered count, when the caller has
        it) chooses how a fuzzy filter finds the ids: when many match, walking the listing index and
        checking customers one by one fills the page early; the walk reads at most a few times the entries
        the share of matches predicts, since matches need not be spread evenly (all among the oldest, say).
        When few match, or the bounded walk came up short, one pass over customers gives the matching ids.
        """
        if matching is not None and offset >= matching:
            return []
        if _filters_customers(query) and matching is not None:
            budget = self._walk_budget(query, offset, limit, matching)
            if budget is not None:
                walked, whole = self._walked_ids(query, offset, limit, budget)
                if whole or len(walked) == min(limit, matching - offset):
                    return self._rows(walked)
        keys = (
            select(Association.active_customer_id)
            .where(*self._conditions(query))
            .order_by(*_LISTING_ORDER)
            .offset(offset)
            .limit(limit)
        )
        return self._rows(keys)

    def _walk_budget(self, query: CustomerQuery, offset: int, limit: int, matching: int) -> int | None:
        """How many of the partner's listing entries a walk for this page may check (None: walking is not
        expected to be short): four times what the share of matching customers predicts, at most
        ``_SHORT_WALK``."""
        of_partner = self.count_for_partner(
            CustomerQuery(partner_id=query.partner_id, association_type=query.association_type)
        )
        expected = -(-(offset + limit) * of_partner // max(matching, 1))
        if expected > _SHORT_WALK:
            return None
        return min(_SHORT_WALK, max(4 * expected, 1_000))

    def _walked_ids(
        self, query: CustomerQuery, offset: int, limit: int, budget: int
    ) -> tuple[list[str], bool]:
        """The page's ids among the first ``budget`` entries of the partner's listing index, and whether
        those were all of its entries (then the page is final whatever it holds).

        The bound is the ``budget``-th entry (an index-only walk), so the walk itself stays in index order
        and stops there: a range on the association time plus the tie-break on the customer id."""
        conditions = self._association_conditions(query)
        last = self.session.execute(
            select(Association.associated_on, Association.active_customer_id)
            .where(*conditions)
            .order_by(*_LISTING_ORDER)
            .offset(budget - 1)
            .limit(1)
        ).first()
        if last is not None:
            on, customer_id = last
            conditions += [
                Association.associated_on >= on,
                or_(Association.associated_on > on, Association.active_customer_id <= customer_id),
            ]
        statement = (
            select(Association.active_customer_id)
            .join(Customer, Customer.id == Association.active_customer_id)
            .where(*conditions, *self._customer_conditions(query))
            .order_by(*_LISTING_ORDER)
            .offset(offset)
            .limit(limit)
        )
        return [str(customer_id) for customer_id in self.session.scalars(statement)], last is None

    def _rows(self, ids: Select[Any] | list[str]) -> list[ListedCustomer]:
        statement = (
            select(Customer, Association)
            .join(Association, Association.active_customer_id == Customer.id)
            .where(Association.active_customer_id.in_(ids))
            .order_by(*_LISTING_ORDER)
        )
        return [
            ListedCustomer(customer, association) for customer, association in self.session.execute(statement)
        ]

    def count_for_partner(self, query: CustomerQuery) -> int:
        """Exact. Without filters, or by association type only, it is read from ``association_counts`` (kept
        by triggers); other association filters count the matching index range; fuzzy filters make one pass
        over customers (the login filter over its narrow index), probing each match's active association."""
        if _only_type_filter(query):
            counted = select(func.coalesce(func.sum(AssociationCount.active), 0)).where(
                AssociationCount.partner_id == query.partner_id
            )
            if query.association_type is not None:
                counted = counted.where(AssociationCount.association_type == query.association_type)
            return int(self.session.scalar(counted) or 0)
        if _filters_customers(query):
            associated = exists().where(
                Association.active_customer_id == Customer.id, *self._association_conditions(query)
            )
            statement = (
                select(func.count())
                .select_from(Customer)
                .where(*self._customer_conditions(query), associated)
            )
        else:
            statement = select(func.count()).select_from(Association).where(*self._conditions(query))
        return int(self.session.scalar(statement) or 0)

    def _conditions(self, query: CustomerQuery) -> list[ColumnElement[bool]]:
        conditions = self._association_conditions(query)
        if _filters_customers(query):
            # Fuzzy filters match anywhere, which no index can seek: the matching customer ids come from one
            # pass over customers (the login filter reads only the narrow (login, id) index), then the
            # association side stays on the listing index. Joining customer by customer from the
            # associations instead costs one random row read per customer of the partner.
            matching = select(Customer.id).where(*self._customer_conditions(query))
            conditions.append(Association.active_customer_id.in_(matching))
        return conditions

    def _association_conditions(self, query: CustomerQuery) -> list[ColumnElement[bool]]:
        # "Active" spelled out lets both engines use the partial listing indexes.
        conditions: list[ColumnElement[bool]] = [
            Association.partner_id == query.partner_id,
            Association.active_customer_id.is_not(None),
        ]
        if query.association_type is not None:
            conditions.append(Association.association_type == query.association_type)
        if query.associated_from is not None:
            conditions.append(Association.associated_on >= query.associated_from)
        if query.associated_before is not None:
            conditions.append(Association.associated_on < query.associated_before)
        if query.customer_id is not None:
            conditions.append(Association.active_customer_id == query.customer_id)
        return conditions

    def _customer_conditions(self, query: CustomerQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.account_name is not None:
            # Login names are case-insensitive: match the lower-cased key.
            conditions.append(Customer.domain_name_key.contains(query.account_name.lower(), autoescape=True))
        if query.real_name is not None:
            conditions.append(self._name_matches(query.real_name))
        if query.label is not None:
            conditions.append(self._label_contains(query.label))
        return conditions

    def _name_matches(self, name: str) -> ColumnElement[bool]:
        """An enterprise's name (shown in full) matches anywhere; a person's name, masked in the list,
        matches only as a whole (any case): the filter cannot spell out a masked name guess by guess."""
        return or_(
            and_(Customer.customer_type == ENTERPRISE, Customer.real_name.icontains(name, autoescape=True)),
            and_(Customer.customer_type != ENTERPRISE, func.lower(Customer.real_name) == name.lower()),
        )

    def _label_contains(self, needle: str) -> ColumnElement[bool]:
        """Case-sensitive substring match on both engines (SQLite's LIKE ignores ASCII case).

        A position function needs no wildcard escaping: ``%`` and ``_`` are matched literally.
        """
        if self.session.get_bind().dialect.name == "sqlite":
            return func.instr(Customer.label, needle) > 0
        return func.strpos(Customer.label, needle) > 0

    def freeze_if_active(self, customer_id: str, freeze_type: str) -> bool:
        """Set the freeze type only when the customer is not frozen; False when it already was.

        One conditional UPDATE, so two concurrent freezes cannot both succeed.
        """
        result = self.session.execute(
            update(Customer)
            .where(Customer.id == customer_id, Customer.freeze_type.is_(None))
            .values(freeze_type=freeze_type)
        )
        return _changed(result)

    def unfreeze_if_type(self, customer_id: str, freeze_type: str) -> bool:
        """Clear the freeze only when the customer is frozen with exactly this type."""
        result = self.session.execute(
            update(Customer)
            .where(Customer.id == customer_id, Customer.freeze_type == freeze_type)
            .values(freeze_type=None)
        )
        return _changed(result)

    def add_freeze_event(self, event: CustomerFreezeEvent) -> None:
        self.session.add(event)
        self.session.flush()

    def bulk_insert(self, customers: list[dict[str, object]], associations: list[dict[str, object]]) -> None:
        """Core inserts for seeding many customers at once (``partnerhub demo``)."""
        self.session.execute(insert(Customer), customers)
        self.session.execute(insert(Association), associations)
        self.session.flush()


def _filters_customers(query: CustomerQuery) -> bool:
    """Whether a filter reads a customers column (the others are all on the association)."""
    return query.account_name is not None or query.real_name is not None or query.label is not None


def _only_type_filter(query: CustomerQuery) -> bool:
    return (
        not _filters_customers(query)
        and query.associated_from is None
        and query.associated_before is None
        and query.customer_id is None
    )


def _changed(result: Result[Any]) -> bool:
    """Whether a DML statement touched a row (its result is a CursorResult, which has a rowcount)."""
    return bool(cast(CursorResult[Any], result).rowcount)


class AssociationRepository:
    """Writers that act on a customer because of its association lock the association row first (the one
    order: associations, then customers, quotas, coupons, ledger accounts), so a disassociation and a funding
    or voucher issue of the same customer queue: whichever comes second sees the other's outcome."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def active_for(
        self, customer_id: str, partner_id: str, *, for_update: bool = False
    ) -> Association | None:
        """The customer's active association with this partner, or None (missing and foreign look alike)."""
        statement = select(Association).where(
            Association.active_customer_id == customer_id, Association.partner_id == partner_id
        )
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(statement).one_or_none()

    def active_of(self, customer_id: str, *, for_update: bool = False) -> Association | None:
        """The customer's active association, whoever the partner is."""
        statement = select(Association).where(Association.active_customer_id == customer_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(statement).one_or_none()

    def lock_active_for(self, partner_id: str, customer_ids: Collection[str]) -> dict[str, Association]:
        """Row-lock the partner's active associations among ``customer_ids`` in one id-ordered step (batch
        writers), keyed by customer id; the others are absent."""
        rows = self.session.scalars(
            select(Association)
            .where(
                Association.partner_id == partner_id,
                Association.active_customer_id.in_(sorted(set(customer_ids))),
            )
            .order_by(Association.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        return {row.customer_id: row for row in rows}

    def lock(self, association_id: str) -> Association | None:
        return self.session.scalars(
            select(Association)
            .where(Association.id == association_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()

    def lock_customer(self, customer_id: str) -> Customer | None:
        return self.session.scalars(
            select(Customer)
            .where(Customer.id == customer_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()

    def add(self, association: Association) -> None:
        self.session.add(association)
        self.session.flush()
