"""Funding throughput and latency through HTTP, on SQLite and PostgreSQL, next to pgbench's TPC-B figure.

For each backend: a scratch database, migrations, one partner with a key, customers and a large top-up; then a
real ``partnerhub serve`` subprocess on 127.0.0.1 and N client threads sending SDK-signed ``adjust-amount``
requests (0.01 yuan each, customers round-robin, one hot partner account) for a fixed time. Reports fundings
per second and p50/p99 latency, checks ``ledger verify`` afterwards, then removes everything it created.
``pgbench -i`` + ``pgbench -T`` on a scratch database of the same PostgreSQL gives the comparison figure.

    .venv/bin/python bench/funding.py [--duration 10] [--concurrency 16] [--workers 2]
                                      [--backends sqlite,postgres] [--no-pgbench]

Loopback only; the run is bounded by --duration per phase (about a minute in total with the defaults).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import simplejson
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from sqlalchemy import create_engine, make_url, text

from partnerhub.config import Settings
from partnerhub.context import build_context
from partnerhub.customers.models import Association, Customer
from partnerhub.db.migrate import upgrade
from partnerhub.db.session import session_scope
from partnerhub.funding.service import topup
from partnerhub.kit.ids import new_id
from partnerhub.ledger.verify import verify_ledger
from partnerhub.partners.models import PartnerKind
from partnerhub.partners.service import create_partner, issue_key

ADJUST_PATH = "/v2/accounts/partner-accounts/adjust-amount"
BALANCES_PATH = "/v2/accounts/partner-accounts/balances"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CENT = Decimal("0.01")


@dataclass
class RunResult:
    backend: str
    operation: str
    """``fund`` (adjust-amount, the write path) or ``balances`` (a signed read, for comparison)."""
    workers: int
    concurrency: int
    seconds: float
    ok: int = 0
    failed: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    ledger_ok: bool = False

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)

        def pct(p: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1) if ordered else 0.0

        return {
            "backend": self.backend,
            "operation": self.operation,
            "workers": self.workers,
            "concurrency": self.concurrency,
            "requests_per_second": round(self.ok / self.seconds, 1),
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(ordered), 1) if ordered else 0.0,
            "ok": self.ok,
            "failed": self.failed,
            "ledger_verify_ok": self.ledger_ok,
        }


@dataclass(frozen=True)
class Seed:
    partner_id: str
    access_key: str
    secret_key: str
    customers: list[str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(settings: Settings, customers: int) -> Seed:
    ctx = build_context(settings)
    try:
        with session_scope(ctx.sessions) as session:
            partner = create_partner(session, ctx.clock, kind=PartnerKind.SOLUTION_PROVIDER, name="bench")
            key = issue_key(session, ctx.clock, ctx.master_key, partner.id)
            now = ctx.clock.now()
            ids = [new_id() for _ in range(customers)]
            for customer_id in ids:
                session.add(
                    Customer(
                        id=customer_id,
                        domain_name=f"bench-{customer_id[:12]}",
                        domain_name_key=f"bench-{customer_id[:12]}",
                        xaccount_id=f"x-{customer_id}",
                        xaccount_type="bench_IDP",
                        owner_partner_id=partner.id,
                        customer_type=-1,
                        verified_status=-1,
                        close_marketing=False,
                        created_at=now,
                    )
                )
            session.flush()
            for customer_id in ids:
                session.add(
                    Association(
                        id=new_id(),
                        customer_id=customer_id,
                        partner_id=partner.id,
                        association_type=2,
                        associated_on=now,
                        active_customer_id=customer_id,
                    )
                )
            topup(session, ctx, partner_id=partner.id, amount_minor=10_000_000_000)
        return Seed(partner.id, key.access_key, key.secret_key, ids)
    finally:
        ctx.engine.dispose()


def ledger_ok(settings: Settings) -> bool:
    ctx = build_context(settings)
    try:
        with session_scope(ctx.sessions) as session:
            return verify_ledger(session).ok
    finally:
        ctx.engine.dispose()


def signed(
    base: str, seeded: Seed, method: str, path: str, body: dict[str, Any] | None
) -> tuple[dict[str, str], bytes]:
    raw = simplejson.dumps(body, use_decimal=True).encode() if body is not None else b""
    request = SdkRequest(
        method=method,
        schema="http",
        host=base.removeprefix("http://"),
        resource_path=path,
        query_params=[],
        header_params={"Content-Type": "application/json"},
        body=raw,
    )
    signer = Signer(GlobalCredentials(seeded.access_key, seeded.secret_key, seeded.partner_id))
    return dict(signer.sign(request).header_params), raw


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    cli = Path(sys.executable).with_name("partnerhub")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "partnerhub.cli"]
    process = subprocess.Popen(
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    stop_server(process)
    raise RuntimeError("partnerhub serve did not start")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop the server this script started (its own process group: uvicorn's workers included)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def load(base: str, seeded: Seed, result: RunResult, duration: float) -> None:
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.monotonic() + duration

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter)
                if result.operation == "fund":
                    body = {"customer_id": seeded.customers[n % len(seeded.customers)], "amount": CENT}
                    headers, raw = signed(base, seeded, "POST", ADJUST_PATH, body)
                else:
                    headers, raw = signed(base, seeded, "GET", BALANCES_PATH, None)
                started = time.perf_counter()
                response = client.request(
                    "POST" if result.operation == "fund" else "GET",
                    ADJUST_PATH if result.operation == "fund" else BALANCES_PATH,
                    headers=headers,
                    content=raw,
                )
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    result.latencies_ms.append(elapsed)
                    if response.status_code == 200:
                        result.ok += 1
                    else:
                        result.failed += 1

    threads = [threading.Thread(target=worker) for _ in range(result.concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started


def bench_backend(backend: str, url: str, args: argparse.Namespace) -> list[RunResult]:
    with tempfile.TemporaryDirectory(prefix=f"partnerhub-bench-{backend}-") as scratch:
        settings = Settings(data_dir=Path(scratch), database_url=url, log_json=True)
        upgrade(url)
        seeded = seed(settings, args.customers)
        env = {
            **os.environ,
            "PARTNERHUB_DATABASE_URL": url,
            "PARTNERHUB_DATA_DIR": scratch,
            "PARTNERHUB_RATE_DEFAULT_PER_SECOND": "1000000",
            "PARTNERHUB_LOG_LEVEL": "WARNING",
            **({"PARTNERHUB_REDIS_URL": args.redis_url} if args.redis_url else {}),
        }
        port = free_port()
        process = start_server(env, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        results = []
        try:
            load(
                base, seeded, RunResult(backend, "fund", args.workers, 4, 0), min(2.0, args.duration)
            )  # warm-up
            for operation in ("fund", "balances") if args.reads else ("fund",):
                result = RunResult(backend, operation, args.workers, args.concurrency, 0)
                load(base, seeded, result, args.duration)
                results.append(result)
        finally:
            stop_server(process)
        verified = ledger_ok(settings)
        for result in results:
            result.ledger_ok = verified
        return results


def scratch_postgres(admin_url: str) -> tuple[str, str]:
    name = f"partnerhub_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def pgbench(admin_url: str, args: argparse.Namespace) -> dict[str, Any]:
    """TPC-B-like pgbench on a scratch database of the same server: the database's own ceiling."""
    name, _ = scratch_postgres(admin_url)
    target = make_url(admin_url)
    connection = [
        "-h",
        target.host or "127.0.0.1",
        "-p",
        str(target.port or 5432),
        "-U",
        target.username or "postgres",
    ]
    env = {**os.environ, **({"PGPASSWORD": target.password} if target.password else {})}
    try:
        subprocess.run(
            ["pgbench", "-i", "-q", "-s", str(args.pgbench_scale), *connection, name],
            env=env,
            check=True,
            capture_output=True,
        )
        run = subprocess.run(
            [
                "pgbench",
                "-T",
                str(int(args.duration)),
                "-c",
                str(args.concurrency),
                "-j",
                "2",
                *connection,
                name,
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        drop_postgres(admin_url, name)
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", run.stdout)
    latency = re.search(r"latency average = ([0-9.]+) ms", run.stdout)
    return {
        "clients": args.concurrency,
        "scale": args.pgbench_scale,
        "seconds": int(args.duration),
        "tps": float(tps.group(1)) if tps else None,
        "latency_avg_ms": float(latency.group(1)) if latency else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per backend")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads (and pgbench clients)")
    parser.add_argument("--workers", type=int, default=2, help="partnerhub serve worker processes")
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PARTNERHUB_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="an existing database used to create (and drop) scratch databases",
    )
    parser.add_argument(
        "--redis-url", default=None, help="rate-limit counters in Redis instead of the database"
    )
    parser.add_argument("--pgbench-scale", type=int, default=10)
    parser.add_argument("--no-pgbench", action="store_true")
    parser.add_argument(
        "--reads", action="store_true", help="also measure a signed read (list_partner_balances)"
    )
    args = parser.parse_args()

    report: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "rate_limit_store": "redis" if args.redis_url else "database",
        "runs": [],
    }
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="partnerhub-bench-db-") as directory:
                results = bench_backend("sqlite", f"sqlite:///{directory}/bench.db", args)
        else:
            name, url = scratch_postgres(args.postgres_url)
            try:
                results = bench_backend("postgres", url, args)
            finally:
                drop_postgres(args.postgres_url, name)
        for result in results:
            report["runs"].append(result.summary())
            print(json.dumps(result.summary()), flush=True)
    if not args.no_pgbench and "postgres" in args.backends:
        report["pgbench"] = pgbench(args.postgres_url, args)
        print(json.dumps({"pgbench": report["pgbench"]}), flush=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
