"""Who decides whether a real-name claim is true: a pluggable verifier, chosen by settings.

A production deployment plugs in an adapter to its identity / bank-card verification provider (implement
``RealnameVerifier`` and register it in ``VERIFIERS``). The built-in ``deterministic`` verifier makes no
outside call and behaves predictably, for development, demos and tests:

* a bank-card claim (``identify_type`` 4) is approved at once — unless the name is ``测试不符`` or
  ``Test Mismatch`` (refused with ``CBC.99007255``, cardholder data or mobile incorrect) or ``测试失败`` /
  ``Test Failure`` (refused with ``CBC.99007202``, verification failed);
* an ID-document claim (``identify_type`` 0) always goes to manual review (``is_review`` = 1) and waits for
  an operator (``partnerhub realname review``) — unless the name is ``测试失败`` / ``Test Failure``
  (refused with ``CBC.99007202``).

Verifiers see the claim in clear (they must); they must not log it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from partnerhub.config import Settings

IDENTIFY_DOCUMENTS = 0
IDENTIFY_BANK_CARD = 4


@dataclass(frozen=True)
class Claim:
    identify_type: int
    verified_type: int | None
    name: str
    verified_number: str
    bank_account: str | None
    mobile: str | None
    attachment_count: int


class Outcome(Enum):
    APPROVED = "approved"
    NEEDS_REVIEW = "needs_review"


class Refused(Exception):
    """The claim is false. ``code`` is the CBC code the API answers (e.g. CBC.99007255)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class RealnameVerifier(Protocol):
    def verify(self, claim: Claim) -> Outcome:
        """Approve, send to manual review, or raise ``Refused``."""
        ...


FAILING_NAMES = frozenset({"测试失败", "Test Failure"})
MISMATCHED_NAMES = frozenset({"测试不符", "Test Mismatch"})


class DeterministicVerifier:
    def verify(self, claim: Claim) -> Outcome:
        if claim.name in FAILING_NAMES:
            raise Refused("CBC.99007202")
        if claim.identify_type == IDENTIFY_BANK_CARD:
            if claim.name in MISMATCHED_NAMES:
                raise Refused("CBC.99007255")
            return Outcome.APPROVED
        return Outcome.NEEDS_REVIEW


VERIFIERS: dict[str, Callable[[Settings], RealnameVerifier]] = {
    "deterministic": lambda _settings: DeterministicVerifier(),
}


def build_verifier(settings: Settings) -> RealnameVerifier:
    return VERIFIERS[settings.realname_verifier](settings)
