"""A PostgreSQL cluster of the test's own (``initdb``/``pg_ctl`` in a temp dir, on a free port) that the
test may stop and start without disturbing any other database on the machine.

initdb refuses to run as root, so as root the cluster belongs to the ``postgres`` OS user (``runuser``).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.reliability.cluster import free_port

BIN = Path(os.environ.get("PARTNERHUB_TEST_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def unavailable_reason() -> str | None:
    """Why no throwaway cluster can be made here, or None."""
    if not (BIN / "initdb").exists() or not (BIN / "pg_ctl").exists():
        return f"no initdb/pg_ctl in {BIN} (set PARTNERHUB_TEST_POSTGRES_BIN)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres OS user to own a throwaway cluster"
        if shutil.which("runuser") is None:
            return "running as root without runuser to drop to the postgres OS user"
    return None


@dataclass
class ThrowawayPostgres:
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/partnerhub"

    @classmethod
    def create(cls) -> ThrowawayPostgres:
        folder = Path(tempfile.mkdtemp(prefix="partnerhub-pg-"))
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        cluster = cls(folder, free_port())
        cluster._run(str(BIN / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres")
        cluster.start()
        with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres", autocommit=True) as db:
            db.execute("CREATE DATABASE partnerhub")
        return cluster

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        data, log = str(self.folder / "data"), str(self.folder / "server.log")
        self._run(str(BIN / "pg_ctl"), "-D", data, "-o", options, "-l", log, "-w", "start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres").close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("throwaway PostgreSQL did not start")

    def stop(self) -> None:
        """``pg_ctl stop -m fast``: open sessions are cut off, as in a database restart."""
        self._run(str(BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
