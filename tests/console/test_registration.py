"""The page behind a reseller invitation link registers through the same services as the public API."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from tests.console.helpers import console
from tests.invitations.helpers import distributor, invite, partner_count
from tests.support import Env, sent_code

MOBILE = "13700005555"


def test_the_link_in_the_invitation_opens_a_page_that_registers_the_reseller(env: Env) -> None:
    inviter = distributor(env)
    link = invite(env, inviter)
    path = urlsplit(link.url).path
    assert path.startswith("/console/register/")
    browser = console(env)
    page = browser.get(path)
    assert page.status_code == 200 and 'name="login"' in page.text
    assert page.headers["cache-control"].startswith("no-store")
    sent = browser.post(path, {"intent": "send_code", "mobile_phone": MOBILE, "login": "fresh-reseller-01"})
    assert sent.status_code == 200 and "A code was sent" in sent.text
    assert 'value="fresh-reseller-01"' in sent.text  # the form keeps what was typed
    weak = browser.post(
        path,
        {
            "intent": "register",
            "name": "Example Reseller",
            "login": "fresh-reseller-01",
            "mobile_phone": MOBILE,
            "verification_code": sent_code(env, MOBILE),
            "password": "short",
        },
    )
    assert weak.status_code == 400 and "Invalid password" in weak.text
    before = partner_count(env)
    done = browser.post(
        path,
        {
            "intent": "register",
            "name": "Example Reseller",
            "login": "fresh-reseller-01",
            "mobile_phone": MOBILE,
            "verification_code": sent_code(env, MOBILE),
            "password": "Reseller#2026pw",
        },
    )
    assert done.status_code == 200 and 'id="registered"' in done.text, done.text
    assert partner_count(env) == before + 1
    used = console(env).get(path)
    assert used.status_code == 410 and 'id="link-error"' in used.text
    fresh = console(env)  # the new reseller signs in to the console
    fresh.get("/console/login")
    answer = fresh.post(
        "/console/login",
        {"login_name": "fresh-reseller-01", "password": "Reseller#2026pw", "next": "/console/"},
    )
    assert answer.status_code == 303


def test_an_expired_link_shows_why_and_no_form(env: Env) -> None:
    link = invite(env, distributor(env))
    env.clock.advance(timedelta(hours=24, minutes=1))
    page = console(env, language="zh-CN").get(urlsplit(link.url).path)
    assert page.status_code == 410 and "注册链接已过期" in page.text and 'name="login"' not in page.text


def test_a_registration_without_the_csrf_token_is_refused(env: Env) -> None:
    link = invite(env, distributor(env))
    path = urlsplit(link.url).path
    browser = console(env)
    browser.get(path)
    refused = browser.post(path, {"intent": "send_code", "mobile_phone": MOBILE}, csrf=False)
    assert refused.status_code == 403
