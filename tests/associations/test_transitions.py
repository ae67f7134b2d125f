"""The transition table: every allowed move, and every other (status, action, role) refused with its code."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from partnerhub.associations.models import AssociationRequest, RequestStatus
from partnerhub.associations.transitions import TRANSITIONS, Action, Role, next_status
from partnerhub.errors import ApiError

ALLOWED = {
    (RequestStatus.PENDING, Action.APPROVE, Role.DECIDER): RequestStatus.APPROVED,
    (RequestStatus.PENDING, Action.REJECT, Role.DECIDER): RequestStatus.REJECTED,
    (RequestStatus.PENDING, Action.CANCEL, Role.INITIATOR): RequestStatus.CANCELLED,
    (RequestStatus.PENDING, Action.EXPIRE, Role.SYSTEM): RequestStatus.EXPIRED,
}
EVERY_MOVE = list(itertools.product(RequestStatus, Action, Role))


@pytest.fixture(autouse=True)
def books_and_audit_verify_after_each_scenario() -> None:
    """Pure unit tests: no database, nothing to verify (overrides the package's fixture)."""


def test_the_table_is_exactly_the_allowed_moves() -> None:
    assert {
        (status, action, role): target for (status, action), (target, role) in TRANSITIONS.items()
    } == ALLOWED


@pytest.mark.parametrize(("status", "action", "role"), list(ALLOWED))
def test_allowed_moves(status: RequestStatus, action: Action, role: Role) -> None:
    assert next_status(status, action, role) is ALLOWED[(status, action, role)]


def _expected_refusal(status: RequestStatus, action: Action, role: Role) -> str:
    if status is not RequestStatus.PENDING:
        return "CBC.99100105"
    allowed = next(r for (s, a, r) in ALLOWED if s is status and a is action)
    return {Role.DECIDER: "CBC.99100106", Role.INITIATOR: "CBC.99100107", Role.SYSTEM: "CBC.0151"}[allowed]


@pytest.mark.parametrize(("status", "action", "role"), [move for move in EVERY_MOVE if move not in ALLOWED])
def test_every_other_move_is_refused(status: RequestStatus, action: Action, role: Role) -> None:
    with pytest.raises(ApiError) as raised:
        next_status(status, action, role)
    assert raised.value.code == _expected_refusal(status, action, role)


def test_the_refusals_name_the_rule() -> None:
    with pytest.raises(ApiError) as raised:
        next_status(RequestStatus.PENDING, Action.APPROVE, Role.INITIATOR)
    assert raised.value.code == "CBC.99100106"  # the initiator cannot decide its own request
    with pytest.raises(ApiError) as raised:
        next_status(RequestStatus.PENDING, Action.CANCEL, Role.DECIDER)
    assert raised.value.code == "CBC.99100107"  # only the initiator cancels
    with pytest.raises(ApiError) as raised:
        next_status(RequestStatus.APPROVED, Action.CANCEL, Role.INITIATOR)
    assert (raised.value.code, raised.value.params) == ("CBC.99100105", {"status": "approved"})


def test_a_pending_request_past_its_expiry_reads_as_expired_and_cannot_move() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    request = AssociationRequest(status="pending", expire_at=now + timedelta(days=10))
    assert request.status_at(now + timedelta(days=10) - timedelta(seconds=1)) is RequestStatus.PENDING
    assert request.status_at(now + timedelta(days=10)) is RequestStatus.EXPIRED
    with pytest.raises(ApiError) as raised:
        next_status(request.status_at(now + timedelta(days=10)), Action.APPROVE, Role.DECIDER)
    assert raised.value.code == "CBC.99100105"
