"""``partnerhub demo``: a small partner hierarchy to click through, or many customers for load tests.

The distributor gets 100,000.00 of cash and a 50,000.00 voucher quota, each reseller 10,000.00 of cash. Each
customer carries its partner's platform id (``xaccount_type``), as one created through the API would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from partnerhub.context import AppContext
from partnerhub.customers.repository import CustomerRepository
from partnerhub.funding.service import topup
from partnerhub.kit.ids import new_id
from partnerhub.kit.passwords import hash_password
from partnerhub.partners.models import Partner, PartnerKind
from partnerhub.partners.repository import PartnerRepository
from partnerhub.partners.service import IssuedKey, create_partner, issue_key
from partnerhub.quotas.listing import list_quotas
from partnerhub.quotas.schemas import ListQuotaCouponsRequest
from partnerhub.quotas.service import QuotaGrant, grant_quota

DEMO_DISTRIBUTOR = "demo-distributor"
DEMO_PASSWORD = "Demo@partnerhub1"  # noqa: S105 - printed for the demo on purpose
RESALE = 2


@dataclass
class DemoResult:
    created: bool
    logins: list[dict[str, str]] = field(default_factory=list)
    """kind, login, partner_id, xaccount_type (the platform id), and the password on the first run."""
    keys: list[IssuedKey] = field(default_factory=list)
    customers: int = 0
    quota_id: str | None = None
    """The distributor's voucher quota."""


def _login(partner: Partner) -> dict[str, str]:
    return {
        "kind": partner.kind,
        "login": partner.account_name,
        "partner_id": partner.id,
        "xaccount_type": partner.xaccount_type,
    }


def seed_demo(
    session: Session, ctx: AppContext, *, customers: int, progress: Callable[[int], None] | None = None
) -> DemoResult:
    """Seed once: a distributor, two resellers and customers. A second run changes nothing."""
    partners = PartnerRepository(session)
    existing = partners.by_account_name(DEMO_DISTRIBUTOR)
    if existing is not None:
        logins = [_login(p) for p in partners.list_all() if p.account_name.startswith("demo-")]
        quotas = list_quotas(session, ctx.clock.now(), existing.id, ListQuotaCouponsRequest(limit=1))[
            "quotas"
        ]
        return DemoResult(created=False, logins=logins, quota_id=quotas[0]["quota_id"] if quotas else None)
    result = DemoResult(created=True)
    distributor = create_partner(
        session,
        ctx.clock,
        kind=PartnerKind.DISTRIBUTOR,
        name="Demo Distributor",
        account_name=DEMO_DISTRIBUTOR,
        mobile="13800000001",
        email="distributor@example.com",
        password=DEMO_PASSWORD,
    )
    owners = [distributor]
    for index in (1, 2):
        owners.append(
            create_partner(
                session,
                ctx.clock,
                kind=PartnerKind.RESELLER,
                name=f"Demo Reseller {index}",
                account_name=f"demo-reseller-{index}",
                parent_id=distributor.id,
                mobile=f"1380000000{index + 1}",
                email=f"reseller{index}@example.com",
                password=DEMO_PASSWORD,
            )
        )
    now = ctx.clock.now()
    # Money to click through: cash for every partner, a voucher quota for the distributor.
    for partner, cash_yuan in zip(owners, (100_000, 10_000, 10_000), strict=True):
        topup(session, ctx, partner_id=partner.id, amount_minor=cash_yuan * 100)
    quota = grant_quota(
        session,
        now,
        QuotaGrant(
            partner_id=distributor.id,
            amount_minor=50_000 * 100,
            effective_time=now,
            expire_time=now + timedelta(days=365),
        ),
    )
    result.quota_id = quota.id
    for partner in owners:
        result.logins.append(_login(partner) | {"password": DEMO_PASSWORD})
        result.keys.append(issue_key(session, ctx.clock, ctx.master_key, partner.id))
    _bulk_customers(session, ctx, owners=owners, count=customers, progress=progress)
    result.customers = customers
    return result


def _bulk_customers(
    session: Session,
    ctx: AppContext,
    *,
    owners: list[Partner],
    count: int,
    progress: Callable[[int], None] | None,
) -> None:
    """Core inserts in batches: a million customers take seconds, not hours. The first few get a password.

    One customer joined per second up to now, the last one newest, so the association-time filters and the
    list's order see a spread of moments, as a real partner's customers would have.
    """
    now = ctx.clock.now()
    password_hash = hash_password(DEMO_PASSWORD)
    batch = 20_000
    for start in range(0, count, batch):
        customer_rows: list[dict[str, object]] = []
        association_rows: list[dict[str, object]] = []
        for number in range(start, min(start + batch, count)):
            customer_id = new_id()
            owner = owners[number % len(owners)]
            joined = now - timedelta(seconds=count - 1 - number)
            name = f"demo-customer-{number + 1:07d}"
            customer_rows.append(
                {
                    "id": customer_id,
                    "domain_name": name,
                    "domain_name_key": name,
                    "mobile_country": None,
                    "mobile": None,
                    "email": None,
                    "email_key": None,
                    "password_hash": password_hash if number < 3 else None,
                    "xaccount_id": f"demo-{number + 1}",
                    "xaccount_type": owner.xaccount_type,
                    "owner_partner_id": owner.id,
                    "customer_type": -1,
                    "verified_status": -1,
                    "real_name": None,
                    "freeze_type": None,
                    "label": "demo",
                    "customer_level": "V0",
                    "close_marketing": False,
                    "created_at": joined,
                }
            )
            association_rows.append(
                {
                    "id": new_id(),
                    "customer_id": customer_id,
                    "partner_id": owner.id,
                    "association_type": RESALE,
                    "associated_on": joined,
                    "ended_on": None,
                    "active_customer_id": customer_id,
                }
            )
        CustomerRepository(session).bulk_insert(customer_rows, association_rows)
        if progress:
            progress(len(customer_rows))
