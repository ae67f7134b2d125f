"""Naming ledger accounts, assets and transfer kinds; the readable transaction ids.

An account is identified by (owner kind, owner id, purpose, asset); its primary key is a UUIDv5 of that
tuple, so callers name accounts without looking them up and the id of an account that does not exist yet is
already known. Only platform accounts may go negative: the platform is where money enters and leaves.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cached_property

_NAMESPACE = uuid.UUID("5b0f6c1e-7a43-4f2b-9a53-3f0c8e2d9b71")


class Asset(StrEnum):
    """Cash and voucher value never mix: a transfer's two accounts always hold the same asset."""

    CNY = "CNY"
    CNY_VOUCHER = "CNY-VOUCHER"


class OwnerKind(StrEnum):
    PLATFORM = "platform"
    PARTNER = "partner"
    CUSTOMER = "customer"
    QUOTA = "quota"
    """A voucher quota (for the voucher work)."""
    COUPON = "coupon"
    """An issued coupon (for the voucher work)."""


class Purpose(StrEnum):
    CASH = "cash"
    """A partner's cash balance (account_type 1), or the platform's cash source."""
    PARTNER_FUNDED = "partner_funded"
    """A resale customer's partner-funded account (伙伴拨款账户)."""
    VOUCHER = "voucher"
    """The platform's voucher source, a quota's or a coupon's remaining value."""


class TransferKind(StrEnum):
    TOPUP = "topup"
    """Operator: platform cash → partner cash."""
    FUND_CUSTOMER = "fund_customer"
    """Partner cash → customer partner-funded account (拨款)."""
    RECLAIM_CUSTOMER = "reclaim_customer"
    """Customer partner-funded account → partner cash (回收)."""
    UNBIND_RECLAIM = "unbind_reclaim"
    """Customer → partner cash when an association ends or switches (解绑回收)."""
    FUND_RESELLER = "fund_reseller"
    """Distributor cash → reseller cash."""
    RECLAIM_RESELLER = "reclaim_reseller"
    """Reseller cash → distributor cash."""
    QUOTA_GRANT = "quota_grant"  # vouchers: platform:voucher → a partner's quota (operator CLI)
    QUOTA_ISSUE = "quota_issue"  # vouchers: distributor quota → a reseller's child quota
    QUOTA_RECLAIM = "quota_reclaim"  # vouchers: child quota remainder → its parent quota
    QUOTA_EXPIRE = "quota_expire"  # vouchers: expired quota remainder → platform:voucher
    COUPON_ISSUE = "coupon_issue"  # vouchers: quota → a customer's coupon
    COUPON_RECLAIM = "coupon_reclaim"  # vouchers: coupon remainder → the quota it came from
    COUPON_USE = "coupon_use"  # vouchers: coupon → platform:voucher when the customer spends it
    COUPON_EXPIRE = "coupon_expire"  # vouchers: expired coupon remainder → platform:voucher
    CUSTOMER_SPEND = "customer_spend"  # vouchers: customer partner-funded cash → platform:cash


@dataclass(frozen=True)
class AccountKey:
    owner_kind: OwnerKind
    owner_id: str
    purpose: Purpose
    asset: Asset

    @cached_property
    def id(self) -> str:
        name = f"{self.owner_kind.value}:{self.owner_id}:{self.purpose.value}:{self.asset.value}"
        return uuid.uuid5(_NAMESPACE, name).hex

    @property
    def may_go_negative(self) -> bool:
        return self.owner_kind is OwnerKind.PLATFORM

    def __str__(self) -> str:
        return f"{self.owner_kind.value}:{self.owner_id}:{self.purpose.value}"


PLATFORM_CASH = AccountKey(OwnerKind.PLATFORM, "platform", Purpose.CASH, Asset.CNY)
"""``platform:cash`` — where operator top-ups come from."""
PLATFORM_VOUCHER = AccountKey(OwnerKind.PLATFORM, "platform", Purpose.VOUCHER, Asset.CNY_VOUCHER)
"""``platform:voucher`` — where voucher quotas come from and used or expired voucher value returns to."""


def partner_cash(partner_id: str) -> AccountKey:
    return AccountKey(OwnerKind.PARTNER, partner_id, Purpose.CASH, Asset.CNY)


def customer_funded(customer_id: str) -> AccountKey:
    return AccountKey(OwnerKind.CUSTOMER, customer_id, Purpose.PARTNER_FUNDED, Asset.CNY)


def new_transaction_id(prefix: str, at: datetime) -> str:
    """``AD`` + UTC ``yymmddHHMMSS`` + 12 random hex digits, e.g. ``AD261129083301a3f09c2b17de``.

    Readable (the kind and the second it happened) and unique in practice (48 random bits per second);
    the ledger's unique constraint on ``transaction_id`` makes a collision fail loudly instead of merging.
    """
    return f"{prefix}{at.strftime('%y%m%d%H%M%S')}{secrets.token_hex(6)}"
