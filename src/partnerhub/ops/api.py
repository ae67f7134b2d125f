"""Operational endpoints: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import os

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from sqlalchemy import text

from partnerhub.db.migrate import is_current
from partnerhub.http.deps import Context
from partnerhub.http.responses import json_response

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> Response:
    return json_response({"status": "ok"})


@router.get("/readyz", summary="Readiness: the database answers and its schema is at the latest migration")
def readyz(ctx: Context) -> Response:
    try:
        with ctx.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = is_current(ctx.engine)
    except Exception:  # any database failure means "not ready", never a 500
        return json_response({"status": "unavailable", "database": "unreachable"}, status_code=503)
    if not current:
        return json_response({"status": "unavailable", "database": "migrations pending"}, status_code=503)
    return json_response({"status": "ready", "database": "ok"})


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Workers of `partnerhub serve --workers N` share their counts through files; sum every process.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
