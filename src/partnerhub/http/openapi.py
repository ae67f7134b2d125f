"""The API explorer and the OpenAPI document: served from the installed package, never from a CDN.

Swagger UI (``/docs``) and ReDoc (``/redoc``) load their JavaScript and CSS from the ``fastapi-offline``
package's copy of the ``swagger-ui-dist`` and ``redoc`` bundles, so both work on a closed network. The
document gains what FastAPI cannot infer: the two security schemes (AK/SK signatures, which Swagger UI cannot
compute, and ``X-Auth-Token``, which "Try it out" can send), the ``X-Language`` and ``X-Request-Id`` headers,
and ``required`` on inputs the server refuses to go without although the wire models let them be absent (the
models keep them optional so the answer is partnerhub's own ``CBC.0100`` naming the field).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse

ASSETS_URL = "/docs/assets"
ASSETS_PACKAGE = ("fastapi_offline", "static")
"""The installed package and folder holding swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js."""

AK_SK = "AkSk"
AUTH_TOKEN = "AuthToken"  # noqa: S105 - the security scheme's name, not a secret

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    AK_SK: {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=..., Signature=...` over the canonical "
        "request, with `X-Sdk-Date` (UTC `yyyyMMddTHHmmssZ`, within ±15 minutes): exactly what the official "
        "`huaweicloudsdkbss` SDK signs. A signature covers one request, so Swagger UI cannot make one: use "
        "the SDK, or the `AuthToken` scheme here. Every signature failure answers the same 401 `APIGW.0301`.",
    },
    AUTH_TOKEN: {
        "type": "apiKey",
        "in": "header",
        "name": "X-Auth-Token",
        "description": "The way to try the API in this page: `POST /v3/auth/tokens` with the partner's login "
        "name and password (`partnerhub partner create --password` or `partnerhub partner set-password`) "
        "answers the token in its `X-Subject-Token` response header; paste it under **Authorize**. A wrong "
        "login or password answers 401 `CBC.0156`; repeated attempts are throttled (429 `CBC.0250`).",
    },
}

# The explorer pages load nothing from outside this server, whatever the bundles reference (ReDoc's footer
# logo points at a CDN): the browser refuses before any request leaves the machine.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'none'"
)

LANGUAGE_PARAMETER = "X-Language"
REQUEST_ID_PARAMETER = "X-Request-Id"
PARAMETERS: dict[str, dict[str, Any]] = {
    LANGUAGE_PARAMETER: {
        "name": "X-Language",
        "in": "header",
        "required": False,
        "description": "Language of `error_msg`: `zh-cn` or `en-us` (`zh`, `zh-CN`, `zh_CN`, `en`, `en-US`, "
        "`en_US` map too); absent or unknown: `Accept-Language`, then the server's "
        "`PARTNERHUB_DEFAULT_LANGUAGE`.",
        "schema": {"type": "string", "maxLength": 16, "examples": ["en-us"]},
    },
    REQUEST_ID_PARAMETER: {
        "name": "X-Request-Id",
        "in": "header",
        "required": False,
        "description": "Your own id for this request (8-64 of `A-Z a-z 0-9 . _ -`): kept beside the "
        "server's as `client_request_id` in its log and audit events. The response's `X-Request-Id` is "
        "always the server's own id, the one its log lines carry.",
        "schema": {"type": "string", "maxLength": 64},
    },
}
RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-Id": {
        "description": "The request's id, on every answer: quote it to find the server's log lines.",
        "schema": {"type": "string"},
    }
}

# Inputs the server answers "required" (CBC.0100 naming the field) without, by component schema / operation.
REQUIRED_PROPERTIES: dict[str, tuple[str, ...]] = {
    "CheckUserIdentityRequest": ("search_type", "search_value"),
    "CreateCustomerRequest": ("xaccount_id", "xaccount_type"),
    "FreezeCustomersRequest": ("customer_ids", "reason"),
    "UnfreezeCustomersRequest": ("customer_ids", "reason"),
    "SendVerificationCodeRequest": ("receiver_type", "mobile_phone"),
    "PartnerBindMobileRequest": ("customer_id", "mobile_phone", "verification_code"),
    "CustomerCodeRequest": ("mobile_phone",),
    "CustomerBindMobileRequest": ("mobile_phone", "verification_code"),
    "PersonalRealnameRequest": ("customer_id", "name", "verified_number", "xaccount_type"),
    "CreatePartnerCouponsRequest": ("quota_id", "customer_ids", "face_value"),
    "ReclaimPartnerCouponsRequest": ("coupon_id",),
    "UpdateCouponQuotasRequest": ("quota_id", "indirect_partner_ids", "quota_amount"),
    "ReclaimCouponQuotasRequest": ("quota_ids",),
    "RevealCustomerRequest": ("customer_id",),
    "RevealResellerRequest": ("indirect_partner_id",),
}
PUBLIC_OPERATIONS = {("get", "/healthz"), ("get", "/readyz"), ("post", "/v3/auth/tokens")}
PUBLIC_PREFIX = "/v2/public/"
"""Routes under this prefix take no credentials (e.g. reseller registration through an invitation link)."""


def is_public(method: str, path: str) -> bool:
    return (method, path) in PUBLIC_OPERATIONS or path.startswith(PUBLIC_PREFIX)


"""Operations answered without AK/SK or token; every other one answers 401 without them."""

REQUIRED_QUERY: dict[tuple[str, str], tuple[str, ...]] = {
    ("get", "/v2/accounts/partner-accounts/account-change-records"): ("balance_type",),
    ("get", "/v2/customers/realname-auths/result"): ("customer_id",),
}


def install_docs(app: FastAPI) -> None:
    """``/docs``, ``/redoc`` and their assets; the app must be built with ``docs_url=redoc_url=None``."""
    app.mount(ASSETS_URL, StaticFiles(packages=[ASSETS_PACKAGE]), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} — API explorer",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            # No online validator badge (it would call out to validator.swagger.io); keep the token on reload.
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True},
        )
        page.headers["Content-Security-Policy"] = DOCS_CSP
        return page

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_redoc_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} — API reference",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
        page.headers["Content-Security-Policy"] = DOCS_CSP
        return page

    app.openapi = _cached_document(app)  # type: ignore[method-assign]


def _cached_document(app: FastAPI) -> Callable[[], dict[str, Any]]:
    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = customise(schema)
        return app.openapi_schema

    return document


def customise(schema: dict[str, Any]) -> dict[str, Any]:
    """Security schemes, the shared headers and the server's ``required`` inputs, added to ``schema``."""
    components = schema.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    for name, fields in REQUIRED_PROPERTIES.items():
        model = components.get("schemas", {}).get(name)
        if model is None:
            raise KeyError(f"OpenAPI customisation names a schema the app no longer has: {name}")
        missing = [field for field in fields if field not in model.get("properties", {})]
        if missing:
            raise KeyError(f"{name} has no properties {missing}")
        model["required"] = sorted({*model.get("required", []), *fields})
    for method, path, operation in _operations(schema):
        parameters = operation.setdefault("parameters", [])
        for wanted in REQUIRED_QUERY.get((method, path), ()):
            parameter = next(p for p in parameters if p["in"] == "query" and p["name"] == wanted)
            parameter["required"] = True
        # Inlined rather than referenced: readers that do not resolve $ref still see every header.
        parameters.extend(dict(PARAMETERS[name]) for name in (LANGUAGE_PARAMETER, REQUEST_ID_PARAMETER))
        operation["security"] = [] if is_public(method, path) else [{AK_SK: []}, {AUTH_TOKEN: []}]
        for response in operation.get("responses", {}).values():
            response.setdefault("headers", {}).update(RESPONSE_HEADERS)
    return schema


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch", "head", "options"):
                yield method, path, operation
