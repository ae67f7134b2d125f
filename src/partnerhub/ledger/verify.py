"""``partnerhub ledger verify``: recompute every balance from the transfers and check the invariants."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.ledger.repository import LedgerRepository


@dataclass
class LedgerReport:
    accounts: int = 0
    transfers: int = 0
    asset_sums: dict[str, int] = field(default_factory=dict)
    """Per asset, the sum of all balances in minor units; zero when the books balance."""
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "accounts": self.accounts,
            "transfers": self.transfers,
            "asset_sums_minor": self.asset_sums,
            "problems": self.problems,
        }


def verify_ledger(session: Session) -> LedgerReport:
    """Each asset's balances sum to zero; each cached balance equals credits minus debits; no account that
    may not go negative is negative; each transfer's asset matches both of its accounts."""
    ledger = LedgerRepository(session)
    report = LedgerReport(transfers=ledger.transfer_count())
    debits, credits = ledger.debit_totals(), ledger.credit_totals()
    accounts = ledger.all_accounts()
    report.accounts = len(accounts)
    known = set()
    for account in accounts:
        known.add(account.id)
        report.asset_sums[account.asset] = report.asset_sums.get(account.asset, 0) + account.balance_minor
        expected = credits.get(account.id, 0) - debits.get(account.id, 0)
        label = f"{account.owner_kind}:{account.owner_id}:{account.purpose}:{account.asset}"
        if account.balance_minor != expected:
            report.problems.append(
                {
                    "problem": "cached balance differs from its transfers",
                    "account": label,
                    "cached_minor": account.balance_minor,
                    "from_transfers_minor": expected,
                }
            )
        if account.balance_minor < 0 and not account.may_go_negative:
            report.problems.append(
                {"problem": "negative balance", "account": label, "cached_minor": account.balance_minor}
            )
    for asset, total in sorted(report.asset_sums.items()):
        if total != 0:
            report.problems.append(
                {"problem": "balances do not sum to zero", "asset": asset, "sum_minor": total}
            )
    orphans = (set(debits) | set(credits)) - known
    if orphans:
        report.problems.append(
            {"problem": "transfers reference missing accounts", "accounts": sorted(orphans)}
        )
    mixed = ledger.transfers_with_foreign_asset()
    if mixed:
        report.problems.append(
            {"problem": "transfers whose asset differs from their accounts", "count": mixed}
        )
    return report
