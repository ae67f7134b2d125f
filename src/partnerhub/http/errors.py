"""Exception → response mapping. Bodies are always ``{"error_code", "error_msg"}``, never a stack trace."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from partnerhub.db.unavailable import RETRY_AFTER_SECONDS, UNAVAILABLE, is_unavailable
from partnerhub.error_details import from_validation
from partnerhub.errors import (
    AUTH_FAILURE_CODE,
    AUTH_FAILURE_MESSAGE,
    REGISTRY,
    ApiError,
    AuthenticationFailed,
    Language,
)
from partnerhub.http.language import STATE_KEY, negotiate

log = logging.getLogger("partnerhub.errors")


class ErrorBody(BaseModel):
    error_code: str
    error_msg: str


def render_error_body(code: str, message: str) -> bytes:
    return json.dumps({"error_code": code, "error_msg": message}, ensure_ascii=False).encode()


def _error_response(code: str, message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(
        render_error_body(code, message), status_code=status, headers=headers, media_type="application/json"
    )


def request_language(request: Request) -> Language:
    """The language ``RequestContextMiddleware`` negotiated for this request (``http/language.py``)."""
    chosen: Language | None = getattr(request.state, STATE_KEY, None)
    if chosen is not None:
        return chosen
    default: Language = request.app.state.ctx.settings.default_language
    return negotiate(request.headers.get("x-language"), request.headers.get("accept-language"), default)


def _field_of(error: dict[str, Any]) -> str:
    location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "header", "path")]
    return ".".join(location) or "body"


async def _on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error_response(exc.code, exc.message(request_language(request)), exc.status, exc.headers)


async def _on_auth_failed(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AuthenticationFailed)
    log.info("authentication failed", extra={"reason": exc.reason})
    return _error_response(AUTH_FAILURE_CODE, AUTH_FAILURE_MESSAGE, 401)


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    first = errors[0] if errors else {}
    kind = str(first.get("type", ""))
    if kind == "json_invalid":
        error = ApiError("CBC.0100", field="body", detail="malformed JSON body")
    else:
        template, params = from_validation(kind, first.get("ctx"))
        error = ApiError("CBC.0100", field=_field_of(first), detail=template, params=params)
    return _error_response(error.code, error.message(request_language(request)), 400)


async def _on_database_error(request: Request, exc: Exception) -> Response:
    if not is_unavailable(exc):
        raise exc  # a bug: RequestContextMiddleware logs it and answers CBC.0999
    log.warning("database unavailable", extra={"error": type(exc).__name__})
    message = REGISTRY[UNAVAILABLE].message(request_language(request))
    return _error_response(UNAVAILABLE, message, 503, {"Retry-After": RETRY_AFTER_SECONDS})


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "CBC.0404", 405: "CBC.0405", 413: "CBC.0413", 415: "CBC.0415"}.get(
        exc.status_code, "CBC.0100"
    )
    status = exc.status_code if exc.status_code in (404, 405, 413, 415) else 400
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:
        # Starlette names only the first route that matched the path; GET and POST often share one.
        documented = request.app.openapi().get("paths", {}).get(request.url.path, {})
        if documented:
            headers["Allow"] = ", ".join(sorted(method.upper() for method in documented))
    return _error_response(code, REGISTRY[code].message(request_language(request)), status, headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(AuthenticationFailed, _on_auth_failed)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(SQLAlchemyError, _on_database_error)
    # Unexpected exceptions are answered by RequestContextMiddleware, inside the request-id scope.


def error_responses(*codes: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for the codes an operation may answer, grouped by HTTP status."""
    by_status: dict[int, list[str]] = {}
    for code in ("CBC.0100", "CBC.0151", "CBC.0250", "CBC.0999", UNAVAILABLE, *codes):
        entry = REGISTRY[code]
        by_status.setdefault(entry.status, [])
        if code not in by_status[entry.status]:
            by_status[entry.status].append(code)
    by_status.setdefault(401, []).insert(0, AUTH_FAILURE_CODE)
    result: dict[int | str, dict[str, Any]] = {}
    for status, status_codes in sorted(by_status.items()):
        lines = [
            f"`{code}` {REGISTRY[code].en}"
            if code in REGISTRY
            else f"`{code}` {AUTH_FAILURE_MESSAGE} (or CBC.0154 for tokens)"
            for code in status_codes
        ]
        result[status] = {"description": "<br>".join(lines), "model": ErrorBody}
    return result
