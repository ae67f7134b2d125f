"""Real ``partnerhub serve`` processes for the reliability tests: started, killed with SIGKILL, restarted.

Each instance is its own OS process (as on its own host); they share one database and one data directory
(the master key). Rate limits and code-send limits are lifted through the documented settings so a load is
never throttled.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

LIFTED_LIMITS = {
    "PARTNERHUB_RATE_DEFAULT_PER_SECOND": "1000000",
    "PARTNERHUB_RATE_CHECK_IDENTITY_PER_SECOND": "1000000",
    "PARTNERHUB_RATE_SEND_CODE_PER_SECOND": "1000000",
    "PARTNERHUB_RATE_ADJUST_RECORDS_PER_SECOND": "1000000",
    "PARTNERHUB_RATE_ACCOUNT_CHANGE_RECORDS_PER_SECOND": "1000000",
    "PARTNERHUB_CODE_SEND_PER_HOUR": "1000000",
    "PARTNERHUB_CODE_SEND_PER_DAY": "1000000",
    "PARTNERHUB_CODE_RESEND_COOLDOWN_SECONDS": "0",
    "PARTNERHUB_CODE_TARGET_DAILY_CEILING": "1000000",
    "PARTNERHUB_CODE_PARTNER_DAILY_CAP": "1000000",
    "PARTNERHUB_CODE_CUSTOMER_DAILY_CAP": "1000000",
    "PARTNERHUB_LOGIN_FREE_ATTEMPTS_PER_ADDRESS": "1000000",
    "PARTNERHUB_AUTH_FAILURES_PER_SECOND_PER_ADDRESS": "1000000",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERHUB_")}
    env.update(LIFTED_LIMITS)
    env.update(
        {
            "PARTNERHUB_DATABASE_URL": database_url,
            "PARTNERHUB_DATA_DIR": str(data_dir),
            "PARTNERHUB_CONFIG_FILE": str(data_dir / "absent.env"),
            "PARTNERHUB_LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def partnerhub_command(*args: str) -> list[str]:
    """The installed console script, run by this interpreter (no PATH lookup)."""
    return [sys.executable, "-c", "from partnerhub.cli import main; main()", *args]


@dataclass
class Instance:
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    preexec: object = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                partnerhub_command("serve", "--port", str(self.port)),
                env=self.env,
                stdout=log,
                stderr=log,
                preexec_fn=self.preexec,  # type: ignore[arg-type]
            )

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"serve exited with {self.process.returncode}: {self.log.read_text()[-2000:]}"
                )
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"serve on {self.port} did not come up: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, whatever was in flight is cut off."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def terminate(self, timeout: float = 30.0) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


@dataclass
class Cluster:
    database_url: str
    data_dir: Path
    count: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)
    instances: list[Instance] = field(default_factory=list)

    def start(self) -> Cluster:
        env = server_environment(self.database_url, self.data_dir, **self.extra_env)
        for number in range(self.count):
            instance = Instance(free_port(), env, self.data_dir / f"serve-{number}.log")
            instance.start()
            self.instances.append(instance)
        for instance in self.instances:
            instance.wait_ready()
        return self

    @property
    def urls(self) -> list[str]:
        return [instance.url for instance in self.instances]

    def stop(self) -> None:
        for instance in self.instances:
            instance.kill()
