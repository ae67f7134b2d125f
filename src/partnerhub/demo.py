"""``partnerhub demo``: a small partner hierarchy to click through, or many customers for load tests.

The distributor gets 100,000.00 of cash and a 50,000.00 voucher quota, each reseller 10,000.00 of cash. Each
customer carries its partner's platform id (``xaccount_type``), as one created through the API would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from partnerhub.context import AppContext
from partnerhub.funding.service import topup
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
    """Set-based inserts: the rows are numbered and built by the database (``INSERT … SELECT`` over a
    numbers table), so a million customers take seconds, not minutes. The first few get a password.

    Customer n (from 0) is ``demo-customer-{n+1:07d}``, the partner ``owners[n % len(owners)]``'s, with that
    partner's platform id; its association is active, resale, since it joined. One customer joined per
    second up to now, the last one newest, so the association-time filters and the list's order see a spread
    of moments, as a real partner's customers would have. The association-count triggers fire as for any
    insert.
    """
    if count <= 0:
        return
    dialect = session.get_bind().dialect.name
    sql = SeedSql(dialect)
    now = ctx.clock.now().astimezone(UTC)
    owner_of = _cycle("n", [owner.id for owner in owners], "owner")
    platform_of = _cycle("n", [owner.xaccount_type for owner in owners], "platform")
    params: dict[str, object] = {
        "count": count,
        "password_hash": hash_password(DEMO_PASSWORD),
        "close_marketing": False,
        **sql.moment_params(now),
        **{f"owner{i}": owner.id for i, owner in enumerate(owners)},
        **{f"platform{i}": owner.xaccount_type for i, owner in enumerate(owners)},
    }
    joined = sql.seconds_before_now("(:count - 1 - n)")
    session.execute(text(f"CREATE TEMPORARY TABLE demo_seed ({sql.numbers_columns})"))
    try:
        for start in range(0, count, _BATCH):
            stop = min(start + _BATCH, count)
            session.execute(text(sql.numbered(start, stop)))
            session.execute(
                text(
                    f"""
                    INSERT INTO customers (
                        id, domain_name, domain_name_key, mobile_country, mobile, email, email_key,
                        password_hash, xaccount_id, xaccount_type, owner_partner_id, customer_type,
                        verified_status, real_name, freeze_type, label, customer_level, close_marketing,
                        created_at
                    )
                    SELECT customer_id, {sql.login("n + 1")}, {sql.login("n + 1")}, NULL, NULL, NULL, NULL,
                        CASE WHEN n < 3 THEN :password_hash END, 'demo-' || CAST(n + 1 AS VARCHAR(20)),
                        {platform_of}, {owner_of}, -1, -1, NULL, NULL, 'demo', 'V0', :close_marketing,
                        {joined}
                    FROM demo_seed ORDER BY n
                    """  # noqa: S608 - SQL pieces and numbers only; the values are bind parameters
                ),
                params,
            )
            session.execute(
                text(
                    f"""
                    INSERT INTO associations (
                        id, customer_id, partner_id, association_type, associated_on, ended_on,
                        active_customer_id
                    )
                    SELECT association_id, customer_id, {owner_of}, {RESALE}, {joined}, NULL, customer_id
                    FROM demo_seed ORDER BY n
                    """  # noqa: S608 - SQL pieces and numbers only; the values are bind parameters
                ),
                params,
            )
            session.execute(text(sql.empty("demo_seed")))
            if progress:
                progress(stop - start)
    finally:
        session.execute(text("DROP TABLE demo_seed"))
    session.flush()


_BATCH = 100_000


def _cycle(number: str, values: list[str], name: str) -> str:
    """SQL for ``values[number % len(values)]`` with the values as bind parameters ``name0``, ``name1``…"""
    branches = " ".join(f"WHEN {i} THEN :{name}{i}" for i in range(len(values)))
    return f"(CASE {number} % {len(values)} {branches} END)"


class SeedSql:
    """The few pieces of seeding SQL that differ between SQLite and PostgreSQL."""

    def __init__(self, dialect: str) -> None:
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"partnerhub demo knows no {dialect} database")
        self.sqlite = dialect == "sqlite"
        self.numbers_columns = (
            "n BIGINT PRIMARY KEY, customer_id VARCHAR(32) NOT NULL, association_id VARCHAR(32) NOT NULL"
        )

    def numbered(self, start: int, stop: int) -> str:
        """Fill ``demo_seed`` with the numbers start..stop-1, each with two fresh ids."""
        select = f"SELECT n, {self.new_id()}, {self.new_id()} FROM "  # noqa: S608 - no values
        into = "INSERT INTO demo_seed (n, customer_id, association_id) "
        return self.numbers(start, stop) + into + select + "k"

    def numbers(self, start: int, stop: int) -> str:
        """A CTE ``k(n)`` of the integers start..stop-1, to prefix an ``INSERT … SELECT … FROM k``."""
        if self.sqlite:
            return (
                f"WITH RECURSIVE k(n) AS (SELECT {int(start)} UNION ALL SELECT n + 1 FROM k "  # noqa: S608
                f"WHERE n + 1 < {int(stop)}) "
            )
        return f"WITH k(n) AS (SELECT generate_series({int(start)}, {int(stop) - 1})) "

    def empty(self, table: str) -> str:
        """Empty a scratch table: PostgreSQL's DELETE would leave every row behind dead for the next scan."""
        return f"DELETE FROM {table}" if self.sqlite else f"TRUNCATE {table}"  # noqa: S608 - our own table names

    def new_id(self) -> str:
        """What ``new_id()`` returns (``uuid4().hex``): 32 lowercase hex, version 4, RFC 4122 variant."""
        if self.sqlite:
            return (
                "(lower(hex(randomblob(6))) || '4' || substr(lower(hex(randomblob(2))), 2) "
                "|| substr('89ab', (random() & 3) + 1, 1) || substr(lower(hex(randomblob(8))), 2))"
            )
        return "replace(CAST(gen_random_uuid() AS VARCHAR(36)), '-', '')"

    def login(self, number: str) -> str:
        """``f"demo-customer-{number:07d}"``."""
        if self.sqlite:
            return f"printf('demo-customer-%07d', {number})"
        digits = f"CAST({number} AS VARCHAR(20))"
        padded = f"CASE WHEN {number} < 10000000 THEN lpad({digits}, 7, '0') ELSE {digits} END"
        return f"('demo-customer-' || {padded})"

    def moment_params(self, now: datetime) -> dict[str, object]:
        if self.sqlite:
            whole = now.replace(microsecond=0)
            return {
                "now_epoch": int((whole - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()),
                "now_fraction": f".{now.microsecond:06d}",
            }
        return {"now": now}

    def seconds_before_now(self, seconds: str) -> str:
        """A UTC moment ``seconds`` whole seconds before ``now``, as the column type stores it (SQLAlchemy's
        SQLite DATETIME text ``YYYY-MM-DD HH:MM:SS.ffffff``; a PostgreSQL timestamptz)."""
        if self.sqlite:
            return f"(strftime('%Y-%m-%d %H:%M:%S', :now_epoch - {seconds}, 'unixepoch') || :now_fraction)"
        return f"(CAST(:now AS TIMESTAMP WITH TIME ZONE) - {seconds} * INTERVAL '1 second')"
