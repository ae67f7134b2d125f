"""The words of each notification, in zh-cn and en-us, from its event and parameters.

``title`` and ``content`` are what the recipient reads in the app; ``message`` is the SMS / e-mail text. The
message never carries the other side's free-text reason (whatever a partner types would otherwise reach a
customer's phone under the platform's name).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Event(StrEnum):
    REQUEST_CREATED = "association_request.created"
    """To the side that decides."""
    REQUEST_APPROVED = "association_request.approved"
    """To the initiator."""
    REQUEST_REJECTED = "association_request.rejected"
    """To the initiator."""
    REQUEST_EXPIRED = "association_request.expired"
    """To the initiator."""
    REQUEST_CANCELLED = "association_request.cancelled"
    """To the side that would have decided."""
    INVITATION_ACCEPTED = "association_invitation.accepted"
    """To the inviting partner."""


@dataclass(frozen=True)
class Text:
    title: str
    content: str
    message: str


_TYPE_NAMES = {1: ("顾问销售", "referral"), 2: ("代售", "resale")}

_TITLES: dict[Event, tuple[str, str]] = {
    Event.REQUEST_CREATED: ("新的关联申请待处理", "An association request awaits your decision"),
    Event.REQUEST_APPROVED: ("关联申请已同意", "Association request approved"),
    Event.REQUEST_REJECTED: ("关联申请已拒绝", "Association request rejected"),
    Event.REQUEST_EXPIRED: ("关联申请已过期", "Association request expired"),
    Event.REQUEST_CANCELLED: ("关联申请已撤销", "Association request cancelled"),
    Event.INVITATION_ACCEPTED: ("关联邀请已接受", "Association invitation accepted"),
}


def _action(params: Mapping[str, Any], english: bool) -> str:
    if params.get("request_type") == "switch_type":
        zh, en = _TYPE_NAMES.get(int(params.get("target_association_type") or 0), ("?", "?"))
        return f"switch the association type to {en}" if english else f"将关联类型切换为{zh}"
    return "disassociate" if english else "解除关联"


def render(event: Event, params: Mapping[str, Any], language: str) -> Text:
    """``params``: ``counterparty`` (the other side's name), ``request_type``, ``target_association_type``,
    ``reason``, ``decision_reason``, ``expire_time``, ``association_type``."""
    english = language == "en-us"
    other = str(params.get("counterparty") or "")
    action = _action(params, english)
    title = _TITLES[event][1 if english else 0]
    if event is Event.REQUEST_CREATED:
        until = params.get("expire_time", "")
        if english:
            summary = f"{other} requests to {action}. Approve or reject it before {until}."
        else:
            summary = f"{other}申请{action}，请在{until}前同意或拒绝。"
        reason = params.get("reason")
    elif event is Event.INVITATION_ACCEPTED:
        zh, en = _TYPE_NAMES.get(int(params.get("association_type") or 0), ("?", "?"))
        summary = (
            f"{other} accepted your invitation and is now associated with you ({en})."
            if english
            else f"{other}已接受您的关联邀请，关联类型：{zh}。"
        )
        reason = None
    else:
        summary = _outcome(event, other, action, english)
        reason = params.get("decision_reason") if event is not Event.REQUEST_CANCELLED else None
    content = summary
    if reason:
        content += f" Reason: {reason}" if english else f"原因：{reason}"
    return Text(
        title=title, content=content, message=f"{title}: {summary}" if english else f"{title}：{summary}"
    )


def _outcome(event: Event, other: str, action: str, english: bool) -> str:
    if english:
        return {
            Event.REQUEST_APPROVED: f"{other} approved the request to {action}.",
            Event.REQUEST_REJECTED: f"{other} rejected the request to {action}.",
            Event.REQUEST_EXPIRED: f"The request to {action} with {other} expired without a decision.",
            Event.REQUEST_CANCELLED: f"{other} cancelled the request to {action}.",
        }[event]
    return {
        Event.REQUEST_APPROVED: f"{other}已同意{action}的申请。",
        Event.REQUEST_REJECTED: f"{other}已拒绝{action}的申请。",
        Event.REQUEST_EXPIRED: f"与{other}{action}的申请已过期，未被处理。",
        Event.REQUEST_CANCELLED: f"{other}已撤销{action}的申请。",
    }[event]
