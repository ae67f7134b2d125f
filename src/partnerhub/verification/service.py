"""Verification codes (DESIGN §4): the interface other modules call. Implementation in progress.

A code is 6 digits from ``secrets``; only its keyed hash is stored, bound to (scene, channel, target,
partner, customer). Single use; more than ``code_max_failed_checks`` failures invalidate it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from sqlalchemy.orm import Session

from partnerhub.context import AppContext


class Scene(IntEnum):
    BANK_CARD_REALNAME = 18
    REGISTRATION = 29
    BIND_MOBILE = 30
    STEP_UP = 31
    RESELLER_INVITATION = 32


@dataclass(frozen=True)
class CodeErrors:
    """Which CBC codes a caller's API reports for expired / too many failures / wrong code."""

    expired: str
    exhausted: str
    wrong: str


REGISTRATION_ERRORS = CodeErrors(expired="CBC.99004008", exhausted="CBC.99004009", wrong="CBC.99004010")
REALNAME_ERRORS = CodeErrors(expired="CBC.99000027", exhausted="CBC.99004009", wrong="CBC.99000026")


def send_code(
    session: Session,
    ctx: AppContext,
    *,
    scene: Scene,
    target: str,
    partner_id: str | None,
    customer_id: str | None = None,
    channel: str = "sms",
    lifetime_minutes: int | None = None,
    language: str = "zh-cn",
) -> None:
    """Create a code, enforce send limits (CBC.99004015) and hand the message to the sender."""
    raise NotImplementedError


def check_code(
    session: Session,
    ctx: AppContext,
    *,
    scene: Scene,
    target: str,
    partner_id: str | None,
    customer_id: str | None = None,
    code: str,
    errors: CodeErrors,
    channel: str = "sms",
) -> None:
    """Consume a matching live code, or raise ApiError(errors.*, keep_changes=True) recording the failure."""
    raise NotImplementedError
