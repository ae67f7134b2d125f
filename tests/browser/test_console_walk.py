"""The console in Debian's Chromium: what a partner clicks, end to end, with axe-core on every page.

SQLite only (the services are tested on both engines elsewhere). ``PARTNERHUB_SCREENSHOTS=<dir>`` also
saves screenshots (``make screenshots``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from partnerhub.db.session import session_scope
from partnerhub.ledger.verify import verify_ledger
from tests.browser.console_support import assert_accessible, new_page, newest_code, require_sqlite, sign_in
from tests.console.helpers import cash_of, funded_of, give_cash, set_step_up
from tests.invitations.helpers import distributor, invite
from tests.support import Env, make_customer, make_partner, sent_code

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def browser_env(env: Env) -> Env:
    require_sqlite(env)
    return env


def _ledger_ok(env: Env) -> None:
    with session_scope(env.ctx.sessions) as session:
        assert verify_ledger(session).ok


def test_sign_in_wrong_password_throttle_and_sign_out(chromium: Any, browser_env: Env) -> None:
    env = browser_env
    partner = make_partner(env)
    page = new_page(chromium, env)
    sign_in(page, partner, password="Wrong#password1")
    assert page.locator("#login-error").inner_text().startswith("Incorrect login name or password.")
    assert_accessible(page)
    for _ in range(5):  # five free attempts; the sixth earns the first lock-out
        sign_in(page, partner, password="Wrong#password1")
    sign_in(page, partner)  # the right password during the lock-out
    assert "slow down" in page.locator("#login-error").inner_text()
    env.clock.advance(16 * 60)
    # Keyboard only: tab into the fields, Enter submits.
    page.goto("/console/login")
    page.keyboard.press("Tab")  # skip link
    page.focus("#login_name")
    page.keyboard.type(partner.login)
    page.keyboard.press("Tab")
    page.keyboard.type(partner.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/")
    assert page.locator("h1").inner_text() == "Dashboard"
    assert_accessible(page)
    page.click("text=Sign out")
    page.wait_for_url("**/console/login?out=1")
    assert "You have signed out." in page.content()
    page.goto("/console/customers")
    assert "/console/login" in page.url


def test_create_a_customer_with_the_code_from_the_outbox(chromium: Any, browser_env: Env) -> None:
    env = browser_env
    partner = make_partner(env)
    page = new_page(chromium, env)
    sign_in(page, partner)
    page.goto("/console/customers/new")
    assert_accessible(page)
    page.fill("#domain_name", "browser-made-1")
    page.fill("#mobile_phone", "13600001234")
    page.click("button[value=check]")
    assert "available" in page.locator("ul.card").inner_text()
    page.click("button[value=send_code]")
    assert "136****1234" in page.locator(".banner.success").inner_text()
    outbox = page.context.new_page()
    code = newest_code(outbox)
    assert_accessible(outbox)
    outbox.close()
    page.fill("#verification_code", "999999" if code != "999999" else "888888")
    page.click("button[value=create]")
    assert "Incorrect verification code" in page.locator(".banner.error").inner_text()
    page.fill("#verification_code", code)
    page.fill("#new_password", "weak")
    page.click("button[value=create]")
    assert "Invalid password" in page.locator(".banner.error").inner_text()
    page.fill("#verification_code", code)
    page.fill("#new_password", "Customer#2026")
    page.click("button[value=create]")
    assert page.locator("h1").inner_text() == "browser-made-1"
    assert "Customer browser-made-1 was created." in page.locator(".banner.success").inner_text()
    assert_accessible(page)


def test_batch_funding_three_customers_with_the_step_up_code_then_reclaim(
    chromium: Any, browser_env: Env
) -> None:
    env = browser_env
    partner = make_partner(env, mobile="13500005555")
    give_cash(env, partner, 1000)
    customers = [make_customer(env, partner, name=f"walk-batch-{index}") for index in range(3)]
    set_step_up(env, partner, True)
    page = new_page(chromium, env)
    sign_in(page, partner)
    page.goto("/console/customers")
    assert_accessible(page)
    page.check("#select-all")
    assert page.locator("#selected-count").inner_text() == "3 selected"
    page.click("text=Batch funding")
    assert_accessible(page)
    page.select_option("#funding_type", "cash")
    page.fill("#amount", "25.50")
    page.click("form.card button[type=submit]")
    dialog = page.locator("dialog[open]")
    assert dialog.locator("h2").inner_text() == "Confirm adjustment?"
    assert "76.50 CNY" in dialog.inner_text()
    assert page.evaluate("document.querySelector('dialog[open]').matches(':modal')")
    assert_accessible(page)
    dialog.locator("button[value=send_code]").click()
    assert "135****5555" in page.locator("dialog[open]").inner_text()
    code_page = page.context.new_page()
    code = newest_code(code_page)
    code_page.close()
    page.fill("#verification_code", code)
    page.locator("dialog[open] button[value=confirm]").click()
    page.wait_for_url("**/batch-fund/result")
    assert page.locator("#funded-count").inner_text() == "3"
    assert page.locator("#failed-count").inner_text() == "0"
    assert_accessible(page)
    assert [funded_of(env, cid) for cid in customers] == [25_50] * 3
    assert cash_of(env, partner.id) == 1000_00 - 76_50

    # Reclaim from a row, with its confirmation and a fresh code.
    set_step_up(env, partner, False)
    page.goto("/console/customers")
    page.locator("tr", has_text="walk-batch-1").locator("text=Reclaim").click()
    assert page.input_value("#amount") == "25.50"
    page.fill("#amount", "10.00")
    page.click("form.stack button[type=submit]")
    assert page.locator("dialog[open] h2").inner_text() == "Confirm adjustment?"
    page.locator("dialog[open] button[value=confirm]").click()
    page.wait_for_url("**/console/customers")
    assert "Reclaimed 10.00 CNY from walk-batch-1" in page.locator(".banner.success").inner_text()
    assert funded_of(env, customers[1]) == 15_50
    _ledger_ok(env)


def test_issue_a_voucher_and_reclaim_it_with_the_amount_shown(chromium: Any, browser_env: Env) -> None:
    env = browser_env
    partner = make_partner(env)
    _grant_quota(env, partner.id, 1000)
    customer = make_customer(env, partner, name="walk-voucher")
    page = new_page(chromium, env)
    sign_in(page, partner)
    page.goto(f"/console/vouchers/issue?customer_id={customer}")
    assert_accessible(page)
    page.fill("#face_value", "40.00")
    page.click("form.card button[type=submit]")
    page.locator("dialog[open] button[value=confirm]").click()
    page.wait_for_url("**/console/vouchers")
    assert "1 vouchers issued, 0 failed." in page.locator(".banner.success").inner_text()
    row = page.locator("tr", has_text="walk-voucher")
    assert "Usable" in row.inner_text() and "40.00 CNY" in row.inner_text()
    assert_accessible(page)
    row.locator("text=Reclaim").click()
    assert "40.00 CNY" in page.locator("dialog[open]").inner_text()
    page.locator("dialog[open] button[value=confirm]").click()
    page.wait_for_url("**/console/vouchers")
    result = page.locator("dialog[open]")
    assert result.locator("h2").inner_text() == "Voucher reclaimed"
    assert page.locator("#result-amount").inner_text() == "40.00 CNY"
    assert_accessible(page)
    result.locator("button").click()
    assert "Reclaimed" in page.locator("tr", has_text="walk-voucher").inner_text()  # status 5 stays listed
    page.goto("/console/vouchers/records")
    assert page.locator("tbody tr").count() == 2
    assert_accessible(page)
    _ledger_ok(env)


def test_issue_a_quota_to_a_reseller_and_reclaim_it(chromium: Any, browser_env: Env) -> None:
    env = browser_env
    distributor = make_partner(env)
    reseller = make_partner(env, "reseller", parent=distributor)
    _grant_quota(env, distributor.id, 5000)
    page = new_page(chromium, env)
    sign_in(page, distributor)
    page.goto("/console/quotas/issue")
    assert_accessible(page)
    page.get_by_role("link", name="Select", exact=True).click()
    assert page.locator("text=Reselect quota").is_visible()
    page.check(f"input[name=reseller_id][value='{reseller.id}']")
    page.fill("#amount", "300")
    assert_accessible(page)
    page.click("form.stack button[type=submit]")
    assert reseller.login in page.locator("dialog[open]").inner_text()
    page.locator("dialog[open] button[value=confirm]").click()
    page.wait_for_url("**/quotas/issued")
    assert "Quota issued to 1 cloud resellers" in page.locator(".banner.success").inner_text()
    assert_accessible(page)
    page.locator("tr", has_text=reseller.login).locator("text=Reclaim").click()
    page.locator("dialog[open] button[value=confirm]").click()
    page.wait_for_url("**/quotas/issued")
    assert page.locator("dialog[open] h2").inner_text() == "Quota reclaimed"
    assert page.locator("#result-amount").inner_text() == "300.00 CNY"
    page.locator("dialog[open] button").click()
    assert "Reclaimed" in page.locator("tr", has_text=reseller.login).inner_text()
    page.goto("/console/quotas/records")
    assert page.locator("tbody tr").count() == 2
    assert_accessible(page)
    _ledger_ok(env)


def test_reveal_a_masked_mobile_and_see_its_audit_event(chromium: Any, browser_env: Env) -> None:
    env = browser_env
    partner = make_partner(env)
    make_customer(env, partner, name="walk-reveal", mobile="13812345678")
    page = new_page(chromium, env)
    sign_in(page, partner)
    page.goto("/console/customers")
    masked = page.locator("#tel-1")
    assert masked.inner_text() == "138****5678"
    eye = page.locator("form[data-reveal='tel-1'] button")
    eye.click()
    expect(masked).to_have_text("13812345678")
    assert eye.get_attribute("aria-pressed") == "true"
    eye.click()
    expect(masked).to_have_text("138****5678")
    assert "13812345678" not in page.url
    page.goto("/console/records/audit")
    assert "Revealed a customer's data (mobile number)" in page.locator("tbody").inner_text()
    assert_accessible(page)


def test_create_and_revoke_an_access_key(chromium: Any, browser_env: Env) -> None:
    env = browser_env
    partner = make_partner(env)
    page = new_page(chromium, env)
    sign_in(page, partner)
    page.goto("/console/settings")
    assert_accessible(page)
    page.click("text=Create access key")
    page.locator("dialog[open] button[value=confirm]").click()
    access_key = page.locator("#new-access-key").inner_text()
    secret = page.locator("#new-secret-key").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{20}", access_key) and len(secret) == 40
    assert_accessible(page)
    page.click("text=I have copied it")
    assert secret not in page.content()  # shown once
    page.locator("tr", has_text=access_key).locator("button").click()
    page.locator("dialog[open] button[value=confirm]").click()
    page.wait_for_url("**/console/settings")
    assert "Revoked" in page.locator("tr", has_text=access_key).inner_text()


def test_switch_the_language(chromium: Any, browser_env: Env) -> None:
    env = browser_env
    partner = make_partner(env)
    page = new_page(chromium, env)
    sign_in(page, partner)
    page.goto("/console/customers")
    page.click("button[value=zh-cn]")
    page.wait_for_url("**/console/customers")
    assert page.locator("h1").inner_text() == "客户管理"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert_accessible(page)
    page.goto("/console/")
    assert page.locator("h1").inner_text() == "总览"
    page.click("button[value=en-us]")
    assert page.locator("h1").inner_text() == "Dashboard"


def test_a_post_without_the_csrf_token_is_refused(chromium: Any, browser_env: Env) -> None:
    env = browser_env
    partner = make_partner(env)
    give_cash(env, partner, 10)
    customer = make_customer(env, partner)
    page = new_page(chromium, env)
    sign_in(page, partner)
    answer = page.request.post(
        "/console/customers/fund",
        form={"customer_id": customer, "amount": "5", "intent": "confirm", "idempotency_key": "console-x"},
    )
    assert answer.status == 403 and "did not come from this site" in answer.text()
    page.set_content(answer.text())
    assert cash_of(env, partner.id) == 10_00


def test_pages_work_on_a_phone(chromium: Any, browser_env: Env) -> None:
    env = browser_env
    partner = make_partner(env)
    make_customer(env, partner, name="phone-customer", mobile="13911112222")
    page = new_page(chromium, env, width=390, height=844)
    sign_in(page, partner)
    for path in ("/console/", "/console/customers", "/console/settings", "/console/records"):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways on a phone ({overflow}px)"
        assert_accessible(page)


def _grant_quota(env: Env, partner_id: str, yuan: int) -> None:
    from datetime import timedelta

    from partnerhub.quotas.service import QuotaGrant, grant_quota

    now = env.ctx.clock.now()
    with session_scope(env.ctx.sessions) as session:
        grant_quota(
            session,
            now,
            QuotaGrant(
                partner_id=partner_id,
                amount_minor=yuan * 100,
                effective_time=now - timedelta(minutes=1),
                expire_time=now + timedelta(days=90),
            ),
        )


def test_a_reseller_registers_through_the_invitation_link(chromium: Any, browser_env: Env) -> None:
    env = browser_env
    link = invite(env, distributor(env))
    page = new_page(chromium, env)
    page.goto(urlsplit(link.url).path)
    assert_accessible(page)
    page.fill("#name", "Example Reseller Ltd.")
    page.fill("#login", "walk-reseller-01")
    page.fill("#mobile_phone", "13700006666")
    page.click("button[value=send_code]")
    page.fill("#verification_code", sent_code(env, "13700006666"))
    page.fill("#password", "Reseller#2026pw")
    page.click("button[value=register]")
    expect(page.locator("#registered")).to_contain_text("walk-reseller-01")
    assert_accessible(page)
