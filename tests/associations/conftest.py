"""Association test fixtures: the operator CLI on the test clock, and after every scenario
``partnerhub ledger verify`` and ``partnerhub audit verify`` — run through the CLI — must pass."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.quotas.helpers import cli
from tests.support import Env

__all__ = ["books_and_audit_verify_after_each_scenario", "cli"]


@pytest.fixture(autouse=True)
def books_and_audit_verify_after_each_scenario(
    env: Env, cli: Callable[..., tuple[int, str]]
) -> Iterator[None]:
    yield
    code, output = cli("ledger", "verify")
    assert code == 0 and output.startswith("ok"), output
    code, output = cli("audit", "verify")
    assert code == 0, output
