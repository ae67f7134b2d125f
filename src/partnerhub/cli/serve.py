"""``partnerhub serve``: the API, /docs and /metrics, on a database ``db upgrade`` prepared."""

from __future__ import annotations

import os
import shutil
from typing import Annotated

import typer

from partnerhub.cli.common import JsonFlag, guarded, load_settings, open_context


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes; state lives in the database.")] = 1,
    as_json: JsonFlag = False,
) -> None:
    """Serve the API, /docs and /metrics. Logs are JSON lines on stderr; --json makes a refusal JSON too."""
    import uvicorn

    with guarded(as_json):
        settings = load_settings()
        # Refuse to start on a missing or old database instead of answering every request with an error.
        open_context(settings).engine.dispose()
    if workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Several processes: each writes its metrics to files here and /metrics sums them all.
        metrics_dir = settings.data_dir / "metrics"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir.resolve())
    # Each worker's in-memory rate limits hold its share of the published limit (ops/ratelimit.py).
    os.environ["PARTNERHUB_WORKERS"] = str(workers)
    uvicorn.run(
        "partnerhub.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        proxy_headers=False,
    )
