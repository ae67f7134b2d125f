"""/docs and /redoc render in Chromium with every request off this machine refused: no CDN is needed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support import Env

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


def _offline_page(chromium: Any) -> tuple[Any, Any, list[str]]:
    """A page whose requests to anywhere but this machine are aborted, listed as "resource-type url"."""
    context = chromium.new_context()
    blocked: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS or f"[{host}]" in LOCAL_HOSTS:
            request_route.continue_()
        else:
            blocked.append(f"{request_route.request.resource_type} {url}")
            request_route.abort("internetdisconnected")

    context.route("**/*", route)
    return context, context.new_page(), blocked


def _documented_operations(env: Env) -> int:
    paths = env.http.get("/openapi.json").json()["paths"]
    methods = ("get", "post", "put", "delete", "patch")
    return sum(len([m for m in item if m in methods]) for item in paths.values())


def test_swagger_ui_renders_every_operation_offline(env: Env, chromium: Any) -> None:
    context, page, blocked = _offline_page(chromium)
    try:
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(f"{env.url}/docs")
        page.wait_for_selector(".opblock", timeout=20_000)
        operations = page.locator(".opblock").count()
        assert operations == _documented_operations(env) > 30
        assert page.get_by_text("/v2/partners/sub-customers/query", exact=True).first.is_visible()
        # "Try it out" can authenticate: the Authorize button offers the token scheme.
        page.locator("button.authorize").first.click()
        page.get_by_text("X-Auth-Token").first.wait_for(timeout=5_000)
        assert blocked == [] and failed == [], (blocked, failed)
    finally:
        context.close()


def test_redoc_renders_offline(env: Env, chromium: Any) -> None:
    context, page, blocked = _offline_page(chromium)
    try:
        response = page.goto(f"{env.url}/redoc")
        assert "img-src 'self'" in response.headers["content-security-policy"]
        page.locator("h2", has_text="Fundings and reclaims the partner made").first.wait_for(timeout=30_000)
        assert page.locator("[data-section-id^='operation/']").count() == _documented_operations(env)
        # ReDoc's footer links a logo on its CDN; the page's policy refuses it. Nothing it needs is remote.
        assert all(entry.startswith("image ") for entry in blocked), blocked
    finally:
        context.close()


@pytest.mark.parametrize("asset", ["swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"])
def test_assets_come_from_the_server(env: Env, asset: str) -> None:
    response = env.http.get(f"/docs/assets/{asset}")
    assert response.status_code == 200 and len(response.content) > 100_000
