"""Notify a partner or a customer: one in-app notification, and — for the events that call for it — a
message through the configured sender to the recipient's mobile, else its e-mail.

Runs in the caller's transaction (never commits). The message is handed to the sender like a verification
code (``verification.senders``; recorded in the outbox with the recipient masked for production senders), but
a delivery failure does not undo the change being reported: it is logged and noted on the notification
(``message_status`` ``failed``). A recipient without any contact gets ``no_contact``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from partnerhub.context import AppContext
from partnerhub.errors import ApiError
from partnerhub.kit.clock import format_utc
from partnerhub.kit.ids import new_id
from partnerhub.notifications.messages import Event, render
from partnerhub.notifications.models import MessageStatus, Notification, RecipientKind
from partnerhub.notifications.repository import NotificationRepository
from partnerhub.verification import outbox
from partnerhub.verification.senders import DeliveryFailed, OutgoingMessage, sender_for
from partnerhub.verification.service import Scene

log = logging.getLogger("partnerhub.notifications")


@dataclass(frozen=True)
class Recipient:
    kind: RecipientKind
    id: str
    mobile: str | None
    email: str | None


def notify(
    session: Session,
    ctx: AppContext,
    *,
    recipient: Recipient,
    event: Event,
    params: Mapping[str, Any],
    request_id: str | None = None,
    customer_id: str | None = None,
    send_message: bool,
) -> Notification:
    now = ctx.clock.now()
    status = _deliver(session, ctx, recipient, event, params) if send_message else MessageStatus.NONE
    notification = Notification(
        notification_id=new_id(),
        recipient_kind=recipient.kind.value,
        recipient_id=recipient.id,
        event=event.value,
        params=json.dumps(dict(params), ensure_ascii=False, sort_keys=True),
        request_id=request_id,
        customer_id=customer_id,
        is_read=False,
        read_at=None,
        message_status=status.value,
        created_at=now,
    )
    NotificationRepository(session).add(notification)
    return notification


def _deliver(
    session: Session, ctx: AppContext, recipient: Recipient, event: Event, params: Mapping[str, Any]
) -> MessageStatus:
    if recipient.mobile:
        channel, target = "sms", recipient.mobile
    elif recipient.email:
        channel, target = "email", recipient.email
    else:
        return MessageStatus.NO_CONTACT
    language = ctx.settings.default_language
    text = render(event, params, language)
    brand = ctx.settings.code_message_brand
    message = OutgoingMessage(
        message_id=new_id(),
        channel=channel,
        scene=int(Scene.ASSOCIATION_NOTICE),
        to=target,
        language=language,
        subject=f"[{brand}] {text.title}" if language == "en-us" else f"【{brand}】{text.title}",
        body=f"[{brand}] {text.message}" if language == "en-us" else f"【{brand}】{text.message}",
    )
    sender = sender_for(ctx.settings, channel)
    try:
        sender.deliver(message)
    except DeliveryFailed as exc:
        log.warning(
            "notification message not delivered",
            extra={"sender": sender.name, "message_id": message.message_id, "reason": str(exc)},
        )
        return MessageStatus.FAILED
    outbox.record(session, ctx, message, sender, ctx.clock.now())
    log.info(
        "notification message sent",
        extra={
            "event": event.value,
            "channel": channel,
            "sender": sender.name,
            "message_id": message.message_id,
        },
    )
    return MessageStatus.SENT


def notifications_of(
    session: Session, kind: RecipientKind, recipient_id: str, *, unread_only: bool, offset: int, limit: int
) -> tuple[int, Sequence[Notification]]:
    """The recipient's notifications, newest first."""
    return NotificationRepository(session).search(
        kind.value, recipient_id, unread_only=unread_only, offset=offset, limit=limit
    )


def mark_read(
    session: Session, ctx: AppContext, kind: RecipientKind, recipient_id: str, notification_id: str
) -> Notification:
    """Mark one of the recipient's notifications read (again: no change); someone else's: CBC.99100114."""
    notification = NotificationRepository(session).get_for(kind.value, recipient_id, notification_id)
    if notification is None:
        raise ApiError("CBC.99100114")
    if not notification.is_read:
        notification.is_read = True
        notification.read_at = ctx.clock.now()
        session.flush()
    return notification


def notification_view(notification: Notification, language: str) -> dict[str, Any]:
    text = render(Event(notification.event), json.loads(notification.params), language)
    return {
        "notification_id": notification.notification_id,
        "event": notification.event,
        "title": text.title,
        "content": text.content,
        "request_id": notification.request_id,
        "customer_id": notification.customer_id,
        "is_read": notification.is_read,
        "create_time": format_utc(notification.created_at),
        "read_time": format_utc(notification.read_at) if notification.read_at else None,
    }
