"""``make bench``: every benchmark, one table, each figure beside its goal.

Runs ``bench/api.py`` (signed API overhead, funding vs pgbench, batch funding, memory) on SQLite and
PostgreSQL, then ``bench/lists.py`` (lists at 10k, 100k and 1M rows on both engines, the server's memory while
listing; ``--list-sizes``/``--list-backends``/``--list-requests`` choose a smaller run, ``--list-sizes ''``
none), and prints one table: every figure beside its goal. Needs ``wrk`` and ``pgbench`` on PATH and a
PostgreSQL it may create scratch databases on (``PARTNERHUB_BENCH_POSTGRES_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); says what to install when a tool is missing.

    .venv/bin/python bench/run.py [--duration 8] [--connections 16] [--workers 2] [--json out.json]
        [--list-sizes 10000,100000,1000000] [--list-backends sqlite,postgres] [--list-requests 30]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import api  # noqa: E402 - the sibling benchmarks
import lists  # noqa: E402


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}, load {load:.1f} at start"


def commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def rows(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(backend, measure, figure, goal)."""
    out: list[tuple[str, str, str, str]] = []
    tps = (report.get("pgbench") or {}).get("tps")
    for backend in report["backends"]:
        name = backend["backend"]
        runs = {run["name"]: run for run in backend["runs"]}
        health = runs["healthz"]["requests_per_second"] or 1
        out.append((name, "/healthz", f"{health:.0f} req/s", "—"))
        for label in ("signed read (balances)", "check-identity"):
            run = runs[label]
            ratio = run["requests_per_second"] / health
            out.append(
                (
                    name,
                    f"{label} vs /healthz",
                    f"{run['requests_per_second']:.0f} req/s = {ratio:.3f} (p99 {run['p99_ms']} ms)",
                    "≥ 0.5",
                )
            )
        fund = runs["funding (adjust-amount)"]
        if name == "postgres" and tps:
            against = f" = {fund['requests_per_second'] / tps:.3f} of pgbench {tps:.0f} tps"
        else:
            against = ""
        out.append(
            (
                name,
                "funding, saturated",
                f"{fund['requests_per_second']:.0f}/s{against}, p50 {fund['p50_ms']} p99 {fund['p99_ms']} ms",
                "≥ 0.25 of pgbench" if name == "postgres" else "—",
            )
        )
        paced = runs["funding at 100/s"]
        out.append(
            (
                name,
                "funding at 100/s, one hot partner",
                f"{paced['requests_per_second']:.0f}/s, p50 {paced['p50_ms']} p99 {paced['p99_ms']} ms",
                "p99 ≤ 100 ms",
            )
        )
        batch = backend["batch"]
        per_request = batch["fundings"] // batch["requests"]
        out.append(
            (
                name,
                f"batch funding {batch['fundings']} ({batch['requests']} × {per_request})",
                f"{batch['seconds']} s ({batch['failed_requests']} failed)",
                "≤ 10 s (PostgreSQL)",
            )
        )
        out.append((name, "server peak RSS, funding load", f"{backend['peak_rss_mib']} MiB", "recorded"))
        failures = sum(run["errors"] for run in backend["runs"])
        ledger = "ok" if backend["ledger_verify_ok"] else "FAILED"
        out.append((name, "errors / ledger verify", f"{failures} / {ledger}", "0 / ok"))
    return out


def size_label(size: int) -> str:
    for unit, name in ((1_000_000, "M"), (1_000, "k")):
        if size >= unit and size % unit == 0:
            return f"{size // unit}{name}"
    return f"{size:,}"


def list_rows(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The lists at scale: per backend and case, p95 at each size and its growth smallest → largest size."""
    data = report.get("lists") or {}
    runs = data.get("runs") or []
    growth = {(g["backend"], g["case"]): g["p95_ratio"] for g in data.get("growth") or []}
    out: list[tuple[str, str, str, str]] = []
    for backend in dict.fromkeys(run["backend"] for run in runs):
        sized = sorted((run for run in runs if run["backend"] == backend), key=lambda run: run["size"])
        labels = [size_label(run["size"]) for run in sized]
        span = f"{labels[0]}→{labels[-1]}"
        for run in sized:
            parts = ", ".join(f"{name} {seconds} s" for name, seconds in run["seeding"].items())
            ledger = "ledger verify ok" if run["ledger_verify_ok"] else "ledger verify FAILED"
            out.append(
                (
                    backend,
                    f"lists: seeding {size_label(run['size'])}",
                    f"{run['seed_seconds']} s ({parts}); {ledger}",
                    "a few minutes; ok",
                )
            )
        for run in sized:
            out.append(
                (
                    backend,
                    f"lists: server peak RSS listing at {size_label(run['size'])}",
                    f"{run['peak_rss_mib']} MiB",
                    "recorded",
                )
            )
        by_size = [{result["case"]: result for result in run["results"]} for run in sized]
        for case in by_size[-1]:
            figures = " / ".join(
                f"{results[case]['p95_ms']}" if case in results else "—" for results in by_size
            )
            failures = sum(results[case]["failures"] for results in by_size if case in results)
            timed = min(results[case]["requests"] for results in by_size if case in results)
            ratio = growth.get((backend, case))
            figure = f"p95 {figures} ms at {' / '.join(labels)}"
            if ratio is not None:
                figure += f"; ×{ratio} {span}"
            if failures:
                figure += f"; {failures} failed"
            if timed < data["requests"]:
                figure += f" (as few as {timed} requests: time budget)"
            out.append(
                (
                    backend,
                    f"list {case}",
                    figure,
                    f"p95 ≤ 50 ms at 1M; ≤ 2× {span}" if ratio else "p95 ≤ 50 ms",
                )
            )
    return out


def table(report: dict[str, Any]) -> str:
    lines = ["| backend | measure | figure | goal |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(report) + list_rows(report)]
    return "\n".join(lines)


def profile_summary(report: dict[str, Any], top: int = 8) -> str:
    """The top of each py-spy profile (``bench/api.py --profile``): on-CPU frames, and partnerhub's own."""
    lines = []
    for backend in report["backends"]:
        for run, summary in (backend.get("profiles") or {}).items():
            if not summary:
                continue
            samples = summary["samples"]
            lines.append(f"\nprofile: {backend['backend']}, {run} ({samples} samples, every worker)")
            own = summary["partnerhub_inclusive_percent"][:top]
            lines += [f"  self {pct:5.1f} %  {frame}" for frame, pct in summary["self_percent"][:top]]
            lines += [f"  incl {pct:5.1f} %  {frame}" for frame, pct in own]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    api.add_arguments(parser)
    lists.add_arguments(parser, prefix="list-")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    missing = api.missing_tools()
    if missing:
        sys.exit("make bench needs: " + "; ".join(missing))
    header = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, {machine()}"
    print(f"partnerhub bench — {header}", flush=True)
    with tempfile.TemporaryDirectory(prefix="partnerhub-bench-profile-") as profiles:
        if args.profile is None:  # make bench profiles the signed read and the funding run by default
            args.profile = Path(profiles)
        report = api.run(args)
    report["header"] = header
    failed = None
    if args.list_sizes:
        list_args = lists.options(args, "list_")
        try:
            report["lists"] = lists.as_json(lists.run(list_args), list_args)
        except Exception as exc:  # the API figures are still worth their table
            failed = f"bench/lists.py failed: {exc!r}"
            report["lists_error"] = failed
    print(table(report), flush=True)
    print(profile_summary(report), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    if failed:
        sys.exit(failed)


if __name__ == "__main__":
    main()
