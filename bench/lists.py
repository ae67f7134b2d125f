"""List latency at scale (issue 12): the customer list with each filter and deep pages, and the coupon,
coupon-record, association-record, reseller and account-change-record lists, at 10k / 100k / 1M rows, on
SQLite and PostgreSQL, with the server's peak memory while it lists.

For each backend and size: a scratch database (a temporary SQLite file, or a ``partnerhub_bench_*`` database
on ``--postgres-url``), ``partnerhub demo --customers N`` (customers spread round-robin over the distributor
and its two resellers, one association per second up to now), then ``--others`` rows (default: N) of
coupons, coupon records and association records, ``--resellers`` resellers (default: N) and ``--transfers``
fundings from the distributor's cash (default: N), all the distributor's, inserted set-based by this script
(``INSERT … SELECT`` over generated numbers); every seeded foreign key is checked and ``ledger verify`` must
pass. PostgreSQL gets ``VACUUM ANALYZE`` after seeding (what autovacuum does soon after a bulk load;
index-only scans need the visibility map). SQLite gets no ANALYZE: the plans must be right without
statistics, as in a fresh deployment. Then a real ``partnerhub serve --workers 1`` on 127.0.0.1 and one
sequential client sending SDK-signed requests as the distributor: each case ``--requests`` times (default 30)
after 3 warm-ups, fewer when a case runs past ``--budget`` seconds. Prints p50/p95/max in ms and the rows a
case matched (``total_count``), the seeding times and the server's peak RSS (all its processes, sampled from
/proc); ``--json`` prints them as JSON instead, with each case's p95 growth from the smallest size to the
largest. ``bench/run.py`` (``make bench``) runs it in-process and puts it in its one table.

    .venv/bin/python bench/lists.py [--sizes 10000,100000,1000000] [--backends sqlite,postgres]
        [--requests 20] [--budget 15] [--others N] [--resellers N] [--transfers N] [--json]

Everything it creates (scratch databases, temporary directories, the server process group) is removed at the
end. Loopback only. The client runs on the same machine as the server and the database.
"""

# ruff: noqa: S608 - the seeding SQL is built from constants and numbers; values are bind parameters

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import LIFTED_LIMITS, RssSampler  # the sibling benchmark's limits and RSS sampler
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from sqlalchemy import Connection, Engine, create_engine, func, insert, make_url, select, text

from funding import ledger_ok
from partnerhub.associations.models import AssociationRecord
from partnerhub.config import Settings
from partnerhub.coupons.models import Coupon, CouponOperation, CouponRecord, CouponStatus, coupon_account
from partnerhub.customers.models import Association
from partnerhub.demo import SeedSql
from partnerhub.ledger.accounts import Asset, OwnerKind, Purpose, TransferKind, customer_funded, partner_cash
from partnerhub.ledger.models import LedgerAccount, LedgerTransfer
from partnerhub.partners.models import Partner
from partnerhub.quotas.models import CouponQuota, QuotaType, quota_account

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_SIZES = "10000,100000,1000000"
CUSTOMERS = "/v2/partners/sub-customers/query"
CHANGES = "/v2/accounts/partner-accounts/account-change-records"
DEBIT = "BALANCE_TYPE_DEBIT"
BATCH = 100_000
CUSTOMER_SLOTS = 1000
COUPON_FACE = 1
"""Minor units per seeded coupon: 1M coupons fit the demo quota's 50,000.00."""
WARMUPS = 3
MIN_TIMED = 3


@dataclass
class Case:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    query: dict[str, str] | None = None


@dataclass
class Result:
    backend: str
    size: int
    case: str
    p50_ms: float
    p95_ms: float
    max_ms: float
    total_count: int | None
    failures: int
    requests: int
    """Timed requests (fewer than asked when the case ran out of its time budget)."""


@dataclass
class Run:
    backend: str
    size: int
    seed_seconds: float
    seeding: dict[str, float]
    """Seconds per part: the demo command, each bulk insert, VACUUM ANALYZE."""
    ledger_verify_ok: bool
    peak_rss_mib: float
    """The server's peak resident memory (all its processes) while it answered the cases."""
    results: list[Result]


@dataclass
class Demo:
    access_key: str
    secret_key: str
    distributor_id: str
    reseller_id: str
    quota_id: str


def cli_command() -> list[str]:
    cli = Path(sys.executable).with_name("partnerhub")
    return [str(cli)] if cli.exists() else [sys.executable, "-m", "partnerhub.cli"]


def seed_demo(env: dict[str, str], size: int) -> Demo:
    output = subprocess.run(
        [*cli_command(), "demo", "--customers", str(size), "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    data = json.loads(output)
    distributor = next(login for login in data["logins"] if login["kind"] == "distributor")
    reseller = next(login for login in data["logins"] if login["kind"] == "reseller")
    key = next(k for k in data["keys"] if k["partner_id"] == distributor["partner_id"])
    return Demo(
        key["access_key"],
        key["secret_key"],
        distributor["partner_id"],
        reseller["partner_id"],
        data["quota_id"],
    )


def seed_others(engine: Engine, demo: Demo, others: int, resellers: int, transfers: int) -> dict[str, float]:
    """Bulk rows for the other lists, all the distributor's, set-based (``INSERT … SELECT`` over numbers the
    database generates, ids as ``new_id()`` makes them). Returns the seconds each part took."""
    sql = SeedSql(engine.dialect.name)
    now = datetime.now(UTC).replace(microsecond=0)
    timings: dict[str, float] = {}
    with engine.begin() as connection:
        # This engine has none of the app's connection settings, so SQLite's foreign keys are off here; every
        # reference is checked in one pass per foreign key afterwards (check_references). PostgreSQL keeps
        # every trigger on: the day counts of coupons, records and resellers (migration 0012) are triggers,
        # and skipping them (session_replication_role = replica) left those counts at 0.
        customers = list(
            connection.scalars(
                select(Association.customer_id)
                .where(Association.partner_id == demo.distributor_id, Association.association_type == 2)
                .order_by(Association.customer_id)
                .limit(CUSTOMER_SLOTS)
            )
        )
        connection.execute(
            text("CREATE TEMPORARY TABLE bench_customers (slot INTEGER PRIMARY KEY, customer_id VARCHAR(32))")
        )
        connection.execute(
            text("INSERT INTO bench_customers (slot, customer_id) VALUES (:slot, :customer_id)"),
            [{"slot": slot, "customer_id": customer} for slot, customer in enumerate(customers)],
        )
        started = time.monotonic()
        _seed_coupons(connection, sql, demo, others, len(customers))
        timings["coupons (with their ledger accounts, transfers, records)"] = time.monotonic() - started
        started = time.monotonic()
        _seed_association_records(connection, sql, demo, now, others, len(customers))
        timings["association records"] = time.monotonic() - started
        started = time.monotonic()
        _seed_resellers(connection, sql, demo, now, resellers)
        timings["resellers"] = time.monotonic() - started
        started = time.monotonic()
        _seed_transfers(connection, sql, demo, customers, transfers)
        timings["ledger transfers"] = time.monotonic() - started
        connection.execute(text("DROP TABLE bench_customers"))
    started = time.monotonic()
    with engine.begin() as connection:
        check_references(connection)
    timings["foreign-key check"] = time.monotonic() - started
    return timings


SEEDED_TABLES = (Coupon, CouponRecord, AssociationRecord, Partner, LedgerAccount, LedgerTransfer)


def check_references(connection: Connection) -> None:
    """Every foreign key of the tables seeded in bulk points at an existing row (one anti-join per key)."""
    for model in SEEDED_TABLES:
        table = model.__table__
        for key in table.foreign_keys:
            child, parent = key.parent, key.column
            target = parent.table.alias("target")
            dangling = connection.scalar(
                select(func.count())
                .select_from(table.outerjoin(target, child == target.c[parent.name]))
                .where(child.is_not(None), target.c[parent.name].is_(None))
            )
            if dangling:
                raise RuntimeError(f"{dangling} rows of {table.name}.{child.name} point at no {parent}")


def _micro_moment(sql: SeedSql, offset: str) -> tuple[str, str]:
    """SQL for the moment ``offset`` microseconds after the bind parameter ``first`` (``first_us`` on SQLite:
    microseconds since the epoch) as the column stores it, and its UTC ``yymmddHHMMSS`` (transaction ids)."""
    if sql.sqlite:
        seconds = f"((:first_us + {offset}) / 1000000)"
        at = (
            f"(strftime('%Y-%m-%d %H:%M:%S', {seconds}, 'unixepoch') || "
            f"printf('.%06d', (:first_us + {offset}) % 1000000))"
        )
        return at, f"substr(strftime('%Y%m%d%H%M%S', {seconds}, 'unixepoch'), 3)"  # SQLite 3.40 has no %y
    at = f"(CAST(:first AS TIMESTAMP WITH TIME ZONE) + ({offset}) * INTERVAL '1 microsecond')"
    return at, f"to_char({at} AT TIME ZONE 'UTC', 'YYMMDDHH24MISS')"


def _random12(sql: SeedSql) -> str:
    """12 random hex digits (``secrets.token_hex(6)``)."""
    return "lower(hex(randomblob(6)))" if sql.sqlite else f"substr({sql.new_id()}, 1, 12)"


def _last_transfer(connection: Connection) -> tuple[datetime, dict[str, object]]:
    """The newest ledger transfer's moment, and the ``first``/``first_us`` parameters of ``_micro_moment``."""
    last = connection.execute(select(func.max(LedgerTransfer.created_at))).scalar_one()
    last = last.replace(tzinfo=UTC) if last.tzinfo is None else last
    first_us = (last - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    return last, {"first": last, "first_us": first_us}


def _fill_seed(connection: Connection, sql: SeedSql, rows: list[tuple[int, str, str]]) -> None:
    """(n, coupon id, its ledger account id) into ``bench_seed``."""
    if sql.sqlite:
        connection.execute(
            text("INSERT INTO bench_seed (n, coupon_id, account_id) VALUES (:n, :coupon_id, :account_id)"),
            [{"n": n, "coupon_id": c, "account_id": a} for n, c, a in rows],
        )
        return
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy("COPY bench_seed (n, coupon_id, account_id) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _seed_coupons(connection: Connection, sql: SeedSql, demo: Demo, coupons: int, slots: int) -> None:
    """``coupons`` coupons of 0.01 from the demo quota, each to one of the first ``slots`` customers, as
    ``issue_coupons`` writes them: after the newest ledger transfer, one microsecond apart, each with its
    ``COUPON_ISSUE`` transfer from the quota's ledger account to the coupon's own (opened by it) and its
    issue record; the quota's validity, type and restrictions; the quota's balance moved by the sum."""
    if coupons <= 0:
        return
    quota = connection.execute(select(CouponQuota).where(CouponQuota.id == demo.quota_id)).one()
    source = quota_account(demo.quota_id).id
    before = connection.execute(
        select(LedgerAccount.balance_minor).where(LedgerAccount.id == source)
    ).scalar_one()
    if before < coupons * COUPON_FACE:
        raise RuntimeError(f"the demo quota holds {before} minor units, too few for {coupons} coupons")
    _, params = _last_transfer(connection)
    params |= {
        "partner": demo.distributor_id,
        "quota": demo.quota_id,
        "quota_type": quota.quota_type,
        "coupon_type": 4 if quota.quota_type == QuotaType.CASH_COUPON else 1,
        "usable": int(CouponStatus.USABLE),
        "issue": int(CouponOperation.ISSUE),
        "face": COUPON_FACE,
        "slots": slots,
        "source": source,
        "before": before,
        "operator": f"partner:{demo.distributor_id}",
        "no": False,
        "owner_kind": OwnerKind.COUPON.value,
        "purpose": Purpose.VOUCHER.value,
        "asset": Asset.CNY_VOUCHER.value,
        "kind": TransferKind.COUPON_ISSUE.value,
    }
    at, stamp = _micro_moment(sql, "n + 1")
    connection.execute(
        text(
            "CREATE TEMPORARY TABLE bench_seed (n BIGINT PRIMARY KEY, coupon_id VARCHAR(32) NOT NULL, "
            "account_id VARCHAR(32) NOT NULL)"
        )
    )
    for start in range(0, coupons, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, coupons)):
            coupon_id = uuid.uuid4().hex
            rows.append((n, coupon_id, coupon_account(coupon_id).id))
        _fill_seed(connection, sql, rows)
        connection.execute(
            text(
                "INSERT INTO ledger_accounts (id, owner_kind, owner_id, purpose, asset, balance_minor, "
                "may_go_negative, created_at) "
                f"SELECT account_id, :owner_kind, coupon_id, :purpose, :asset, :face, :no, {at} "
                "FROM bench_seed ORDER BY n"
            ),
            params,
        )
        connection.execute(
            text(
                "INSERT INTO ledger_transfers (transaction_id, kind, asset, debit_account_id, "
                "credit_account_id, amount_minor, debit_balance_after, credit_balance_after, reference, "
                "operator, request_id, idempotency_key, memo, created_at) "
                f"SELECT 'CI' || {stamp} || {_random12(sql)}, :kind, :asset, :source, account_id, :face, "
                f":before - (n + 1) * :face, :face, coupon_id, :operator, {sql.new_id()}, NULL, NULL, {at} "
                "FROM bench_seed ORDER BY n"
            ),
            params,
        )
        connection.execute(
            text(
                "INSERT INTO coupons (id, partner_id, customer_id, quota_id, quota_type, coupon_type, "
                "face_value_minor, status, effective_time, expire_time, service_types, product_ids, memo, "
                "reclaimed_minor, created_at, updated_at, last_used_at, reclaimed_at) "
                "SELECT coupon_id, :partner, bench_customers.customer_id, :quota, :quota_type, :coupon_type, "
                ":face, :usable, coupon_quotas.effective_time, coupon_quotas.expire_time, "
                f"coupon_quotas.service_types, coupon_quotas.product_ids, NULL, NULL, {at}, {at}, NULL, NULL "
                "FROM bench_seed JOIN bench_customers ON bench_customers.slot = n % :slots "
                "JOIN coupon_quotas ON coupon_quotas.id = :quota ORDER BY n"
            ),
            params,
        )
        connection.execute(
            text(
                "INSERT INTO coupon_records (partner_id, operation_type, quota_id, quota_type, coupon_id, "
                "customer_id, amount_minor, result, operator, remark, operation_time) "
                "SELECT :partner, :issue, :quota, :quota_type, coupon_id, bench_customers.customer_id, "
                f":face, 0, :operator, NULL, {at} "
                "FROM bench_seed JOIN bench_customers ON bench_customers.slot = n % :slots ORDER BY n"
            ),
            params,
        )
        connection.execute(text(sql.empty("bench_seed")))
    connection.execute(text("DROP TABLE bench_seed"))
    connection.execute(
        text("UPDATE ledger_accounts SET balance_minor = balance_minor - :spent WHERE id = :source"),
        {"spent": coupons * COUPON_FACE, "source": source},
    )
    last_at, _ = _micro_moment(sql, ":coupons")
    connection.execute(
        text(f"UPDATE coupon_quotas SET updated_at = {last_at} WHERE id = :quota"),
        params | {"coupons": coupons},
    )


def _seed_association_records(
    connection: Connection, sql: SeedSql, demo: Demo, now: datetime, records: int, slots: int
) -> None:
    """``records`` association records (associate, by the partner, resale), one per second up to now, each
    of one of the first ``slots`` customers."""
    params: dict[str, object] = {
        "partner": demo.distributor_id,
        "records": records,
        "slots": slots,
        **sql.moment_params(now),
    }
    moment = sql.seconds_before_now("(:records - n)")
    for start in range(0, records, BATCH):
        connection.execute(
            text(
                sql.numbers(start, min(start + BATCH, records))
                + "INSERT INTO association_records (record_id, partner_id, customer_id, request_id, "
                "operation_type, initiator, reason, association_type, operate_time) "
                f"SELECT {sql.new_id()}, :partner, bench_customers.customer_id, NULL, 'associate', "
                f"'partner', NULL, 2, {moment} "
                "FROM k JOIN bench_customers ON bench_customers.slot = n % :slots ORDER BY n"
            ),
            params,
        )


def _seed_resellers(connection: Connection, sql: SeedSql, demo: Demo, now: datetime, resellers: int) -> None:
    """``resellers`` resellers of the distributor, ``bench-reseller-0000000``…, one joined per second."""
    params: dict[str, object] = {
        "parent": demo.distributor_id,
        "resellers": resellers,
        "no": False,
        **sql.moment_params(now),
    }
    moment = sql.seconds_before_now("(:resellers - n)")
    name = (
        "printf('bench-reseller-%07d', n)" if sql.sqlite else "('bench-reseller-' || lpad(n::text, 7, '0'))"
    )
    for start in range(0, resellers, BATCH):
        connection.execute(
            text(
                sql.numbers(start, min(start + BATCH, resellers))
                + "INSERT INTO partners (id, kind, parent_id, name, account_name, account_name_key, mobile, "
                "email, password_hash, status, xaccount_type, step_up_required, step_up_api, "
                "step_up_channel, created_at, associated_on) "
                f"SELECT {sql.new_id()}, 'reseller', :parent, {name}, {name}, {name}, NULL, NULL, NULL, "
                f"'active', 'x' || CAST(n AS VARCHAR(20)), :no, :no, 'mobile', {moment}, {moment} "
                "FROM k ORDER BY n"
            ),
            params,
        )


def _seed_transfers(
    connection: Connection, sql: SeedSql, demo: Demo, customers: list[str], transfers: int
) -> None:
    """``transfers`` fundings of 0.01 from the distributor's cash to its customers' partner-funded accounts
    (round-robin over ``customers``), as ``fund_customer`` writes them: after the demo's top-ups, one
    microsecond apart, each with the balances after it; the accounts' cached balances moved by the same
    sums, so ``ledger verify`` holds."""
    if transfers <= 0 or not customers:
        return
    cash = partner_cash(demo.distributor_id).id
    before = connection.execute(
        select(LedgerAccount.balance_minor).where(LedgerAccount.id == cash)
    ).scalar_one()
    if before < transfers:
        raise RuntimeError(f"the distributor holds {before} minor units, too few for {transfers} fundings")
    last, moment_params = _last_transfer(connection)
    slots = len(customers)
    received = [transfers // slots + (1 if slot < transfers % slots else 0) for slot in range(slots)]
    connection.execute(
        insert(LedgerAccount),
        [
            {
                "id": customer_funded(customer).id,
                "owner_kind": "customer",
                "owner_id": customer,
                "purpose": "partner_funded",
                "asset": "CNY",
                "balance_minor": received[slot],
                "may_go_negative": False,
                "created_at": last + timedelta(microseconds=slot + 1),
            }
            for slot, customer in enumerate(customers)
            if received[slot]
        ],
    )
    connection.execute(
        text("CREATE TEMPORARY TABLE bench_accounts (slot INTEGER PRIMARY KEY, account_id VARCHAR(32))")
    )
    connection.execute(
        text("INSERT INTO bench_accounts (slot, account_id) VALUES (:slot, :account_id)"),
        [{"slot": slot, "account_id": customer_funded(c).id} for slot, c in enumerate(customers)],
    )
    params: dict[str, object] = {
        "cash": cash,
        "before": before,
        "slots": slots,
        "operator": f"partner:{demo.distributor_id}",
        **moment_params,
    }
    at, stamp = _micro_moment(sql, "n + 1")
    random12 = _random12(sql)
    for start in range(0, transfers, BATCH):
        connection.execute(
            text(
                sql.numbers(start, min(start + BATCH, transfers))
                + "INSERT INTO ledger_transfers (transaction_id, kind, asset, debit_account_id, "
                "credit_account_id, amount_minor, debit_balance_after, credit_balance_after, reference, "
                "operator, request_id, idempotency_key, memo, created_at) "
                f"SELECT 'AD' || {stamp} || {random12}, 'fund_customer', 'CNY', :cash, "
                "bench_accounts.account_id, 1, :before - (n + 1), n / :slots + 1, NULL, :operator, "
                f"{sql.new_id()}, NULL, NULL, {at} "
                "FROM k JOIN bench_accounts ON bench_accounts.slot = n % :slots ORDER BY n"
            ),
            params,
        )
    connection.execute(
        text("UPDATE ledger_accounts SET balance_minor = balance_minor - :transfers WHERE id = :cash"),
        {"transfers": transfers, "cash": cash},
    )
    connection.execute(text("DROP TABLE bench_accounts"))


def cases(demo: Demo, size: int, others: int, resellers: int, transfers: int) -> list[Case]:
    own = (size + 2) // 3  # the distributor's share of the demo customers
    now = datetime.now(UTC)
    hour_ago = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    day_ago = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    until = (now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def customers(name: str, **body: Any) -> Case:
        return Case(f"customers: {name}", "POST", CUSTOMERS, body={"limit": 10, **body})

    return [
        customers("first page"),
        customers("middle page", offset=own // 2),
        customers("last page", offset=max(own - 10, 0)),
        customers("account_name fuzzy, many match", account_name="customer-00"),
        customers("account_name fuzzy, one match (oldest)", account_name="customer-0000001"),
        customers("association_type 2 (all)", association_type="2"),
        customers("association_type 2, middle page", association_type="2", offset=own // 2),
        customers("association_type 1 (none)", association_type="1"),
        customers("associated_on last hour", associated_on_begin=hour_ago, associated_on_end=until),
        customers(
            "associated_on last day, page 50",
            associated_on_begin=day_ago,
            associated_on_end=until,
            offset=500,
        ),
        customers("indirect_partner_id (a reseller's)", indirect_partner_id=demo.reseller_id),
        Case("coupons: first page", "GET", "/v2/promotions/benefits/partner-coupons", query={"limit": "10"}),
        Case(
            "coupons: middle page",
            "GET",
            "/v2/promotions/benefits/partner-coupons",
            query={"limit": "10", "offset": str(others // 2)},
        ),
        Case(
            "coupon records: first page",
            "GET",
            "/v2/promotions/benefits/partner-coupons/records/query",
            query={"limit": "10"},
        ),
        Case(
            "association records: first page",
            "GET",
            "/v2/partners/sub-customers/association-records",
            query={"limit": "10"},
        ),
        Case(
            "association records: middle page",
            "GET",
            "/v2/partners/sub-customers/association-records",
            query={"limit": "10", "offset": str(others // 2)},
        ),
        Case("resellers: first page", "POST", "/v2/partners/indirect-partners/query", body={"limit": 10}),
        Case(
            "resellers: middle page",
            "POST",
            "/v2/partners/indirect-partners/query",
            body={"limit": 10, "offset": resellers // 2},
        ),
        Case("account changes: first page", "GET", CHANGES, query={"balance_type": DEBIT, "limit": "10"}),
        Case(
            "account changes: middle page",
            "GET",
            CHANGES,
            query={"balance_type": DEBIT, "limit": "10", "offset": str(transfers // 2)},
        ),
    ]


def signed(base: str, demo: Demo, case: Case) -> tuple[str, dict[str, str], bytes]:
    raw = json.dumps(case.body).encode() if case.body is not None else b""
    query = sorted((case.query or {}).items())
    request = SdkRequest(
        method=case.method,
        schema="http",
        host=base.removeprefix("http://"),
        resource_path=case.path,
        query_params=query,
        header_params={"Content-Type": "application/json"},
        body=raw,
    )
    signer = Signer(GlobalCredentials(demo.access_key, demo.secret_key, demo.distributor_id))
    url = case.path + (f"?{urlencode(query)}" if query else "")
    return url, dict(signer.sign(request).header_params), raw


def total_of(payload: dict[str, Any]) -> int | None:
    for key in ("total_count", "count", "total"):
        if isinstance(payload.get(key), int):
            return int(payload[key])
    return None


def measure(
    base: str, demo: Demo, case: Case, requests: int, budget: float
) -> tuple[list[float], int | None, int]:
    """``requests`` timed requests after ``WARMUPS`` warm-ups, one at a time; a slow case stops early: once
    ``budget`` seconds have passed and ``MIN_TIMED`` requests were timed, and its warm-ups end after the first
    one that took more than a tenth of the budget."""
    latencies: list[float] = []
    total: int | None = None
    failures = 0
    warmed = 0
    began = time.monotonic()
    with httpx.Client(base_url=base, timeout=300) as client:
        for _ in range(requests + WARMUPS):
            url, headers, raw = signed(base, demo, case)
            started = time.perf_counter()
            response = client.request(case.method, url, headers=headers, content=raw)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                failures += 1
                if failures == 1:
                    print(
                        f"  {case.name}: HTTP {response.status_code} {response.text[:200]}", file=sys.stderr
                    )
                continue
            total = total_of(response.json())
            if warmed < WARMUPS:
                warmed = WARMUPS if elapsed > budget / 10 else warmed + 1
                continue
            latencies.append(elapsed * 1000)
            if len(latencies) >= requests or (
                len(latencies) >= MIN_TIMED and time.monotonic() - began > budget
            ):
                break
    return latencies, total, failures


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """A ``partnerhub serve`` in its own session (so its process group id is its pid): (base url, pgid)."""
    port = free_port()
    process = subprocess.Popen(
        [*cli_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("partnerhub serve did not start")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        # Only the process group this script started (uvicorn and its worker).
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def scratch_database(backend: str, postgres_url: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'partnerhub.db'}"
        return
    name = f"partnerhub_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench(backend: str, size: int, args: argparse.Namespace) -> Run:
    others = size if args.others is None else args.others
    resellers = size if args.resellers is None else args.resellers
    transfers = size if args.transfers is None else args.transfers
    with (
        tempfile.TemporaryDirectory(prefix=f"partnerhub-lists-{backend}-") as folder,
        scratch_database(backend, args.postgres_url, Path(folder)) as url,
    ):
        env = {
            **os.environ,
            "PARTNERHUB_DATABASE_URL": url,
            "PARTNERHUB_DATA_DIR": folder,
            **LIFTED_LIMITS,
            # its own published limit (20/s) refused the fast account-change pages of the 2026-12-02 run
            "PARTNERHUB_RATE_ACCOUNT_CHANGE_RECORDS_PER_SECOND": "10000000",
            "PARTNERHUB_RATE_ADJUST_RECORDS_PER_SECOND": "10000000",
            "PARTNERHUB_LOG_LEVEL": "WARNING",
        }
        started = time.monotonic()
        demo = seed_demo(env, size)
        seeding = {f"demo --customers {size}": time.monotonic() - started}
        engine = create_engine(url)
        try:
            seeding |= seed_others(engine, demo, others, resellers, transfers)
            if backend == "postgres":
                analysed = time.monotonic()
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(text("VACUUM ANALYZE"))
                seeding["VACUUM ANALYZE"] = time.monotonic() - analysed
        finally:
            engine.dispose()
        seeded = time.monotonic() - started
        ledger = ledger_ok(Settings(data_dir=Path(folder), database_url=url))
        parts = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in seeding.items())
        print(
            f"{backend} {size:,}: seeded in {seeded:.0f} s ({parts}); ledger verify "
            + ("ok" if ledger else "FAILED"),
            file=sys.stderr,
            flush=True,
        )
        results = []
        with server(env) as (base, pgid), RssSampler(pgid) as sampler:
            for case in cases(demo, size, others, resellers, transfers):
                latencies, total, failures = measure(base, demo, case, args.requests, args.budget)
                ordered = sorted(latencies) or [float("nan")]
                results.append(
                    Result(
                        backend,
                        size,
                        case.name,
                        round(statistics.median(ordered), 1),
                        round(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)], 1),
                        round(ordered[-1], 1),
                        total,
                        failures,
                        len(latencies),
                    )
                )
        return Run(
            backend,
            size,
            round(seeded, 1),
            {name: round(seconds, 1) for name, seconds in seeding.items()},
            ledger,
            round(sampler.peak_kib / 1024, 1),
            results,
        )


def table(results: list[Result]) -> str:
    lines = [
        "| backend | rows | list | p50 ms | p95 ms | max ms | total_count | requests | failures |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        total = "—" if r.total_count is None else f"{r.total_count:,}"
        cells = [
            r.backend,
            f"{r.size:,}",
            r.case,
            r.p50_ms,
            r.p95_ms,
            r.max_ms,
            total,
            r.requests,
            r.failures,
        ]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """The list benchmark's options; ``bench/run.py`` adds them with the prefix ``list-``."""
    parser.add_argument(
        f"--{prefix}sizes", default=DEFAULT_SIZES, help=f"comma-separated customer counts ({DEFAULT_SIZES})"
    )
    parser.add_argument(f"--{prefix}backends", default="sqlite,postgres")
    parser.add_argument(f"--{prefix}requests", type=int, default=20, help="timed requests per case")
    parser.add_argument(
        f"--{prefix}budget",
        type=float,
        default=15.0,
        help=f"seconds per case after which a slow case stops (at least {MIN_TIMED} timed requests)",
    )
    parser.add_argument(
        f"--{prefix}others", type=int, default=None, help="coupons/records rows (default: size)"
    )
    parser.add_argument(f"--{prefix}resellers", type=int, default=None, help="resellers (default: size)")
    parser.add_argument(
        f"--{prefix}transfers",
        type=int,
        default=None,
        help="ledger transfers of the cash account (default: size)",
    )


def options(args: argparse.Namespace, prefix: str) -> argparse.Namespace:
    """The list options out of a namespace whose names carry ``prefix`` (``list_``)."""
    names = ("sizes", "backends", "requests", "budget", "others", "resellers", "transfers")
    return argparse.Namespace(
        postgres_url=args.postgres_url, **{name: getattr(args, prefix + name) for name in names}
    )


def run(args: argparse.Namespace) -> list[Run]:
    runs: list[Run] = []
    for backend in args.backends.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            runs.append(bench(backend, size, args))
            # Each run's figures as soon as they exist: a long run that is stopped keeps what it measured.
            print(table(runs[-1].results), file=sys.stderr, flush=True)
            print(f"server peak RSS {runs[-1].peak_rss_mib} MiB", file=sys.stderr, flush=True)
    return runs


def growth(runs: list[Run]) -> dict[tuple[str, str], float]:
    """(backend, case) → p95 at the largest size / p95 at the smallest, where both were measured."""
    out: dict[tuple[str, str], float] = {}
    for backend in {r.backend for r in runs}:
        sized = sorted((r for r in runs if r.backend == backend), key=lambda r: r.size)
        if len(sized) < 2:
            continue
        small = {result.case: result.p95_ms for result in sized[0].results}
        for result in sized[-1].results:
            if small.get(result.case):
                out[(backend, result.case)] = round(result.p95_ms / small[result.case], 2)
    return out


def as_json(runs: list[Run], args: argparse.Namespace) -> dict[str, Any]:
    return {
        "requests": args.requests,
        "budget_seconds": args.budget,
        "runs": [asdict(r) for r in runs],
        "growth": [
            {"backend": backend, "case": case, "p95_ratio": ratio}
            for (backend, case), ratio in sorted(growth(runs).items())
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("PARTNERHUB_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    runs = run(args)
    if args.json:
        print(json.dumps(as_json(runs, args), indent=2))
        return
    print(table([result for r in runs for result in r.results]))
    for r in runs:
        print(f"{r.backend} {r.size:,}: seeded in {r.seed_seconds} s, server peak RSS {r.peak_rss_mib} MiB")


if __name__ == "__main__":
    main()
