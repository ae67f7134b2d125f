"""ASGI middleware: request ids, access log and metrics, and the body-size cap."""

from __future__ import annotations

import logging
import re
import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partnerhub.db.unavailable import RETRY_AFTER_SECONDS, UNAVAILABLE, is_unavailable
from partnerhub.errors import REGISTRY, ApiError, Language, invalid
from partnerhub.http.errors import render_error_body
from partnerhub.http.language import STATE_KEY, negotiate
from partnerhub.kit.ids import new_request_id
from partnerhub.logs import client_request_id_var, request_id_var

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_ENCODED_SLASH = re.compile(rb"%2f", re.IGNORECASE)
access_log = logging.getLogger("partnerhub.access")
error_log = logging.getLogger("partnerhub.errors")

DISCONNECTED = "client_disconnected"
CLIENT_CLOSED_REQUEST = 499
"""What the access log and metrics count when the client went away before a response (nginx's convention)."""

_SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
# API answers carry tokens, revealed personal data, keys and balances: no cache may keep any of them.
_API_PREFIXES = ("/v2/", "/v3/")
_NO_STORE = (b"cache-control", b"no-store")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _language(scope: Scope, default: Language) -> Language:
    state_language: Language | None = scope.get("state", {}).get(STATE_KEY)
    if state_language is not None:
        return state_language
    return negotiate(_header(scope, b"x-language"), _header(scope, b"accept-language"), default)


async def send_error(
    send: Send,
    scope: Scope,
    default: Language,
    code: str,
    *,
    detail: ApiError | None = None,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer an error from middleware, before any route ran, in the caller's language."""
    language = _language(scope, default)
    message = detail.message(language) if detail is not None else REGISTRY[code].message(language)
    body = render_error_body(code, message)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *(extra_headers or []),
    ]
    await send({"type": "http.response.start", "status": REGISTRY[code].status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


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
    """Request id, language, security headers, one access line and the metrics of every request.

    The server always issues its own request id (the one in ``X-Request-Id``, the logs and the audit log); a
    client's own ``X-Request-Id`` is kept beside it as ``client_request_id``. A path with an encoded ``/``
    (``%2F``) inside a segment is refused before routing: it would name a different resource to a proxy than
    to the router.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics, default_language: Language) -> None:
        self.app = app
        self.metrics = metrics
        self.default_language = default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        incoming = _header(scope, b"x-request-id") or ""
        client_request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else None
        token = request_id_var.set(request_id)
        client_token = client_request_id_var.set(client_request_id)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["client_request_id"] = client_request_id
        state[STATE_KEY] = negotiate(
            _header(scope, b"x-language"), _header(scope, b"accept-language"), self.default_language
        )
        path: str = scope.get("path", "")
        api_response = path.startswith(_API_PREFIXES)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"x-request-id", b"x-content-type-options", b"referrer-policy")
                ]
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(_SECURITY_HEADERS)
                if api_response and not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append(_NO_STORE)
                message["headers"] = headers
            await send(message)

        try:
            if _ENCODED_SLASH.search(scope.get("raw_path") or b""):
                await send_error(
                    send_with_id,
                    scope,
                    self.default_language,
                    "CBC.0100",
                    detail=invalid("path", "must not contain an encoded '/' (%2F)"),
                )
            else:
                await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if is_unavailable(exc):
                # The database went away outside a route (authentication, rate limits): retryable.
                error_log.warning("database unavailable", extra={"error": type(exc).__name__})
                if not response_started:
                    retry = [(b"retry-after", RETRY_AFTER_SECONDS.encode())]
                    await send_error(
                        send_with_id, scope, self.default_language, UNAVAILABLE, extra_headers=retry
                    )
                return
            # A bug. Log it with its trace; the caller gets the generic code and the request id only.
            error_log.exception("unhandled error")
            if not response_started:
                await send_error(send_with_id, scope, self.default_language, "CBC.0999")
        finally:
            if not response_started and state.get(DISCONNECTED):
                status = CLIENT_CLOSED_REQUEST
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(scope["method"], template, str(status)).inc()
            self.metrics.latency.labels(scope["method"], template).observe(elapsed)
            principal = getattr(state.get("principal"), "subject_id", None)
            access_log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": template,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "subject": principal,
                    "client_request_id": client_request_id,
                },
            )
            request_id_var.reset(token)
            client_request_id_var.reset(client_token)


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
                scope.setdefault("state", {})[DISCONNECTED] = True
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
        await send_error(
            send, scope, self.default_language, "CBC.0413", extra_headers=[(b"connection", b"close")]
        )
