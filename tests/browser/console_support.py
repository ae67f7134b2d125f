"""Helpers for the console's browser tests: a signed-in page, axe checks, the outbox's newest code,
screenshots (``PARTNERHUB_SCREENSHOTS=<dir>`` makes the walk save them)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.support import Env, PartnerHandle

SCREENSHOTS = os.environ.get("PARTNERHUB_SCREENSHOTS", "")
BLOCKING = ("serious", "critical")


def require_sqlite(env: Env) -> None:
    if env.ctx.engine.dialect.name != "sqlite":
        pytest.skip("browser tests run on SQLite; the services behind them are tested on both engines")


def new_page(
    chromium: Any, env: Env, *, language: str = "en-US", width: int = 1280, height: int = 800
) -> Any:
    context = chromium.new_context(
        base_url=env.url,
        locale=language,
        viewport={"width": width, "height": height},
        extra_http_headers={"Accept-Language": language},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def sign_in(page: Any, partner: PartnerHandle, password: str | None = None) -> None:
    page.goto("/console/login")
    page.fill("#login_name", partner.login)
    page.fill("#password", password or partner.password)
    page.click("form.card button[type=submit]")


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [item for item in results.response["violations"] if item.get("impact") in BLOCKING]


def assert_accessible(page: Any) -> None:
    found = serious_violations(page)
    described = [
        f"{item['id']} ({item['impact']}): {[node['target'] for node in item['nodes']][:3]}" for item in found
    ]
    assert not found, f"{page.url}: " + "; ".join(described)


def newest_code(page: Any) -> str:
    """The code of the newest message in the development outbox page."""
    page.goto("/console/dev/outbox")
    code = page.locator("td[data-code]").first.inner_text().strip()
    assert code.isdigit() and len(code) == 6, f"no code in the outbox: {code!r}"
    return str(code)


def shoot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
