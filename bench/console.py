"""Console page latency on a big tenant: customer list and dashboard at 100,000 and 1,000,000 customers.

For each size: a throwaway data directory, ``partnerhub db upgrade`` and ``partnerhub demo --customers N``
(the demo spreads customers over its distributor and two resellers, so ``demo-distributor`` holds about
N/3), then a real ``partnerhub serve`` subprocess on 127.0.0.1. One client signs in as
``demo-distributor`` and requests each page sequentially ``--requests`` times after a short warm-up: the
customer list (first page: the same services as the API's list, a page of rows plus the total count), the
list filtered by a login name, a deep page, and the dashboard. Reports p50/p95/max in milliseconds.
Goal: p95 ≤ 200 ms.

    .venv/bin/python bench/console.py [--sizes 100000,1000000] [--requests 30] [--keep]

SQLite only (the default deployment). Loopback only; bounded by --requests per page. Seeding a million
customers takes about a minute and a half; the data directory is removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

DEMO_LOGIN = "demo-distributor"
DEMO_PASSWORD = "Demo@partnerhub1"  # noqa: S105 - the demo's published password
PAGES = {
    "customers (first page)": "/console/customers",
    "customers (login-name filter)": "/console/customers?account_name=customer-00001",
    "customers (page 500)": "/console/customers?offset=10000",
    "dashboard": "/console/",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(data_dir: Path, *args: str) -> str:
    env = {**os.environ, "PARTNERHUB_DATA_DIR": str(data_dir), "PARTNERHUB_LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-m", "partnerhub.cli", *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def _serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PARTNERHUB_DATA_DIR": str(data_dir), "PARTNERHUB_LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "-m", "partnerhub.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_ready(client: httpx.Client) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _sign_in(client: httpx.Client) -> None:
    page = client.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the sign-in page"
    answer = client.post(
        "/console/login",
        data={"csrf_token": token.group(1), "login_name": DEMO_LOGIN, "password": DEMO_PASSWORD},
    )
    assert answer.status_code == 303, answer.text[:200]


def _measure(client: httpx.Client, path: str, requests: int) -> list[float]:
    for _ in range(3):
        assert client.get(path).status_code == 200
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
    return timings


def _p(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def run(size: int, requests: int, keep: bool) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix=f"partnerhub-bench-console-{size}-"))
    server = None
    try:
        started = time.monotonic()
        _cli(data_dir, "db", "upgrade")
        _cli(data_dir, "demo", "--customers", str(size))
        seeded = time.monotonic() - started
        port = _free_port()
        server = _serve(data_dir, port)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120, follow_redirects=False) as client:
            _wait_ready(client)
            _sign_in(client)
            print(f"\n{size:,} customers (seeded in {seeded:.0f} s), {requests} requests per page")
            print("| page | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|")
            for name, path in PAGES.items():
                timings = _measure(client, path, requests)
                p50, p95 = statistics.median(timings), _p(timings, 0.95)
                print(f"| {name} | {p50:.1f} | {p95:.1f} | {max(timings):.1f} |", flush=True)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if keep:
            print(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    args = parser.parse_args()
    for size in (int(part) for part in args.sizes.split(",")):
        run(size, args.requests, args.keep)


if __name__ == "__main__":
    main()
