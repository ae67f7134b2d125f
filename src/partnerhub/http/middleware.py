"""ASGI middleware: request ids, access log and metrics, and the body-size cap."""

from __future__ import annotations

import logging
import re
import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerhub.errors import REGISTRY, Language
from partnerhub.http.errors import render_error_body
from partnerhub.kit.ids import new_request_id
from partnerhub.logs import request_id_var

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("partnerhub.access")
error_log = logging.getLogger("partnerhub.errors")


def _language(scope: Scope, default: Language) -> Language:
    wanted = dict(scope["headers"]).get(b"x-language", b"").decode("latin-1").strip().lower()
    return "en-us" if wanted == "en-us" else "zh-cn" if wanted == "zh-cn" else default


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "partnerhub_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "partnerhub_request_seconds", "HTTP request latency", ["method", "route"], registry=self.registry
        )


class RequestContextMiddleware:
    """Gives every request an id (``X-Request-Id`` on every response), logs one access line, counts it."""

    def __init__(self, app: ASGIApp, metrics: Metrics, default_language: Language) -> None:
        self.app = app
        self.metrics = metrics
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else new_request_id()
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # A bug. Log it with its trace; the caller gets the generic code and the request id only.
            error_log.exception("unhandled error")
            if not response_started:
                language = _language(scope, self.default_language)
                body = render_error_body("CBC.0999", REGISTRY["CBC.0999"].message(language))
                await send_with_id(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send_with_id({"type": "http.response.body", "body": body})
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(scope["method"], template, str(status)).inc()
            self.metrics.latency.labels(scope["method"], template).observe(elapsed)
            principal = getattr(scope.get("state", {}).get("principal"), "subject_id", None)
            access_log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": template,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "subject": principal,
                },
            )
            request_id_var.reset(token)


class BodyLimitMiddleware:
    """Refuses bodies over the cap with 413 before any handler reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int, default_language: Language) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        language = _language(scope, self.default_language)
        body = render_error_body("CBC.0413", REGISTRY["CBC.0413"].message(language))
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
