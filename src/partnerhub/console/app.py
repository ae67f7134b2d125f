"""The console sub-application mounted at ``/console`` (``create_console_app``).

A FastAPI app of its own, so its errors are pages (not the API's JSON), its routes stay out of the API's
OpenAPI document, and its security headers cover every response it sends. It shares the API's
``AppContext``: the same database, clock, settings and services.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from partnerhub.console.routes import (
    auth,
    customer_actions,
    customer_create,
    customers,
    dashboard,
    outbox,
    quotas,
    records,
    registration,
    settings,
    vouchers,
)
from partnerhub.console.security import SecurityHeadersMiddleware
from partnerhub.console.web import PAGES, PREFIX, CsrfRefused, LoginRequired, PageError, translator
from partnerhub.context import AppContext
from partnerhub.errors import REGISTRY, ApiError
from partnerhub.ops.ratelimit import Limiter

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("partnerhub.console")


def _error_page(request: Request, status: int, message: str, *, code: str | None = None) -> Response:
    return PAGES.render(
        request, "error.html", {"status": status, "message": message, "code": code}, status=status
    )


async def _on_login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    query = {"next": exc.next_url}
    if exc.ended:
        query["ended"] = "1"
    return RedirectResponse(f"{PREFIX}/login?{urlencode(query)}", status_code=303)


async def _on_csrf(request: Request, exc: Exception) -> Response:
    error = ApiError("CBC.99100401")
    return _error_page(request, 403, translator(request).error(error), code=error.code)


async def _on_page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    return exc.response


async def _on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error_page(request, exc.status, translator(request).error(exc), code=exc.code)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "CBC.0404", 405: "CBC.0405", 413: "CBC.0413"}.get(exc.status_code, "CBC.0100")
    status = exc.status_code if exc.status_code in (404, 405, 413) else 400
    return _error_page(request, status, REGISTRY[code].message(translator(request).language), code=code)


async def _on_validation(request: Request, exc: Exception) -> Response:
    return _error_page(
        request, 400, REGISTRY["CBC.0100"].message(translator(request).language), code="CBC.0100"
    )


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    # Logged by the outer RequestContextMiddleware (with the request id); the page shows only the id.
    return _error_page(
        request, 500, REGISTRY["CBC.0999"].message(translator(request).language), code="CBC.0999"
    )


def create_console_app(ctx: AppContext, rate_limiter: Limiter) -> FastAPI:
    """``rate_limiter``: the API's own, so a page and its API twin count against one limit."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.ctx = ctx
    app.state.rate_limiter = rate_limiter
    # Fixed paths (``/customers/new``, ``/customers/batch-fund``) before ``/customers/{customer_id}``.
    modules = (
        auth,
        dashboard,
        customer_create,
        customer_actions,
        customers,
        vouchers,
        quotas,
        records,
        settings,
        outbox,
        registration,
    )
    for module in modules:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(LoginRequired, _on_login_required)
    app.add_exception_handler(CsrfRefused, _on_csrf)
    app.add_exception_handler(PageError, _on_page_error)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(Exception, _on_unexpected)
    app.add_middleware(SecurityHeadersMiddleware, static_prefix=f"{PREFIX}/static/")
    return app
