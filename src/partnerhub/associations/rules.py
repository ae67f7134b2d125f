"""The request's own fields, and who is acting.

Refusals of the fields themselves are ``CBC.0100`` naming the field, except a switch target outside 1 and 2,
which is the switch rule's own ``CBC.99100104`` (as is a switch to the current type, checked by the service).
"""

from __future__ import annotations

from dataclasses import dataclass

from partnerhub.associations.models import Initiator, RequestType
from partnerhub.customers.models import AssociationType
from partnerhub.errors import ApiError, invalid
from partnerhub.kit import params

MAX_REASON = 256
SWITCH_TARGETS = (int(AssociationType.REFERRAL), int(AssociationType.RESALE))


@dataclass(frozen=True)
class Actor:
    """Who acts: a partner (``id`` = partner id) or a customer (``id`` = customer id)."""

    side: Initiator
    id: str
    ip: str | None = None

    @property
    def label(self) -> str:
        """How ledger rows, audit events and decisions name the actor."""
        return f"{self.side.value}:{self.id}"


@dataclass(frozen=True)
class RequestDraft:
    customer_id: str
    request_type: RequestType
    target_association_type: int | None
    reason: str


def reason_text(value: str | None, field: str = "reason", *, required: bool) -> str | None:
    """1–256 characters, not only blanks; absent/null allowed only when not required (then None)."""
    if value is None or value == "":
        if required:
            raise invalid(field, "required, 1 to {maximum} characters", maximum=MAX_REASON)
        return None
    if not value.strip():
        raise invalid(field, "must not be blank")
    if len(value) > MAX_REASON:
        raise invalid(field, "at most {maximum} characters", maximum=MAX_REASON)
    return value


def partner_draft(
    customer_id: str | None, request_type: str | None, target: int | None, reason: str | None
) -> RequestDraft:
    kind = _request_type(request_type, (RequestType.DISASSOCIATE, RequestType.SWITCH_TYPE))
    if kind is RequestType.SWITCH_TYPE:
        if target is None:
            raise invalid("target_association_type", "required for switch_type: 1 (referral) or 2 (resale)")
        if target not in SWITCH_TARGETS:
            raise ApiError("CBC.99100104", field="target_association_type")
    elif target is not None:
        raise invalid("target_association_type", "only with request_type switch_type")
    text = reason_text(reason, required=True)
    assert text is not None
    return RequestDraft(params.required_id(customer_id, "customer_id"), kind, target, text)


def customer_draft(customer_id: str, request_type: str | None, reason: str | None) -> RequestDraft:
    """A customer may only ask to be disassociated (switching the type is the partner's offer)."""
    kind = _request_type(request_type, (RequestType.DISASSOCIATE,))
    text = reason_text(reason, required=True)
    assert text is not None
    return RequestDraft(customer_id, kind, None, text)


def _request_type(value: str | None, allowed: tuple[RequestType, ...]) -> RequestType:
    names = " | ".join(kind.value for kind in allowed)
    if not value:
        raise invalid("request_type", "required: {choices}", choices=names)
    for kind in allowed:
        if value == kind.value:
            return kind
    raise invalid("request_type", "use {choices}", choices=names)
