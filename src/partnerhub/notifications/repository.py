"""Queries on notifications, always scoped to one recipient."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from partnerhub.notifications.models import Notification


class NotificationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, notification: Notification) -> None:
        self.session.add(notification)
        self.session.flush()

    def get_for(self, kind: str, recipient_id: str, notification_id: str) -> Notification | None:
        return self.session.scalars(
            select(Notification).where(
                Notification.notification_id == notification_id,
                Notification.recipient_kind == kind,
                Notification.recipient_id == recipient_id,
            )
        ).one_or_none()

    def search(
        self, kind: str, recipient_id: str, *, unread_only: bool, offset: int, limit: int
    ) -> tuple[int, Sequence[Notification]]:
        conditions: list[ColumnElement[bool]] = [
            Notification.recipient_kind == kind,
            Notification.recipient_id == recipient_id,
        ]
        if unread_only:
            conditions.append(Notification.is_read.is_(False))
        total = int(
            self.session.scalar(select(func.count()).select_from(Notification).where(*conditions)) or 0
        )
        rows = self.session.scalars(
            select(Notification)
            .where(*conditions)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        return total, rows
