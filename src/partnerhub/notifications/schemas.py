"""Wire models of the notification operations."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WireModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class NotificationView(WireModel):
    notification_id: str
    event: str = Field(
        description="`association_request.created` | `.approved` | `.rejected` | `.expired` | `.cancelled` | "
        "`association_invitation.accepted`."
    )
    title: str = Field(description="In the language of `X-Language`.")
    content: str
    request_id: str | None = None
    customer_id: str | None = None
    is_read: bool
    create_time: str
    read_time: str | None = None


class NotificationList(WireModel):
    total_count: int
    notifications: list[NotificationView]
