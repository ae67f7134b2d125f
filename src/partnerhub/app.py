"""The application factory: settings in, a wired FastAPI app out."""

from __future__ import annotations

from fastapi import FastAPI

from partnerhub import __version__
from partnerhub.associations.customer_api import router as customer_associations_router
from partnerhub.associations.partner_api import router as associations_router
from partnerhub.audit.api import router as audit_router
from partnerhub.auth.api import router as auth_router
from partnerhub.config import Settings
from partnerhub.console.app import create_console_app
from partnerhub.context import AppContext, build_context
from partnerhub.coupons.api import router as coupons_router
from partnerhub.customers.api import router as customers_router
from partnerhub.funding.api import router as funding_router
from partnerhub.funding.records_api import router as funding_records_router
from partnerhub.http.errors import install_error_handlers
from partnerhub.http.middleware import BodyLimitMiddleware, Metrics, RequestContextMiddleware
from partnerhub.http.openapi import install_docs
from partnerhub.http.responses import ApiJSONResponse
from partnerhub.invitations.api import router as invitations_router
from partnerhub.invitations.public_api import router as public_registration_router
from partnerhub.notifications.api import router as notifications_router
from partnerhub.ops.api import router as ops_router
from partnerhub.ops.ratelimit import (
    DatabaseRateLimitStore,
    FailureGate,
    RateLimitStore,
    RedisRateLimitStore,
    build_limiter,
)
from partnerhub.partners.api import router as partners_router
from partnerhub.partners.settings_api import router as partner_settings_router
from partnerhub.quotas.api import router as quotas_router
from partnerhub.realname.api import router as realname_router
from partnerhub.stepup.api import router as step_up_router
from partnerhub.verification.api import router as verification_router

DESCRIPTION = """
partnerhub speaks the Huawei Cloud BSS partner API: the same paths, snake_case fields and `CBC.*` error
codes, so the official `huaweicloudsdkbss` SDK works against it with only the endpoint changed.

**Authentication**: `SDK-HMAC-SHA256` AK/SK signatures (`Authorization` header, `X-Sdk-Date` within
±15 minutes), or `X-Auth-Token` from `POST /v3/auth/tokens`. **Language**: `X-Language: zh-cn | en-us`.
Every response carries `X-Request-Id`. Errors are `{"error_code": "CBC.xxxx", "error_msg": "..."}`.

**Trying it here**: Swagger UI cannot sign AK/SK requests. Call `POST /v3/auth/tokens` (partner login name and
password), copy the `X-Subject-Token` response header, click **Authorize** and paste it as `AuthToken`.

**Step-up verification** (partnerhub extension): a partner that turned `step_up_api` on
(`PUT /v2/partners/settings`) must send `X-Verification-Code` — a code from
`POST /v2/partners/step-up/verification-code`, sent to its own mobile or e-mail — with every sensitive call
(funding and reclaims, coupons, quotas, reveals, invitations, settings). Without a valid one the call answers
403 (`CBC.99100301`–`CBC.99100304`) and changes nothing.
"""


def create_app(settings: Settings | None = None, *, context: AppContext | None = None) -> FastAPI:
    ctx = context or build_context(settings or Settings())
    app = FastAPI(
        title="partnerhub",
        version=__version__,
        description=DESCRIPTION,
        default_response_class=ApiJSONResponse,
        docs_url=None,
        redoc_url=None,
    )
    app.state.ctx = ctx
    store: RateLimitStore = (
        RedisRateLimitStore(ctx.settings.redis_url)
        if ctx.settings.redis_url
        else DatabaseRateLimitStore(ctx.sessions)
    )
    settings = ctx.settings
    if settings.rate_limit_store == "redis" and not settings.redis_url:
        raise ValueError("PARTNERHUB_RATE_LIMIT_STORE=redis needs PARTNERHUB_REDIS_URL")
    app.state.rate_limiter = build_limiter(
        settings.rate_limit_store, store, settings.workers * settings.rate_limit_hosts
    )
    app.state.failure_gate = FailureGate(store)
    metrics = Metrics()
    app.state.metrics = metrics
    install_error_handlers(app)
    install_docs(app)
    for router in (
        ops_router,
        auth_router,
        customers_router,
        verification_router,
        realname_router,
        funding_router,
        funding_records_router,
        coupons_router,
        quotas_router,
        partners_router,
        invitations_router,
        public_registration_router,
        partner_settings_router,
        step_up_router,
        audit_router,
        associations_router,
        customer_associations_router,
        notifications_router,
    ):
        app.include_router(router)
    # The web partner center: a sub-application of its own (HTML errors, no OpenAPI), same context.
    app.mount("/console", create_console_app(ctx, app.state.rate_limiter))
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=ctx.settings.max_body_bytes,
        default_language=ctx.settings.default_language,
    )
    app.add_middleware(
        RequestContextMiddleware, metrics=metrics, default_language=ctx.settings.default_language
    )
    return app


def app_from_environment() -> FastAPI:
    """Entry point for ``partnerhub serve`` workers: settings from the environment, logging configured."""
    from partnerhub.logs import configure_logging

    settings = Settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    return create_app(settings)
