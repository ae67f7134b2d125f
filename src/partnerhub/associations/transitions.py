"""The state machine of an association request, as one table.

``TRANSITIONS`` maps (current status, action) to (next status, the role allowed to take it). Every other move
is refused: an action on a request that is not pending answers ``CBC.99100105``; the right move by the wrong
side answers ``CBC.99100106`` (the initiator cannot decide its own request) or ``CBC.99100107`` (only the
initiator cancels). A pending request past its expiry is already ``expired`` to every reader (``status_at``),
so nothing but the expiry itself can move it.
"""

from __future__ import annotations

from enum import StrEnum

from partnerhub.associations.models import RequestStatus
from partnerhub.errors import ApiError


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    EXPIRE = "expire"


class Role(StrEnum):
    INITIATOR = "initiator"
    DECIDER = "decider"
    """The side that did not initiate."""
    SYSTEM = "system"
    """The expiry (``partnerhub expire``, or the next request for the same customer)."""


TRANSITIONS: dict[tuple[RequestStatus, Action], tuple[RequestStatus, Role]] = {
    (RequestStatus.PENDING, Action.APPROVE): (RequestStatus.APPROVED, Role.DECIDER),
    (RequestStatus.PENDING, Action.REJECT): (RequestStatus.REJECTED, Role.DECIDER),
    (RequestStatus.PENDING, Action.CANCEL): (RequestStatus.CANCELLED, Role.INITIATOR),
    (RequestStatus.PENDING, Action.EXPIRE): (RequestStatus.EXPIRED, Role.SYSTEM),
}

_WRONG_ROLE = {Role.DECIDER: "CBC.99100106", Role.INITIATOR: "CBC.99100107", Role.SYSTEM: "CBC.0151"}


def next_status(current: RequestStatus, action: Action, role: Role) -> RequestStatus:
    """The status ``action`` by ``role`` leads to from ``current``; ApiError when the table refuses it."""
    entry = TRANSITIONS.get((current, action))
    if entry is None:
        raise ApiError("CBC.99100105", detail="status {status}", params={"status": current.value})
    target, allowed = entry
    if role is not allowed:
        raise ApiError(_WRONG_ROLE[allowed])
    return target
