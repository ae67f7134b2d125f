"""The signed API's overhead and funding against the database, replayed by ``wrk`` from pre-signed requests.

For each backend (a scratch SQLite file, a scratch PostgreSQL database) it seeds one solution provider with an
AK/SK, customers and a large top-up, starts a real ``partnerhub serve --workers N`` and measures with ``wrk``
(a compiled load generator, so the client is not the bottleneck):

* ``/healthz`` — the framework floor;
* a signed read (``GET …/balances``) and a signed ``check-identity`` — as ratios to ``/healthz``;
* funding (``adjust-amount``, 0.01 yuan, every request its own ``X-Client-Token``, one hot partner account),
  saturated and at a fixed 100 requests/s — as a ratio to ``pgbench`` TPC-B with the same connections;
* batch funding: 100 ``batch-adjust`` requests × 100 customers (10,000 fundings), wall time;
* the server's peak resident memory (all its processes) during the funding load.

Signing happens before the clock starts: a signature holds for ±15 minutes, so every request is signed once
and written into a Lua table that ``wrk`` replays (each wrk thread its own slice, so no client token repeats).
Rate limits are lifted for the run through the ``PARTNERHUB_RATE_*`` settings.

    .venv/bin/python bench/api.py [--duration 8] [--connections 16] [--workers 2] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import simplejson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from funding import (
    ADJUST_PATH,
    BALANCES_PATH,
    DEFAULT_POSTGRES,
    Seed,
    drop_postgres,
    free_port,
    ledger_ok,
    pgbench,
    scratch_postgres,
    seed,
    signed,
    start_server,
    stop_server,
)
from partnerhub.config import Settings
from partnerhub.db.migrate import upgrade

CHECK_PATH = "/v2/partners/sub-customers/users/check-identity"
BATCH_PATH = "/v2/accounts/partner-accounts/batch-adjust"
LIFTED_LIMITS = {
    "PARTNERHUB_RATE_DEFAULT_PER_SECOND": "10000000",
    "PARTNERHUB_RATE_CHECK_IDENTITY_PER_SECOND": "10000000",
    "PARTNERHUB_AUTH_FAILURES_PER_SECOND_PER_ADDRESS": "10000000",
}

# Each wrk thread replays its own slice of the pre-signed requests (thread i takes i, i+T, i+2T, ...); when a
# slice runs out the thread stops rather than repeat a client token (a replay would be a cheap cached answer).
LUA = r"""
local requests = dofile("%(table)s")
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  stride = %(threads)d
  index = id + 1
  bad = 0
end
%(delay)s
function request()
  local r = requests[index]
  if r == nil then
    if %(unique)s then
      wrk.thread:stop()
    end
    index = id + 1
    r = requests[index]
  end
  index = index + stride
  return r
end
function response(status, headers, body)
  if status ~= 200 and bad == 0 then
    bad = 1
    io.stderr:write("WRK_FIRST_ERROR " .. status .. " " .. string.sub(body, 1, 300) .. "\n")
  end
end
function done(summary, latency, requests)
  local out = string.format('{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"mean_us": %%d, "socket_errors": %%d, "non_2xx": %%d}',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status)
  io.stderr:write("WRK_RESULT " .. out .. "\n")
end
"""


def lua_string(text: str | bytes) -> str:
    raw = text if isinstance(text, bytes) else text.encode()
    return '"' + "".join(f"\\{b:03d}" if b < 32 or b in (34, 92) or b > 126 else chr(b) for b in raw) + '"'


def raw_request(method: str, path: str, headers: dict[str, str], body: bytes) -> str:
    lines = [f"{method} {path} HTTP/1.1"]
    if not any(name.lower() == "host" for name in headers):
        lines.append("Host: 127.0.0.1")
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return "\r\n".join(lines) + "\r\n\r\n" + body.decode()


def write_requests(directory: Path, requests: list[str]) -> Path:
    table = directory / f"requests-{uuid.uuid4().hex[:8]}.lua"
    with table.open("w") as out:
        out.write("return {\n")
        for request in requests:
            out.write(lua_string(request) + ",\n")
        out.write("}\n")
    return table


@dataclass
class WrkResult:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    errors: int
    requests: int

    def row(self) -> dict[str, Any]:
        return self.__dict__


def run_wrk(
    name: str,
    base: str,
    scratch: Path,
    requests: list[str],
    *,
    connections: int,
    duration: float,
    rate: float | None = None,
    unique: bool = False,
) -> WrkResult:
    """``unique``: every request may be sent once (a client token); otherwise the list is cycled."""
    threads = min(2, connections, len(requests))
    pace_ms = int(connections / rate * 1000) if rate else 0
    script = scratch / f"{uuid.uuid4().hex[:8]}.lua"
    script.write_text(
        LUA
        % {
            "table": write_requests(scratch, requests),
            "threads": threads,
            "unique": "true" if unique else "false",
            "delay": f"function delay() return {pace_ms} end" if pace_ms else "",
        }
    )
    done = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{max(1, int(duration))}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next((x for x in done.stderr.splitlines() if x.startswith("WRK_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {done.stdout} {done.stderr}")
    data = json.loads(line.removeprefix("WRK_RESULT "))
    first_error = next((x for x in done.stderr.splitlines() if x.startswith("WRK_FIRST_ERROR ")), None)
    if first_error:
        print(f"{name}: {first_error}", file=sys.stderr)
    seconds = data["duration_us"] / 1e6
    errors = data["socket_errors"] + data["non_2xx"]
    return WrkResult(
        name,
        round((data["requests"] - errors) / seconds, 1),
        round(data["p50_us"] / 1000, 1),
        round(data["p99_us"] / 1000, 1),
        round(data["mean_us"] / 1000, 1),
        errors,
        data["requests"],
    )


class RssSampler:
    """Peak resident memory of the server process group (the supervisor and its workers), sampled at 20 Hz."""

    def __init__(self, pgid: int) -> None:
        self.pgid = pgid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            total = 0
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(fields[2]) == self.pgid:  # field 5 of stat: the process group
                        total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
                except (OSError, IndexError, ValueError):
                    continue
            self.peak_kib = max(self.peak_kib, total)


class Profiler:
    """``py-spy record`` on every server worker while a run goes (``--profile``): CPU samples only (threads
    waiting on a socket are idle to py-spy), summarised over the workers as the functions with the most
    samples on-CPU in themselves and, among partnerhub's own, the most samples anywhere on the stack."""

    def __init__(self, pgid: int, name: str, folder: Path | None) -> None:
        self.pgid, self.name, self.folder = pgid, name, folder
        self.processes: list[tuple[subprocess.Popen[bytes], Path]] = []
        self.summary: dict[str, Any] | None = None

    def __enter__(self) -> Profiler:
        spy = Path(sys.executable).with_name("py-spy")
        if self.folder is None or not spy.exists():
            return self
        for worker in sorted(workers_of(self.pgid)):
            output = self.folder / f"{self.name}-{worker}.txt"
            command = [str(spy), "record", "--pid", str(worker), "--format", "raw", "--rate", "200"]
            process = subprocess.Popen(
                [*command, "--nonblocking", "--output", str(output)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.processes.append((process, output))
        return self

    def __exit__(self, *_: object) -> None:
        for process, _ in self.processes:
            process.send_signal(signal.SIGINT)
        raw = []
        for process, output in self.processes:
            process.wait(timeout=30)
            if output.exists():
                raw.append(output.read_text())
        if raw:
            self.summary = summarise_profile("\n".join(raw))


def summarise_profile(raw: str, top: int = 12) -> dict[str, Any]:
    """Collapsed stacks (``frame;frame;… count``) → the top frames by self and by inclusive samples."""
    own: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [short_frame(frame) for frame in stack.split(";")]
        total += int(count)
        own[frames[-1][0]] += int(count)
        for name, ours in set(frames):
            if ours:
                anywhere[name] += int(count)

    def share(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(frame, round(100 * n / total, 1)) for frame, n in counter.most_common(top)] if total else []

    return {"samples": total, "self_percent": share(own), "partnerhub_inclusive_percent": share(anywhere)}


def short_frame(frame: str) -> tuple[str, bool]:
    """``function (/a/b/file.py:12)`` → (``function (b/file.py)``, whether it is partnerhub's own code)."""
    function, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    ours = path.startswith("partnerhub/") or "/partnerhub/" in path  # py-spy shortens installed paths
    return f"{function} ({'/'.join(path.split('/')[-2:])})", ours


def workers_of(pgid: int) -> set[int]:
    """The server's worker processes (multiprocessing children of the supervisor, not its helpers)."""
    members = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                in_group = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid
                if in_group and b"spawn_main" in (entry / "cmdline").read_bytes():
                    members.add(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return members


def fund_requests(base: str, seeded: Seed, count: int) -> list[str]:
    out = []
    for n in range(count):
        body = {"customer_id": seeded.customers[n % len(seeded.customers)], "amount": "0.01"}
        headers, raw = signed(base, seeded, "POST", ADJUST_PATH, body)
        headers["X-Client-Token"] = uuid.uuid4().hex
        out.append(raw_request("POST", ADJUST_PATH, headers, raw))
    return out


def batch_funding(base: str, seeded: Seed, requests: int, items: int, connections: int) -> dict[str, Any]:
    """``requests`` batch-adjust calls of ``items`` distinct customers each, ``connections`` at a time."""
    bodies = []
    for r in range(requests):
        chunk = seeded.customers[r * items : (r + 1) * items]
        bodies.append({"adjust_infos": [{"customer_id": c, "amount": "0.01"} for c in chunk]})
    signed_calls = []
    for body in bodies:
        headers, raw = signed(base, seeded, "POST", BATCH_PATH, body)
        headers["X-Client-Token"] = uuid.uuid4().hex
        signed_calls.append((headers, raw))
    failures: list[str] = []
    lock = threading.Lock()
    queue = iter(signed_calls)

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            while True:
                with lock:
                    call = next(queue, None)
                if call is None:
                    return
                response = client.post(BATCH_PATH, headers=call[0], content=call[1])
                funded = response.json().get("success_count") if response.status_code == 200 else None
                if funded != items:
                    with lock:
                        failures.append(f"{response.status_code} {response.text[:200]}")

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "fundings": requests * items,
        "requests": requests,
        "connections": connections,
        "seconds": round(elapsed, 2),
        "fundings_per_second": round(requests * items / elapsed, 1),
        "failed_requests": len(failures),
        "first_failure": failures[0] if failures else None,
    }


def bench_backend(backend: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"partnerhub-bench-api-{backend}-") as scratch_dir:
        scratch = Path(scratch_dir)
        settings = Settings(data_dir=scratch, database_url=url, log_json=True)
        upgrade(url)
        customers = max(args.customers, args.batch_requests * args.batch_items)
        seeded = seed(settings, customers)
        env = {
            **os.environ,
            **LIFTED_LIMITS,
            "PARTNERHUB_DATABASE_URL": url,
            "PARTNERHUB_DATA_DIR": scratch_dir,
            "PARTNERHUB_LOG_LEVEL": "WARNING",
            **({"PARTNERHUB_REDIS_URL": args.redis_url} if args.redis_url else {}),
        }
        port = free_port()
        process = start_server(env, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        out: dict[str, Any] = {"backend": backend, "workers": args.workers, "runs": []}
        try:
            health = raw_request("GET", "/healthz", {}, b"")
            read_headers, _ = signed(base, seeded, "GET", BALANCES_PATH, None)
            read = raw_request("GET", BALANCES_PATH, read_headers, b"")
            check_body = {"search_type": "name", "search_value": "nobody-here"}
            check_headers, check_raw = signed(base, seeded, "POST", CHECK_PATH, check_body)
            check = raw_request("POST", CHECK_PATH, check_headers, check_raw)
            expected = args.duration * 3000  # more than any run here reaches; unused ones are never sent
            funds = fund_requests(base, seeded, int(expected))
            common = {"connections": args.connections, "duration": args.duration}
            run_wrk("warmup", base, scratch, [read], connections=4, duration=2)
            runs = [run_wrk("healthz", base, scratch, [health], **common)]
            with Profiler(process.pid, "read", args.profile) as read_profile:
                runs.append(run_wrk("signed read (balances)", base, scratch, [read], **common))
            runs.append(run_wrk("check-identity", base, scratch, [check], **common))
            with RssSampler(process.pid) as sampler:
                with Profiler(process.pid, "funding", args.profile) as funding_profile:
                    runs.append(
                        run_wrk(
                            "funding (adjust-amount)",
                            base,
                            scratch,
                            funds[: len(funds) // 2],
                            unique=True,
                            **common,
                        )
                    )
                runs.append(
                    run_wrk(
                        "funding at 100/s",
                        base,
                        scratch,
                        funds[len(funds) // 2 :],
                        connections=args.connections,
                        duration=args.duration,
                        rate=100,
                        unique=True,
                    )
                )
                out["batch"] = batch_funding(base, seeded, args.batch_requests, args.batch_items, 4)
            out["peak_rss_mib"] = round(sampler.peak_kib / 1024, 1)
            if args.profile:
                out["profiles"] = {"signed read": read_profile.summary, "funding": funding_profile.summary}
            out["runs"] = [run.row() for run in runs]
        finally:
            stop_server(process)
        out["ledger_verify_ok"] = ledger_ok(settings)
        return out


def missing_tools() -> list[str]:
    hints = {
        "wrk": "apt-get install wrk",
        "pgbench": "apt-get install postgresql-contrib (Debian: postgresql)",
    }
    return [f"{tool} (install: {hint})" for tool, hint in hints.items() if shutil.which(tool) is None]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (and pgbench clients)")
    parser.add_argument("--workers", type=int, default=2, help="partnerhub serve worker processes")
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--batch-requests", type=int, default=100)
    parser.add_argument("--batch-items", type=int, default=100)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PARTNERHUB_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="an existing database used to create (and drop) scratch databases",
    )
    parser.add_argument("--redis-url", default=None, help="rate limits in Redis")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="py-spy one worker during the signed read and the funding run; raw stacks go to this folder",
    )
    parser.add_argument("--pgbench-scale", type=int, default=10)


def run(args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {"backends": []}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="partnerhub-bench-db-") as directory:
                report["backends"].append(bench_backend("sqlite", f"sqlite:///{directory}/bench.db", args))
        else:
            name, url = scratch_postgres(args.postgres_url)
            try:
                report["backends"].append(bench_backend("postgres", url, args))
            finally:
                drop_postgres(args.postgres_url, name)
    if "postgres" in args.backends:
        pg_args = argparse.Namespace(
            duration=args.duration, concurrency=args.connections, pgbench_scale=args.pgbench_scale
        )
        report["pgbench"] = pgbench(args.postgres_url, pg_args)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_arguments(parser)
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        sys.exit("bench/api.py needs: " + "; ".join(missing))
    print(simplejson.dumps(run(args), indent=2))


if __name__ == "__main__":
    main()
