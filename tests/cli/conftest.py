"""CLI tests: in-process through typer's runner, and as real processes started from a folder that is not the
project, with the data dir given only through the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from partnerhub.cli import app
from tests.support import Env

PROJECT = Path(__file__).resolve().parents[2]
EXECUTABLE = Path(sys.executable).with_name("partnerhub")
"""The console script pip installed for ``partnerhub = "partnerhub.cli:main"``."""

_runner = CliRunner()


@pytest.fixture
def cli_env(env: Env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Env:
    """In-process commands on the live server's database, run from a folder that is not the project."""
    monkeypatch.setenv("PARTNERHUB_DATABASE_URL", env.ctx.settings.resolved_database_url())
    monkeypatch.setenv("PARTNERHUB_DATA_DIR", str(env.ctx.settings.data_dir))  # same master key as the server
    monkeypatch.chdir(tmp_path)
    return env


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    """(exit code, stdout and stderr) of one in-process command."""
    result = _runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.output


def run_json(*args: str) -> Any:
    result = _runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@dataclass(frozen=True)
class Finished:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        assert self.code == 0, self.stderr
        return json.loads(self.stdout)


def clean_environment(home: Path) -> dict[str, str]:
    """The process environment without partnerhub or XDG settings, with its own home."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PARTNERHUB_", "XDG_")) and key not in ("PYTHONPATH",)
    }
    return kept | {"HOME": str(home)}


def spawn(*args: str, cwd: Path, env: dict[str, str], stdin: str | None = None) -> Finished:
    """Run the installed ``partnerhub`` executable as a user would."""
    assert not cwd.resolve().is_relative_to(PROJECT)
    done = subprocess.run(
        [str(EXECUTABLE), *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Finished(done.returncode, done.stdout, done.stderr)
