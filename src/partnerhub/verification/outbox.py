"""The outbox: a record of every code message, readable by operators (``partnerhub outbox list``).

Rows from the development ``outbox`` sender carry the recipient and the code in clear; rows from
production senders carry a masked recipient and a body with the code blanked out. Filtering by recipient
goes through a keyed hash, so it works for both kinds of row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from partnerhub.context import AppContext
from partnerhub.kit.masking import mask_email, mask_mobile
from partnerhub.kit.phones import normalize_cn_mobile
from partnerhub.verification.messages import masked
from partnerhub.verification.models import OutboxMessage
from partnerhub.verification.repository import OutboxRepository
from partnerhub.verification.senders import OutgoingMessage, Sender

RECIPIENT_PURPOSE = "outbox-recipient"


@dataclass(frozen=True)
class OutboxEntry:
    to: str
    channel: str
    scene: int
    sender: str
    language: str
    subject: str | None
    body: str
    code: str | None
    created_at: datetime


def recipient_key(ctx: AppContext, recipient: str) -> str:
    """A mobile in any accepted spelling, or an e-mail in any case, maps to one key."""
    text = recipient.strip()
    mobile = normalize_cn_mobile(text)
    return ctx.master_key.keyed_hash(RECIPIENT_PURPOSE, mobile if mobile else text.lower())


def record(
    session: Session, ctx: AppContext, message: OutgoingMessage, sender: Sender, now: datetime
) -> None:
    clear = sender.keeps_clear_copy
    shown = (
        message.to
        if clear
        else (mask_email(message.to) if message.channel == "email" else mask_mobile(message.to))
    )
    OutboxRepository(session).add(
        OutboxMessage(
            message_id=message.message_id,
            channel=message.channel,
            scene=message.scene,
            sender=sender.name,
            recipient=shown or "",
            recipient_hash=recipient_key(ctx, message.to),
            language=message.language,
            subject=message.subject,
            body=message.body if clear or not message.code else masked(message.body, message.code),
            code=message.code if clear and message.code else None,
            created_at=now,
        )
    )


def list_messages(
    session: Session, ctx: AppContext, *, to: str | None = None, limit: int | None = None
) -> list[OutboxEntry]:
    """Messages oldest first, optionally only those to one recipient."""
    rows = OutboxRepository(session).list(recipient_key(ctx, to) if to else None, limit)
    return [
        OutboxEntry(
            row.recipient,
            row.channel,
            row.scene,
            row.sender,
            row.language,
            row.subject,
            row.body,
            row.code,
            row.created_at,
        )
        for row in rows
    ]


def newest_code(session: Session, ctx: AppContext, to: str) -> str | None:
    """The code of the newest readable (outbox-sender) message to ``to``; None when there is none."""
    row = OutboxRepository(session).newest_with_code(recipient_key(ctx, to))
    return row.code if row else None
