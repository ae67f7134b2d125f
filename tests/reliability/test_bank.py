"""The crash-and-retry bank, short form: two instances on PostgreSQL, one on SQLite, each SIGKILLed and
restarted during the load (``tests/reliability/bank.py``; ``python -m tests.reliability.bank --long N``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.conftest import _postgres_database
from tests.reliability.bank import BankReport, run_bank

SECONDS = float(os.environ.get("PARTNERHUB_BANK_SECONDS", "10"))


def _assert_clean(report: BankReport) -> None:
    sys.stdout.write(f"{report}\n")  # the numbers docs/reliability.md quotes (pytest -s shows them)
    assert not report.problems, report.problems
    assert report.kills >= (3 if report.instances == 1 else 4), "the killer must have struck, several times"
    assert report.total_ops > 0


def test_bank_on_sqlite_survives_sigkill(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'partnerhub.db'}"
    _assert_clean(run_bank(url, tmp_path, instances=1, seconds=SECONDS))


def test_bank_on_postgres_two_instances_survive_sigkill(tmp_path: Path) -> None:
    for url in _postgres_database():
        _assert_clean(run_bank(url, tmp_path, instances=2, seconds=SECONDS))
