"""``python -m partnerhub.cli`` runs the same commands as the executable (the benchmarks start it so)."""

from __future__ import annotations

import subprocess
import sys

from partnerhub import __version__


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "partnerhub.cli", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert __version__ in done.stdout
