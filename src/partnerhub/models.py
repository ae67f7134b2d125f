"""Every table, imported in one place for Alembic and for relationship resolution."""

from partnerhub.associations.models import AssociationInvitation, AssociationRecord, AssociationRequest
from partnerhub.audit.models import AuditEvent, AuditHead
from partnerhub.auth.models import AuthToken, LoginThrottle
from partnerhub.console.models import ConsoleSession
from partnerhub.coupons.models import Coupon, CouponRecord
from partnerhub.customers.models import Association, AssociationCount, Customer, CustomerFreezeEvent
from partnerhub.db.base import Base
from partnerhub.idempotency.models import IdempotencyRecord
from partnerhub.invitations.models import ResellerInvitation
from partnerhub.kit.day_counts import ListDayCount
from partnerhub.ledger.models import LedgerAccount, LedgerTransfer
from partnerhub.notifications.models import Notification
from partnerhub.ops.models import RateLimitWindow
from partnerhub.partners.models import AccessKey, Partner
from partnerhub.quotas.models import CouponQuota, CouponQuotaRecord
from partnerhub.realname.models import RealnameApplication
from partnerhub.verification.models import OutboxMessage, VerificationCode

__all__ = [
    "AccessKey",
    "Association",
    "AssociationCount",
    "AssociationInvitation",
    "AssociationRecord",
    "AssociationRequest",
    "AuditEvent",
    "AuditHead",
    "AuthToken",
    "Base",
    "ConsoleSession",
    "Coupon",
    "CouponQuota",
    "CouponQuotaRecord",
    "CouponRecord",
    "Customer",
    "CustomerFreezeEvent",
    "IdempotencyRecord",
    "LedgerAccount",
    "LedgerTransfer",
    "ListDayCount",
    "LoginThrottle",
    "Notification",
    "OutboxMessage",
    "Partner",
    "RateLimitWindow",
    "RealnameApplication",
    "ResellerInvitation",
    "VerificationCode",
]
