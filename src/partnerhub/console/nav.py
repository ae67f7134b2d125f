"""The console's navigation: one entry per page group, shown to the partners it is for.

A later page group (associations, resellers, invitations) is one more ``NavItem`` here plus its route
module in ``console/routes/`` — nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from partnerhub.console.web import ConsoleUser


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated when the page is rendered."""
    return message


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    distributors_only: bool = False
    needs_outbox: bool = False


NAV: tuple[NavItem, ...] = (
    NavItem("/console/", N_("Dashboard")),
    NavItem("/console/customers", N_("Customers")),
    NavItem("/console/vouchers", N_("Vouchers")),
    NavItem("/console/quotas", N_("Voucher quotas")),
    NavItem("/console/records", N_("Records")),
    NavItem("/console/settings", N_("Settings")),
    NavItem("/console/dev/outbox", N_("Outbox"), needs_outbox=True),
)


def nav_for(user: ConsoleUser | None, *, outbox_on: bool) -> list[NavItem]:
    if user is None:
        return []
    return [
        item
        for item in NAV
        if (not item.distributors_only or user.is_distributor) and (not item.needs_outbox or outbox_on)
    ]
