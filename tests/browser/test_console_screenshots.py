"""Screenshots of the console's main pages in both languages, for docs/screenshots (``make screenshots``).

Runs only with ``PARTNERHUB_SCREENSHOTS=<dir>``: it seeds a small, realistic tenant and walks the pages a
partner uses most, at 1280×800 and on a 390-px phone, checking axe-core on each as it goes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from partnerhub.db.session import session_scope
from partnerhub.funding.service import fund_customer
from partnerhub.kit.clock import format_utc
from partnerhub.quotas.service import QuotaGrant, grant_quota
from tests.browser.console_support import SCREENSHOTS, assert_accessible, new_page, shoot, sign_in
from tests.console.helpers import give_cash, set_step_up
from tests.support import Env, make_customer, make_partner

pytestmark = [
    pytest.mark.timeout(300),
    pytest.mark.skipif(
        not SCREENSHOTS, reason="set PARTNERHUB_SCREENSHOTS=<dir> to save console screenshots"
    ),
]


def _seed(env: Env) -> tuple[Any, list[str]]:
    from partnerhub.auth.principals import Principal, SubjectKind

    distributor = make_partner(env, mobile="13800000001")
    make_partner(env, "reseller", parent=distributor)
    make_partner(env, "reseller", parent=distributor)
    give_cash(env, distributor, 100_000)
    names = [
        "huaxia-tech",
        "lanting-studio",
        "north-cloud-ops",
        "qingshan-games",
        "river-analytics",
        "sunrise-edu",
        "xinghe-retail",
        "zhiyuan-labs",
    ]
    customers = [
        make_customer(
            env,
            distributor,
            name=name,
            mobile=f"139{index:04d}{index + 5:04d}",
            email=f"ops{index}@{name}.example.com",
            association_type=1 if index == 6 else 2,
        )
        for index, name in enumerate(names)
    ]
    now = env.ctx.clock.now()
    principal = Principal(SubjectKind.PARTNER, distributor.id, "distributor", "seed")
    with session_scope(env.ctx.sessions) as session:
        grant_quota(
            session,
            now,
            QuotaGrant(
                partner_id=distributor.id,
                amount_minor=50_000_00,
                effective_time=now - timedelta(days=1),
                expire_time=now + timedelta(days=365),
            ),
        )
    for days_ago, index, yuan in (
        (20, 0, 800),
        (14, 1, 1200),
        (9, 2, 450),
        (5, 3, 2000),
        (2, 4, 600),
        (1, 0, 300),
    ):
        env.clock.set(now - timedelta(days=days_ago))
        with session_scope(env.ctx.sessions) as session:
            fund_customer(session, env.ctx, principal, customer_id=customers[index], amount_minor=yuan * 100)
    env.clock.set(now)
    return distributor, customers


def test_screenshots(chromium: Any, env: Env) -> None:
    if env.ctx.engine.dialect.name != "sqlite":
        pytest.skip("screenshots are taken once, on SQLite")
    distributor, customers = _seed(env)
    for language, suffix in (("en-US", "en"), ("zh-CN", "zh")):
        page = new_page(chromium, env, language=language)
        sign_in(page, distributor)
        # A voucher issued and one reclaimed, so the lists and the records have rows.
        if suffix == "en":
            page.goto(f"/console/vouchers/issue?customer_id={customers[0]}&customer_id={customers[1]}")
            page.fill("#face_value", "200.00")
            page.click("form.card button[type=submit]")
            page.locator("dialog[open] button[value=confirm]").click()
        visits = [
            ("/console/", "dashboard"),
            ("/console/customers", "customers"),
            (f"/console/customers/{customers[0]}", "customer-detail"),
            ("/console/vouchers", "vouchers"),
            ("/console/quotas", "quotas"),
            ("/console/records", "records"),
            ("/console/records/audit", "audit"),
            ("/console/settings", "settings"),
        ]
        for path, name in visits:
            page.goto(path)
            assert_accessible(page)
            shoot(page, f"{name}-{suffix}")
        # Batch funding with step-up on: the "Confirm adjustment?" dialog with its code field.
        set_step_up(env, distributor, True)
        page.goto("/console/customers")
        for customer_id in customers[:3]:
            page.check(f"input[name=customer_id][value='{customer_id}']")
        page.click("#main .toolbar button.button:not(.secondary)")
        shoot(page, f"batch-funding-{suffix}")
        page.fill("#amount", "500.00")
        page.click("form.card button[type=submit]")
        page.locator("dialog[open] button[value=send_code]").click()
        assert_accessible(page)
        shoot(page, f"batch-confirm-{suffix}")
        set_step_up(env, distributor, False)
        page.locator("dialog[open] button[value=confirm]").click()
        page.wait_for_url("**/batch-fund/result")
        shoot(page, f"batch-result-{suffix}")
        # Reclaim a voucher: the pop-up with the amount actually reclaimed.
        page.goto("/console/vouchers")
        page.locator("tbody tr", has_text="Usable" if suffix == "en" else "可使用").first.locator(
            "button"
        ).click()
        page.locator("dialog[open] button[value=confirm]").click()
        page.wait_for_url("**/console/vouchers")
        shoot(page, f"voucher-reclaimed-{suffix}")
        page.goto("/console/quotas/issue")
        page.get_by_role("link", name="Select" if suffix == "en" else "选择", exact=True).click()
        shoot(page, f"quota-issue-{suffix}")
        env.clock.advance(120)  # past the resend cool-down of the step-up code sent above
        phone = new_page(chromium, env, language=language, width=390, height=844)
        sign_in(phone, distributor)
        for path, name in (("/console/", "phone-dashboard"), ("/console/customers", "phone-customers")):
            phone.goto(path)
            shoot(phone, f"{name}-{suffix}")
        login = new_page(chromium, env, language=language)
        login.goto("/console/login")
        shoot(login, f"login-{suffix}")
    assert format_utc(env.ctx.clock.now())
