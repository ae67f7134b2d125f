"""Voucher test fixtures: the CLI on the test clock, and the ledger verified after every scenario."""

from tests.quotas.helpers import books_balance_after_each_scenario, cli

__all__ = ["books_balance_after_each_scenario", "cli"]
