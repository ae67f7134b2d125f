"""Without PostgreSQL, ``-ra`` folds every PostgreSQL skip into one line instead of one per test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_postgres_skips_fold_into_one_summary_line() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERHUB_TEST_")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "tests/browser/test_api_explorer.py",
            "-k",
            "assets",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    skipped = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, skipped
    assert skipped[0].startswith("SKIPPED [3] ") and "PARTNERHUB_TEST_POSTGRES_URL" in skipped[0]
    assert "3 passed, 3 skipped" in result.stdout
