"""List latency at scale (issue 12): the customer list with each filter and deep pages, and the coupon,
coupon-record, association-record and reseller lists, at 10k / 100k / 1M rows, on SQLite and PostgreSQL.

For each backend and size: a scratch database (a temporary SQLite file, or a ``partnerhub_bench_*`` database
on ``--postgres-url``), ``partnerhub demo --customers N`` (customers spread round-robin over the distributor
and its two resellers, one association per second up to now), then ``--others`` rows (default: N) of
coupons, coupon records and association records and ``--resellers`` resellers (default: min(N, 100000)), all
the distributor's, inserted in bulk by this script. PostgreSQL gets ``VACUUM ANALYZE`` after seeding (what
autovacuum does soon after a bulk load; index-only scans need the visibility map). SQLite gets no ANALYZE:
the plans must be right without statistics, as in a fresh deployment. Then a real ``partnerhub serve
--workers 1`` on 127.0.0.1 and one sequential client sending SDK-signed requests as the distributor: each
case ``--requests`` times (default 30) after 3 warm-ups. Prints p50/p95/max in ms and the rows a case
matched (``total_count``); ``--json`` prints the results as JSON instead.

    .venv/bin/python bench/lists.py [--sizes 10000,100000] [--backends sqlite,postgres] [--requests 30]

Everything it creates (scratch databases, temporary directories, the server process group) is removed at the
end. Loopback only. The client runs on the same machine as the server and the database.
"""

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
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from sqlalchemy import Engine, create_engine, insert, make_url, select, text

from partnerhub.associations.models import AssociationRecord
from partnerhub.coupons.models import Coupon, CouponRecord
from partnerhub.customers.models import Association
from partnerhub.partners.models import Partner

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CUSTOMERS = "/v2/partners/sub-customers/query"
BATCH = 20_000


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


def seed_others(engine: Engine, demo: Demo, others: int, resellers: int) -> None:
    """Bulk rows for the other lists, all the distributor's, one per second up to now."""
    now = datetime.now(UTC).replace(microsecond=0)
    with engine.begin() as connection:
        customers = list(
            connection.scalars(
                select(Association.customer_id)
                .where(Association.partner_id == demo.distributor_id)
                .limit(1000)
            )
        )
    for start in range(0, others, BATCH):
        numbers = range(start, min(start + BATCH, others))
        coupons, coupon_records, association_records = [], [], []
        for number in numbers:
            moment = now - timedelta(seconds=others - number)
            coupon_id = uuid.uuid4().hex
            customer_id = customers[number % len(customers)]
            coupons.append(
                {
                    "id": coupon_id,
                    "partner_id": demo.distributor_id,
                    "customer_id": customer_id,
                    "quota_id": demo.quota_id,
                    "quota_type": 0,
                    "coupon_type": 1,
                    "face_value_minor": 100,
                    "status": 1,
                    "effective_time": moment,
                    "expire_time": moment + timedelta(days=365),
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
            coupon_records.append(
                {
                    "partner_id": demo.distributor_id,
                    "operation_type": 1,
                    "quota_id": demo.quota_id,
                    "quota_type": 0,
                    "coupon_id": coupon_id,
                    "customer_id": customer_id,
                    "amount_minor": 100,
                    "result": 0,
                    "operator": "bench",
                    "operation_time": moment,
                }
            )
            association_records.append(
                {
                    "record_id": uuid.uuid4().hex,
                    "partner_id": demo.distributor_id,
                    "customer_id": customer_id,
                    "operation_type": "associate",
                    "initiator": "partner",
                    "association_type": 2,
                    "operate_time": moment,
                }
            )
        with engine.begin() as connection:
            connection.execute(insert(Coupon), coupons)
            connection.execute(insert(CouponRecord), coupon_records)
            connection.execute(insert(AssociationRecord), association_records)
    for start in range(0, resellers, BATCH):
        rows = []
        for number in range(start, min(start + BATCH, resellers)):
            moment = now - timedelta(seconds=resellers - number)
            name = f"bench-reseller-{number:07d}"
            rows.append(
                {
                    "id": uuid.uuid4().hex,
                    "kind": "reseller",
                    "parent_id": demo.distributor_id,
                    "name": name,
                    "account_name": name,
                    "account_name_key": name,
                    "xaccount_type": f"x{number}",
                    "created_at": moment,
                    "associated_on": moment,
                }
            )
        with engine.begin() as connection:
            connection.execute(insert(Partner), rows)


def cases(demo: Demo, size: int, others: int, resellers: int) -> list[Case]:
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


def measure(base: str, demo: Demo, case: Case, requests: int) -> tuple[list[float], int | None, int]:
    latencies: list[float] = []
    total: int | None = None
    failures = 0
    with httpx.Client(base_url=base, timeout=120) as client:
        for attempt in range(requests + 3):
            url, headers, raw = signed(base, demo, case)
            started = time.perf_counter()
            response = client.request(case.method, url, headers=headers, content=raw)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                failures += 1
                if failures == 1:
                    print(
                        f"  {case.name}: HTTP {response.status_code} {response.text[:200]}", file=sys.stderr
                    )
                continue
            total = total_of(response.json())
            if attempt >= 3:
                latencies.append(elapsed)
    return latencies, total, failures


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(env: dict[str, str]) -> Iterator[str]:
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
        yield f"http://127.0.0.1:{port}"
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


def bench(backend: str, size: int, args: argparse.Namespace) -> list[Result]:
    others = size if args.others is None else args.others
    resellers = min(size, 100_000) if args.resellers is None else args.resellers
    with (
        tempfile.TemporaryDirectory(prefix=f"partnerhub-lists-{backend}-") as folder,
        scratch_database(backend, args.postgres_url, Path(folder)) as url,
    ):
        env = {
            **os.environ,
            "PARTNERHUB_DATABASE_URL": url,
            "PARTNERHUB_DATA_DIR": folder,
            "PARTNERHUB_RATE_DEFAULT_PER_SECOND": "1000000",
            "PARTNERHUB_LOG_LEVEL": "WARNING",
        }
        started = time.monotonic()
        demo = seed_demo(env, size)
        engine = create_engine(url)
        try:
            seed_others(engine, demo, others, resellers)
            if backend == "postgres":
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(text("VACUUM ANALYZE"))
        finally:
            engine.dispose()
        print(f"{backend} {size:,}: seeded in {time.monotonic() - started:.0f} s", file=sys.stderr)
        results = []
        with server(env) as base:
            for case in cases(demo, size, others, resellers):
                latencies, total, failures = measure(base, demo, case, args.requests)
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
                    )
                )
        return results


def table(results: list[Result]) -> str:
    lines = [
        "| backend | rows | list | p50 ms | p95 ms | max ms | total_count | failures |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        total = "—" if r.total_count is None else f"{r.total_count:,}"
        cells = [r.backend, f"{r.size:,}", r.case, r.p50_ms, r.p95_ms, r.max_ms, total, r.failures]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated customer counts")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per case")
    parser.add_argument("--others", type=int, default=None, help="coupons/records rows (default: size)")
    parser.add_argument("--resellers", type=int, default=None, help="resellers (default: min(size, 100000))")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("PARTNERHUB_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    results: list[Result] = []
    for backend in args.backends.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            results += bench(backend, size, args)
    print(json.dumps([asdict(r) for r in results], indent=2) if args.json else table(results))


if __name__ == "__main__":
    main()
