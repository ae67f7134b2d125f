"""Model-based test: random sequences of money operations against a simple model of every balance.

The services are called directly, one transaction per step (committed on success, rolled back on an
error, as the request edge does). After every step each modelled balance must match the database and the
ledger must verify (sums to zero per asset, cached balances equal their transfers).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import update

from partnerhub.auth.principals import Principal, SubjectKind
from partnerhub.context import AppContext
from partnerhub.customers.models import Customer
from partnerhub.db.session import session_scope
from partnerhub.errors import ApiError
from partnerhub.funding.batch import BatchItem, batch_fund
from partnerhub.funding.service import fund_customer, fund_reseller, reclaim_customer, reclaim_reseller, topup
from partnerhub.kit.money import to_text
from partnerhub.ledger.accounts import PLATFORM_CASH, customer_funded, partner_cash
from partnerhub.ledger.service import balance_of
from partnerhub.ledger.verify import verify_ledger
from partnerhub.partners.models import PartnerKind
from partnerhub.partners.service import create_partner
from tests.support import Env, PartnerHandle, make_customer

AMOUNTS = st.integers(min_value=1, max_value=5_000)
CUSTOMERS = ("s1", "s2", "s_referral", "r1", "r2", "r_frozen")
ACTORS = ("S", "R", "D-for-R", "D")


@dataclass(frozen=True)
class ModelCustomer:
    id: str
    owner: str
    referral: bool = False
    frozen: bool = False


class FundingMachine(RuleBasedStateMachine):
    env: ClassVar[Env]

    def __init__(self) -> None:
        super().__init__()
        ctx = self.env.ctx
        with session_scope(ctx.sessions) as session:
            made = {
                name: create_partner(session, ctx.clock, kind=kind, name=name, parent_id=parent)
                for name, kind, parent in (
                    ("D", PartnerKind.DISTRIBUTOR, None),
                    ("S", PartnerKind.SOLUTION_PROVIDER, None),
                )
            }
            made["R"] = create_partner(
                session, ctx.clock, kind=PartnerKind.RESELLER, name="R", parent_id=made["D"].id
            )
            self.partners = {name: partner.id for name, partner in made.items()}
            self.kinds = {name: partner.kind for name, partner in made.items()}
            self.platform_start = balance_of(session, PLATFORM_CASH) or 0
        handles = {
            name: PartnerHandle(partner_id, self.kinds[name], name, "", "", "")
            for name, partner_id in self.partners.items()
        }
        self.customers = {
            "s1": ModelCustomer(make_customer(self.env, handles["S"]), "S"),
            "s2": ModelCustomer(make_customer(self.env, handles["S"]), "S"),
            "s_referral": ModelCustomer(
                make_customer(self.env, handles["S"], association_type=1), "S", referral=True
            ),
            "r1": ModelCustomer(make_customer(self.env, handles["R"]), "R"),
            "r2": ModelCustomer(make_customer(self.env, handles["R"]), "R"),
            "r_frozen": ModelCustomer(make_customer(self.env, handles["R"]), "R", frozen=True),
        }
        with session_scope(ctx.sessions) as session:
            session.execute(
                update(Customer)
                .where(Customer.id == self.customers["r_frozen"].id)
                .values(freeze_type="ACCOUNT")
            )
        self.cash = {name: 0 for name in self.partners}
        self.funded: dict[str, int | None] = {name: None for name in CUSTOMERS}
        self.topped_up = 0

    # --- helpers ----------------------------------------------------------------------------------

    @property
    def ctx(self) -> AppContext:
        return self.env.ctx

    def caller(self, name: str) -> Principal:
        return Principal(SubjectKind.PARTNER, self.partners[name], self.kinds[name], rate_key="model")

    def actor(self, actor: str) -> tuple[Principal, str | None, str]:
        """(caller, indirect_partner_id, acting partner name)."""
        if actor == "D-for-R":
            return self.caller("D"), self.partners["R"], "R"
        return self.caller(actor), None, actor

    def attempt(self, operation: Any) -> str | None:
        """Run in one transaction; the error code, or None on success."""
        try:
            with session_scope(self.ctx.sessions) as session:
                operation(session)
        except ApiError as exc:
            return exc.code
        return None

    def fund_refusal(self, acting: str, name: str, amount: int) -> str | None:
        customer = self.customers[name]
        if customer.owner != acting:
            return "CBC.99000035"
        if customer.referral:
            return "CBC.5021"
        if customer.frozen:
            return "CBC.8214"
        return "CBC.99005003" if self.cash[acting] < amount else None

    # --- rules ------------------------------------------------------------------------------------

    @rule(who=st.sampled_from(["D", "R", "S"]), amount=AMOUNTS)
    def top_up(self, who: str, amount: int) -> None:
        code = self.attempt(lambda s: topup(s, self.ctx, partner_id=self.partners[who], amount_minor=amount))
        assert code is None
        self.cash[who] += amount
        self.topped_up += amount

    @rule(actor=st.sampled_from(ACTORS), name=st.sampled_from(CUSTOMERS), amount=AMOUNTS)
    def fund(self, actor: str, name: str, amount: int) -> None:
        caller, indirect, acting = self.actor(actor)
        expected = self.fund_refusal(acting, name, amount)
        code = self.attempt(
            lambda s: fund_customer(
                s,
                self.ctx,
                caller,
                customer_id=self.customers[name].id,
                amount_minor=amount,
                indirect_partner_id=indirect,
            )
        )
        assert code == expected
        if expected is None:
            self.cash[acting] -= amount
            self.funded[name] = (self.funded[name] or 0) + amount

    @rule(actor=st.sampled_from(ACTORS), name=st.sampled_from(CUSTOMERS), amount=AMOUNTS)
    def reclaim(self, actor: str, name: str, amount: int) -> None:
        caller, indirect, acting = self.actor(actor)
        customer, held = self.customers[name], self.funded[name]
        expected = (
            "CBC.99000035"
            if customer.owner != acting
            else "CBC.5021"
            if customer.referral
            else "CBC.99000047"
            if held is None
            else "CBC.99005003"
            if held < amount
            else None
        )
        code = self.attempt(
            lambda s: reclaim_customer(
                s,
                self.ctx,
                caller,
                customer_id=customer.id,
                amount_minor=amount,
                indirect_partner_id=indirect,
            )
        )
        assert code == expected
        if expected is None and held is not None:
            self.funded[name] = held - amount
            self.cash[acting] += amount

    @rule(who=st.sampled_from(["D", "S"]), amount=AMOUNTS, back=st.booleans())
    def reseller_money(self, who: str, amount: int, back: bool) -> None:
        payer, payee = ("R", "D") if back else ("D", "R")
        operation = reclaim_reseller if back else fund_reseller
        expected = "CBC.0151" if who != "D" else "CBC.99005003" if self.cash[payer] < amount else None
        code = self.attempt(
            lambda s: operation(
                s, self.ctx, self.caller(who), reseller_id=self.partners["R"], amount_minor=amount
            )
        )
        assert code == expected
        if expected is None:
            self.cash[payer] -= amount
            self.cash[payee] += amount

    @rule(
        actor=st.sampled_from(["S", "D-for-R"]),
        items=st.lists(
            st.tuples(st.sampled_from(CUSTOMERS), AMOUNTS),
            min_size=1,
            max_size=4,
            unique_by=lambda item: item[0],
        ),
        atomic=st.booleans(),
        dry_run=st.booleans(),
    )
    def batch(self, actor: str, items: list[tuple[str, int]], atomic: bool, dry_run: bool) -> None:
        caller, indirect, acting = self.actor(actor)
        cash, funded = self.cash[acting], dict(self.funded)
        checked = {name: self.fund_refusal(acting, name, 0) for name, _ in items}
        for name, code in checked.items():  # the batch opens every payee's account before paying
            if code is None and funded[name] is None:
                funded[name] = 0
        first_error = None
        for name, amount in items:
            code = checked[name] or ("CBC.99005003" if cash < amount else None)
            if code is None:
                cash -= amount
                funded[name] = (funded[name] or 0) + amount
            elif first_error is None:
                first_error = code
        batch_items = [BatchItem(self.customers[name].id, Decimal(to_text(amount))) for name, amount in items]
        code = self.attempt(
            lambda s: batch_fund(
                s,
                self.ctx,
                caller,
                items=batch_items,
                atomic=atomic,
                dry_run=dry_run,
                funding_type="cash",
                indirect_partner_id=indirect,
                idempotency_key=None,
            )
        )
        assert code == (first_error if atomic else None)
        if code is None and not dry_run:
            self.cash[acting], self.funded = cash, funded

    # --- invariants -------------------------------------------------------------------------------

    @invariant()
    def balances_match_the_model(self) -> None:
        with session_scope(self.ctx.sessions) as session:
            for name, partner_id in self.partners.items():
                assert (balance_of(session, partner_cash(partner_id)) or 0) == self.cash[name], name
            for name, customer in self.customers.items():
                assert balance_of(session, customer_funded(customer.id)) == self.funded[name], name
            assert (balance_of(session, PLATFORM_CASH) or 0) == self.platform_start - self.topped_up
            report = verify_ledger(session)
        assert report.ok, report.problems


def test_random_money_operations_keep_every_balance_and_the_books(env: Env) -> None:
    FundingMachine.env = env
    run_state_machine_as_test(
        FundingMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
