"""The crash-and-retry bank: client processes move money while the servers are killed with SIGKILL.

Each worker process owns one distributor (with a reseller, resale customers, a voucher quota and a customer
whose association type it switches back and forth), so its own model of what happened is exact. It picks
random operations — fund and reclaim customers, fund and reclaim the reseller, issue and reclaim coupons,
issue and reclaim reseller quotas, switch an association type — and sends each to a random instance with a
fresh ``X-Client-Token``; a request that fails or gets no answer is retried with the same key against any
instance until it is answered. Meanwhile a killer SIGKILLs an instance and restarts it, again and again.

Afterwards: ``ledger verify`` and ``audit verify`` pass; every acknowledged money movement's transfer is in
the ledger exactly once, under its key; and the balances the API reports equal what the model computed from
the acknowledged answers. Run it long: ``python -m tests.reliability.bank --long 600 [--postgres URL]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode, urlsplit

import httpx
from fastapi import FastAPI
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from sqlalchemy import func, select

from partnerhub.config import Settings
from partnerhub.context import AppContext, build_context
from partnerhub.customers.models import Association
from partnerhub.db.migrate import upgrade
from partnerhub.db.session import session_scope
from partnerhub.kit.clock import FakeClock
from partnerhub.ledger.models import LedgerTransfer
from tests.funding.helpers import top_up
from tests.quotas.helpers import grant
from tests.reliability.cluster import Cluster, partnerhub_command, server_environment
from tests.support import Env, make_customer, make_partner
from tests.verification.helpers import CUSTOMER_PASSWORD

START_CASH = Decimal("100000")
START_QUOTA = Decimal("100000")
SWITCH_MOBILE_PREFIX = "1390000"
REQUEST_TIMEOUT = 10.0
ANSWER_DEADLINE = 120.0
"""A request still unanswered after this long, across all retries, is a problem (a hang)."""


@dataclass(frozen=True)
class Caller:
    partner_id: str
    access_key: str
    secret_key: str


@dataclass(frozen=True)
class World:
    """What one worker owns, created before the load."""

    number: int
    distributor: Caller
    reseller_id: str
    customers: list[str]
    quota_id: str
    switcher_id: str
    switcher_login: str
    switcher_mobile: str
    switcher_type: int


@dataclass
class Model:
    """What the acknowledged answers imply, in minor units."""

    cash: int
    reseller_cash: int = 0
    customers: dict[str, int] = field(default_factory=dict)
    quota: int = 0
    coupons: dict[str, int] = field(default_factory=dict)
    """Unreclaimed coupons and their face values."""
    child_quotas: dict[str, int] = field(default_factory=dict)
    association_type: int = 2
    transfers: dict[str, str] = field(default_factory=dict)
    """Idempotency key → transfer id answered, for every acknowledged money movement."""


@dataclass
class WorkerReport:
    number: int
    ops: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    problems: list[str] = field(default_factory=list)
    model: dict[str, Any] = field(default_factory=dict)


@dataclass
class BankReport:
    engine: str
    instances: int
    seconds: float
    workers: int
    ops: dict[str, int]
    kills: int
    retries: int
    problems: list[str]
    phases: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds of setup, load (until the workers stop) and verification."""
    down_seconds: float = 0.0
    """Mean time from a kill until that instance answered again."""

    @property
    def total_ops(self) -> int:
        return sum(self.ops.values())


def _minor(value: Any) -> int:
    return int(Decimal(str(value)) * 100)


def _yuan(minor: int) -> str:
    return str(Decimal(minor) / 100)


def sign(
    url: str, caller: Caller, method: str, path: str, body: Any, query: list[tuple[str, str]] | None = None
) -> tuple[dict[str, str], bytes]:
    """Headers and body signed by the SDK's own Signer, for ``url`` + ``path``."""
    raw = json.dumps(body).encode() if body is not None else b""
    request = SdkRequest(
        method=method,
        schema="http",
        host=urlsplit(url).netloc,
        resource_path=path,
        query_params=query or [],
        header_params={"Content-Type": "application/json"},
        body=raw,
    )
    signed = Signer(GlobalCredentials(caller.access_key, caller.secret_key)).sign(request)
    return dict(signed.header_params), raw


class Client:
    """SDK-signed requests spread over the instances, retried with the same key until answered."""

    def __init__(self, urls: list[str], caller: Caller, report: WorkerReport, rng: random.Random) -> None:
        self.urls = urls
        self.caller = caller
        self.report = report
        self.rng = rng
        self.http = httpx.Client(timeout=REQUEST_TIMEOUT)

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = None,
        query: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        signed: bool = True,
    ) -> httpx.Response:
        started = time.monotonic()
        attempt = 0
        while True:
            url = self.rng.choice(self.urls)
            extra = dict(headers or {})
            if key:
                extra["X-Client-Token"] = key
            target = url + path + ("?" + urlencode(sorted(query)) if query else "")
            try:
                if signed:
                    signed_headers, raw = sign(url, self.caller, method, path, body, sorted(query or []))
                    response = self.http.request(
                        method, target, headers={**signed_headers, **extra}, content=raw
                    )
                else:
                    response = self.http.request(method, target, headers=extra, json=body)
            except httpx.HTTPError:
                response = None
            if response is not None and not _retryable(response):
                return response
            if response is not None and response.status_code >= 500 and response.status_code != 503:
                self.report.problems.append(f"{path}: {response.status_code} {response.text[:200]}")
            attempt += 1
            self.report.retries += 1
            if time.monotonic() - started > ANSWER_DEADLINE:
                raise RuntimeError(f"{path} unanswered for {ANSWER_DEADLINE} s")
            time.sleep(min(0.05 * attempt, 0.5))


def _retryable(response: httpx.Response) -> bool:
    if response.status_code >= 500:
        return True
    # The first attempt may still be in flight on the other instance (or on a connection being torn down).
    return response.status_code == 409 and "concurrent" in response.text


class Worker:
    def __init__(self, world: World, urls: list[str], data_dir: Path, database_url: str, seed: int) -> None:
        self.world = world
        self.rng = random.Random(seed)
        self.report = WorkerReport(world.number)
        self.client = Client(urls, world.distributor, self.report, self.rng)
        self.model = Model(
            cash=_minor(START_CASH),
            customers=dict.fromkeys(world.customers, 0),
            quota=_minor(START_QUOTA),
            association_type=world.switcher_type,
        )
        self.sequence = 0
        self.data_dir = data_dir
        self.database_url = database_url
        self._ctx: AppContext | None = None
        self._customer_token: str | None = None

    def key(self) -> str:
        self.sequence += 1
        return f"bank-{self.world.number}-{self.sequence}"

    def expect(self, response: httpx.Response, status: int, what: str) -> bool:
        if response.status_code != status:
            self.report.problems.append(f"{what}: {response.status_code} {response.text[:300]}")
            return False
        self.report.ops[what] = self.report.ops.get(what, 0) + 1
        return True

    def amount(self, ceiling: int) -> int:
        return self.rng.randint(1, max(1, min(ceiling, 5000)))

    # The operations. Each is valid in the model's state, so any refusal is a problem.
    def fund(self) -> None:
        customer = self.rng.choice(self.world.customers)
        minor = self.amount(self.model.cash)
        key = self.key()
        body = {"customer_id": customer, "amount": _yuan(minor)}
        response = self.client.send("POST", "/v2/accounts/partner-accounts/adjust-amount", body, key=key)
        if self.expect(response, 200, "fund customer"):
            self.model.cash -= minor
            self.model.customers[customer] += minor
            self.model.transfers[key] = response.json()["transfer_id"]

    def reclaim(self) -> None:
        funded = [c for c, minor in self.model.customers.items() if minor > 0]
        if not funded:
            return self.fund()
        customer = self.rng.choice(funded)
        minor = self.amount(self.model.customers[customer])
        key = self.key()
        body = {"customer_id": customer, "amount": _yuan(minor)}
        response = self.client.send("POST", "/v2/accounts/partner-accounts/reclaim", body, key=key)
        if self.expect(response, 200, "reclaim customer"):
            self.model.cash += minor
            self.model.customers[customer] -= minor
            self.model.transfers[key] = response.json()["trans_id"]

    def fund_reseller(self) -> None:
        minor = self.amount(self.model.cash)
        key = self.key()
        body = {"indirect_partner_id": self.world.reseller_id, "amount": _yuan(minor)}
        path = "/v2/accounts/partner-accounts/indirect-partner-adjust"
        response = self.client.send("POST", path, body, key=key)
        if self.expect(response, 200, "fund reseller"):
            self.model.cash -= minor
            self.model.reseller_cash += minor
            self.model.transfers[key] = response.json()["transfer_id"]

    def reclaim_reseller(self) -> None:
        if self.model.reseller_cash == 0:
            return self.fund_reseller()
        minor = self.amount(self.model.reseller_cash)
        key = self.key()
        body = {"indirect_partner_id": self.world.reseller_id, "amount": _yuan(minor)}
        path = "/v2/accounts/partner-accounts/indirect-partner-reclaim"
        response = self.client.send("POST", path, body, key=key)
        if self.expect(response, 200, "reclaim reseller"):
            self.model.cash += minor
            self.model.reseller_cash -= minor
            self.model.transfers[key] = response.json()["trans_id"]

    def issue_coupon(self) -> None:
        customer = self.rng.choice(self.world.customers)
        face = self.rng.randint(1, 50) * 100
        body = {"quota_id": self.world.quota_id, "customer_ids": [customer], "face_value": _yuan(face)}
        response = self.client.send("POST", "/v2/promotions/benefits/partner-coupons", body, key=self.key())
        if self.expect(response, 200, "issue coupon"):
            answer = response.json()
            if answer.get("error_details"):
                self.report.problems.append(f"issue coupon refused: {answer['error_details']}")
                return
            self.model.quota -= face
            self.model.coupons[answer["coupon_infos"][0]["coupon_id"]] = face

    def reclaim_coupon(self) -> None:
        if not self.model.coupons:
            return self.issue_coupon()
        coupon_id = self.rng.choice(sorted(self.model.coupons))
        path = "/v2/promotions/benefits/partner-coupons/reclaim"
        response = self.client.send("POST", path, {"coupon_id": coupon_id}, key=self.key())
        if self.expect(response, 204, "reclaim coupon"):
            self.model.quota += self.model.coupons.pop(coupon_id)

    def issue_quota(self) -> None:
        minor = self.rng.randint(1, 50) * 100
        body = {
            "quota_id": self.world.quota_id,
            "indirect_partner_ids": [self.world.reseller_id],
            "quota_amount": _yuan(minor),
        }
        path = "/v2/partners/coupon-quotas/indirect-partner-adjust"
        response = self.client.send("POST", path, body, key=self.key())
        if self.expect(response, 200, "issue reseller quota"):
            answer = response.json()
            if answer.get("error_details"):
                self.report.problems.append(f"issue quota refused: {answer['error_details']}")
                return
            self.model.quota -= minor
            self.model.child_quotas[answer["simple_quota_infos"][0]["quota_id"]] = minor

    def reclaim_quota(self) -> None:
        if not self.model.child_quotas:
            return self.issue_quota()
        child = self.rng.choice(sorted(self.model.child_quotas))
        path = "/v2/partners/coupon-quotas/indirect-partner-reclaim"
        response = self.client.send("POST", path, {"quota_ids": [child]}, key=self.key())
        if self.expect(response, 200, "reclaim reseller quota"):
            answer = response.json()
            if answer.get("error_details"):
                self.report.problems.append(f"reclaim quota refused: {answer['error_details']}")
                return
            self.model.quota += self.model.child_quotas.pop(child)

    def switch_association(self) -> None:
        """The partner asks to switch the type (1 ↔ 2); the customer approves with its SMS code."""
        target = 3 - self.model.association_type
        body = {
            "customer_id": self.world.switcher_id,
            "request_type": "switch_type",
            "target_association_type": target,
            "reason": "bank test",
        }
        path = "/v2/partners/sub-customers/association-requests"
        created = self.client.send("POST", path, body, key=self.key())
        if not self.expect(created, 200, "request association switch"):
            return
        request_id = created.json()["request_id"]
        customer_path = f"/v2/customers/association-requests/{request_id}"
        sent = self.client.send(
            "POST", f"{customer_path}/verification-code", headers=self.customer_auth(), signed=False
        )
        if not self.expect(sent, 204, "send association code"):
            return
        approve = {"verification_code": self.newest_code()}
        answer = self.client.send(
            "POST",
            f"{customer_path}/approve",
            approve,
            key=self.key(),
            headers=self.customer_auth(),
            signed=False,
        )
        if self.expect(answer, 200, "approve association switch"):
            self.model.association_type = target

    def customer_auth(self) -> dict[str, str]:
        if self._customer_token is None:
            login = {
                "auth": {
                    "identity": {
                        "methods": ["password"],
                        "password": {
                            "user": {"name": self.world.switcher_login, "password": CUSTOMER_PASSWORD}
                        },
                    }
                }
            }
            response = self.client.send("POST", "/v3/auth/tokens", login, signed=False)
            if response.status_code != 201:
                raise RuntimeError(f"customer login: {response.status_code} {response.text}")
            self._customer_token = response.headers["X-Subject-Token"]
        return {"X-Auth-Token": self._customer_token}

    def newest_code(self) -> str:
        from partnerhub.verification.outbox import newest_code

        if self._ctx is None:
            self._ctx = build_context(Settings(data_dir=self.data_dir, database_url=self.database_url))
        with session_scope(self._ctx.sessions) as session:
            code = newest_code(session, self._ctx, self.world.switcher_mobile)
        if code is None:
            raise RuntimeError("no association code in the outbox")
        return code

    def run(self, seconds: float, enough_kills: Any) -> WorkerReport:
        """Run for ``seconds`` and until the killer has struck often enough (``enough_kills`` is set)."""
        operations = [
            (self.fund, 5),
            (self.reclaim, 3),
            (self.fund_reseller, 2),
            (self.reclaim_reseller, 2),
            (self.issue_coupon, 2),
            (self.reclaim_coupon, 2),
            (self.issue_quota, 2),
            (self.reclaim_quota, 2),
            (self.switch_association, 1),
        ]
        choices = [operation for operation, _ in operations]
        weights = [weight for _, weight in operations]
        started = time.monotonic()
        deadline, hard_stop = started + seconds, started + seconds + ANSWER_DEADLINE
        while len(self.report.problems) < 20 and time.monotonic() < hard_stop:
            if time.monotonic() > deadline and enough_kills.is_set():
                break
            self.rng.choices(choices, weights)[0]()
        self.report.model = asdict(self.model)
        if self._ctx is not None:
            self._ctx.engine.dispose()
        return self.report


def _worker_main(
    world: dict[str, Any],
    urls: list[str],
    data_dir: str,
    database_url: str,
    seconds: float,
    events: tuple[Any, Any],
    queue: Any,
) -> None:
    """``events``: (loading, enough kills); the worker sets the first once it starts its load."""
    world["distributor"] = Caller(**world["distributor"])
    worker = Worker(World(**world), urls, Path(data_dir), database_url, seed=world["number"] * 7919)
    try:
        events[0].set()
        report = worker.run(seconds, events[1])
    except Exception as exc:  # reported, not swallowed: the parent counts it as a problem
        worker.report.problems.append(f"worker crashed: {exc!r}")
        report = worker.report
    queue.put(asdict(report))


def build_worlds(ctx: AppContext, workers: int) -> list[World]:
    env = Env(ctx=ctx, url="", app=cast(FastAPI, None), clock=cast(FakeClock, ctx.clock))
    worlds = []
    for number in range(workers):
        distributor = make_partner(env, "distributor")
        reseller = make_partner(env, "reseller", parent=distributor)
        top_up(env, distributor, str(START_CASH))
        quota_id = grant(env, distributor, str(START_QUOTA))
        customers = [make_customer(env, distributor) for _ in range(3)]
        mobile = f"{SWITCH_MOBILE_PREFIX}{number:04d}"
        login = f"switcher-{number}-{distributor.id[:6]}"
        switcher = make_customer(env, distributor, name=login, mobile=mobile, password=CUSTOMER_PASSWORD)
        caller = Caller(distributor.id, distributor.access_key, distributor.secret_key)
        worlds.append(World(number, caller, reseller.id, customers, quota_id, switcher, login, mobile, 2))
    return worlds


class Killer(threading.Thread):
    """SIGKILLs the instances in turn, one about every ``every`` seconds, and starts each again (same port).
    Sets ``enough`` after ``minimum`` kills."""

    def __init__(self, cluster: Cluster, every: float, seed: int, minimum: int, enough: Any) -> None:
        super().__init__(daemon=True)
        self.cluster = cluster
        self.every = every
        self.rng = random.Random(seed)
        self.kills = 0
        self.restarts: list[float] = []
        """Seconds from each kill until the instance answered again."""
        self.minimum = minimum
        self.enough = enough
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.wait(self.rng.uniform(self.every / 2, self.every * 1.5)):
                instance = self.cluster.instances[self.kills % len(self.cluster.instances)]
                instance.kill()
                killed = time.monotonic()
                self.kills += 1
                time.sleep(self.rng.uniform(0.1, 1.0))  # down for a moment: clients must retry elsewhere
                instance.start()
                instance.wait_ready()
                self.restarts.append(time.monotonic() - killed)
                if self.kills >= self.minimum:
                    self.enough.set()
        except BaseException as exc:  # surfaced by the test
            self.error = exc


def verify_afterwards(
    ctx: AppContext,
    urls: list[str],
    data_dir: Path,
    database_url: str,
    worlds: list[World],
    reports: list[WorkerReport],
) -> list[str]:
    problems: list[str] = []
    env = server_environment(database_url, data_dir)
    for command in (("ledger", "verify", "--json"), ("audit", "verify", "--json")):
        done = subprocess.run(
            partnerhub_command(*command), env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            problems.append(
                f"{' '.join(command)} exit {done.returncode}: {done.stdout[-500:]} {done.stderr[-500:]}"
            )
    by_number = {report.number: report for report in reports}
    for world in worlds:
        report = by_number.get(world.number)
        if report is None:
            problems.append(f"worker {world.number} reported nothing")
            continue
        problems += _compare(ctx, urls[0], world, report.model)
    return problems


def _compare(ctx: AppContext, url: str, world: World, model: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    report = WorkerReport(world.number)
    client = Client([url], world.distributor, report, random.Random(0))

    def check(what: str, reported: Any, expected: Any) -> None:
        if reported != expected:
            problems.append(
                f"worker {world.number} {what}: API says {reported}, acknowledged ops imply {expected}"
            )

    balances = client.send("GET", "/v2/accounts/partner-accounts/balances").json()
    check("distributor cash", _minor(balances["account_balances"][0]["amount"]), model["cash"])
    reseller = client.send(
        "GET", "/v2/accounts/partner-accounts/balances", query=[("indirect_partner_id", world.reseller_id)]
    ).json()
    check("reseller cash", _minor(reseller["account_balances"][0]["amount"]), model["reseller_cash"])
    body = {"customer_infos": [{"customer_id": customer} for customer in world.customers]}
    customers = client.send("POST", "/v2/accounts/customer-accounts/balances/batch-query", body).json()
    reported = {row["customer_id"]: _minor(row["amount"]) for row in customers["customer_balances"]}
    check("customer balances", reported, model["customers"])
    quotas = client.send("POST", "/v2/partners/coupon-quotas/query", {"quota_ids": [world.quota_id]}).json()
    check("quota balance", _minor(quotas["quotas"][0]["balance"]), model["quota"])
    coupons = client.send(
        "GET", "/v2/promotions/benefits/partner-coupons", query=[("limit", "100"), ("status", "2")]
    ).json()
    check("usable coupons", coupons.get("total_count"), len(model["coupons"]))
    live: set[str] = set()
    offset, total = 0, 1
    while offset < total:
        query = [("limit", "100"), ("offset", str(offset)), ("indirect_partner_id", world.reseller_id)]
        page = client.send("GET", "/v2/partners/issued-coupon-quotas", query=query).json()
        total, offset = page["total_count"], offset + 100
        live |= {q["quota_id"] for q in page["quotas"] if q["quota_status"] != 6}
    check("reseller child quotas", live, set(model["child_quotas"]))
    with session_scope(ctx.sessions) as session:
        association = session.scalars(
            select(Association.association_type).where(Association.active_customer_id == world.switcher_id)
        ).one()
        check("association type", association, model["association_type"])
        for key, transfer_id in model["transfers"].items():
            rows = session.execute(
                select(LedgerTransfer.transaction_id).where(
                    LedgerTransfer.idempotency_key == key,
                )
            ).all()
            if [row[0] for row in rows] != [transfer_id]:
                problems.append(
                    f"worker {world.number} key {key}: ledger holds {rows}, answered {transfer_id}"
                )
        keyed = session.scalar(
            select(func.count())
            .select_from(LedgerTransfer)
            .where(LedgerTransfer.idempotency_key.like(f"bank-{world.number}-%"))
        )
        check("transfers under the worker's keys", keyed, len(model["transfers"]))
    problems += report.problems
    return problems


def run_bank(
    database_url: str,
    data_dir: Path,
    *,
    instances: int,
    seconds: float,
    workers: int = 3,
    kill_every: float | None = None,
    min_kills: int | None = None,
    seed: int = 1,
) -> BankReport:
    """``min_kills``: the load goes on until this many kills (default: 3, or 2 per instance with several);
    ``kill_every``: the mean pause between a restart and the next kill."""
    minimum = min_kills if min_kills is not None else (3 if instances == 1 else 2 * instances)
    # One instance alone: leave it up a little longer between kills, or the load is mostly waiting.
    every = kill_every if kill_every is not None else (2.5 if instances == 1 else 1.0)
    phases: dict[str, float] = {}
    clock = time.monotonic()
    upgrade(database_url)
    ctx = build_context(Settings(data_dir=data_dir, database_url=database_url))
    try:
        worlds = build_worlds(ctx, workers)
        cluster = Cluster(database_url, data_dir, instances).start()
        phases["setup"], clock = time.monotonic() - clock, time.monotonic()
        spawn = multiprocessing.get_context("spawn")
        enough, loading = spawn.Event(), spawn.Event()
        killer = Killer(cluster, every, seed, minimum, enough)
        queue = spawn.Queue()
        processes = [
            spawn.Process(
                target=_worker_main,
                args=(
                    _plain(world),
                    cluster.urls,
                    str(data_dir),
                    database_url,
                    seconds,
                    (loading, enough),
                    queue,
                ),
            )
            for world in worlds
        ]
        try:
            for process in processes:
                process.start()
            loading.wait(timeout=120)  # the workers have imported everything: now the killing starts
            killer.start()
            reports = [
                WorkerReport(**queue.get(timeout=seconds + 2 * ANSWER_DEADLINE + 60)) for _ in processes
            ]
            killer.stop.set()
            killer.join(timeout=60)
            for process in processes:
                process.join(timeout=30)
            # Every instance up again before the final reads.
            for instance in cluster.instances:
                if instance.process is None or instance.process.poll() is not None:
                    instance.start()
                instance.wait_ready()
            phases["load"], clock = time.monotonic() - clock, time.monotonic()
            problems = [f"killer: {killer.error!r}"] if killer.error else []
            problems += verify_afterwards(ctx, cluster.urls, data_dir, database_url, worlds, reports)
            phases["verify"] = time.monotonic() - clock
        finally:
            killer.stop.set()
            for process in processes:
                if process.is_alive():
                    process.kill()
            cluster.stop()
    finally:
        ctx.engine.dispose()
    ops: dict[str, int] = {}
    for report in reports:
        for name, count in report.ops.items():
            ops[name] = ops.get(name, 0) + count
    engine = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    return BankReport(
        engine,
        instances,
        seconds,
        workers,
        ops,
        killer.kills,
        sum(r.retries for r in reports),
        problems,
        {name: round(value, 1) for name, value in phases.items()},
        round(sum(killer.restarts) / len(killer.restarts), 1) if killer.restarts else 0.0,
    )


def _plain(world: World) -> dict[str, Any]:
    return asdict(world)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", type=float, default=20.0, metavar="SECONDS", help="How long the load runs.")
    parser.add_argument(
        "--postgres", metavar="URL", help="A PostgreSQL database URL (two instances); default SQLite."
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--kill-every",
        type=float,
        metavar="SECONDS",
        help="Mean pause between kills (2.5 alone, 1 with two).",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="partnerhub-bank-") as folder:
        data_dir = Path(folder)
        url = args.postgres or f"sqlite:///{data_dir / 'partnerhub.db'}"
        started = datetime.now(UTC)
        report = run_bank(
            url,
            data_dir,
            instances=2 if args.postgres else 1,
            seconds=args.long,
            workers=args.workers,
            kill_every=args.kill_every,
        )
    summary = {**asdict(report), "total_ops": report.total_ops, "started": started.isoformat()}
    sys.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    raise SystemExit(1 if report.problems else 0)


if __name__ == "__main__":
    main()
