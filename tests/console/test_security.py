"""The console's security properties over HTTP, on both engines: cookies, CSRF, headers, session expiry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from partnerhub.console.models import ConsoleSession
from partnerhub.db.session import session_scope
from tests.console.helpers import cash_of, console, give_cash, signed_in
from tests.support import Env, make_customer, make_partner


def _cookie_header(response: object, name: str) -> str:
    headers = response.headers
    matches = [value for value in headers.get_list("set-cookie") if value.startswith(name + "=")]
    assert matches, f"no {name} cookie set"
    return matches[0]


def test_pages_carry_the_security_headers(env: Env) -> None:
    page = console(env).get("/console/login")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-request-id"]
    static = console(env).get("/console/static/console.js")
    assert static.status_code == 200 and static.headers["x-frame-options"] == "DENY"
    assert "no-store" not in static.headers.get("cache-control", "")


def test_sign_in_sets_a_hashed_http_only_session_and_logout_ends_it(env: Env) -> None:
    partner = make_partner(env)
    browser = console(env)
    browser.get("/console/login")
    anonymous = _cookie_header(browser.last, "partnerhub_csrf")
    assert "httponly" in anonymous.lower() and "samesite=lax" in anonymous.lower()
    answer = browser.login(partner)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/"
    cookie = _cookie_header(answer, "partnerhub_session")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain http here; https gets Secure (test below)
    value = browser.http.cookies["partnerhub_session"]
    with session_scope(env.ctx.sessions) as session:
        stored = session.scalars(select(ConsoleSession.id_hash)).all()
    assert len(stored) == 1 and value not in stored[0] and stored[0] != value
    assert browser.get("/console/").status_code == 200
    assert browser.post("/console/logout", {}).status_code == 303
    after = browser.get("/console/")
    assert after.status_code == 303 and after.headers["location"].startswith("/console/login")
    with session_scope(env.ctx.sessions) as session:
        assert session.scalars(select(ConsoleSession)).all() == []


def test_cookies_are_secure_with_the_host_prefix_over_https(env: Env) -> None:
    settings = env.ctx.settings
    settings.console_cookie_secure = "always"
    try:
        page = console(env).get("/console/login")
        cookie = _cookie_header(page, "__Host-partnerhub_csrf")
        assert "secure" in cookie.lower() and "path=/" in cookie.lower() and "domain" not in cookie.lower()
    finally:
        settings.console_cookie_secure = "auto"


def test_a_wrong_password_is_refused_and_the_throttle_locks_the_account(env: Env) -> None:
    partner = make_partner(env)
    browser = console(env)
    wrong = browser.login(partner, password="Wrong#password1")
    assert wrong.status_code == 401 and "Incorrect login name or password." in wrong.text
    unknown = console(env)
    unknown.get("/console/login")
    missing = unknown.post("/console/login", {"login_name": "nobody-here", "password": "Wrong#password1"})
    assert missing.status_code == 401 and "Incorrect login name or password." in missing.text
    for _ in range(5):  # five free attempts per account; the sixth earns the first lock-out
        browser.login(partner, password="Wrong#password1")
    locked = browser.login(partner)  # the right password, during the lock-out
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert "partnerhub_session" not in browser.http.cookies
    env.clock.advance(timedelta(minutes=16))
    assert browser.login(partner).status_code == 303


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(env: Env) -> None:
    partner = make_partner(env)
    give_cash(env, partner, 100)
    customer = make_customer(env, partner)
    browser = signed_in(env, partner)
    form = {"customer_id": customer, "amount": "10.00", "intent": "confirm", "idempotency_key": "console-k1"}
    refused = browser.post("/console/customers/fund", form, csrf=False)
    assert refused.status_code == 403 and "CBC.99100401" in refused.text
    assert "did not come from this site" in refused.text
    other = signed_in(env, partner)  # a token of another session is not this session's
    other.get("/console/")
    forged = browser.post("/console/customers/fund", {**form, "csrf_token": other.csrf()}, csrf=False)
    assert forged.status_code == 403
    assert cash_of(env, partner.id) == 100_00


def test_sessions_end_after_the_idle_time_and_after_the_absolute_time(env: Env) -> None:
    partner = make_partner(env)
    idle = signed_in(env, partner)
    env.clock.advance(timedelta(minutes=29))
    assert idle.get("/console/").status_code == 200
    env.clock.advance(timedelta(minutes=31))
    ended = idle.get("/console/customers")
    assert ended.status_code == 303 and "ended=1" in ended.headers["location"]
    assert "next=%2Fconsole%2Fcustomers" in ended.headers["location"]
    assert "Your session has ended" in idle.get(ended.headers["location"]).text

    busy = signed_in(env, partner)
    for _ in range(12 * 3 - 1):  # a request every 20 minutes for almost 12 hours
        env.clock.advance(timedelta(minutes=20))
        assert busy.get("/console/").status_code == 200
    env.clock.advance(timedelta(minutes=21))
    assert busy.get("/console/").status_code == 303


def test_console_routes_stay_out_of_the_openapi_document(env: Env) -> None:
    document = env.http.get("/openapi.json").json()
    assert not [path for path in document["paths"] if path.startswith("/console")]


def test_reveal_is_a_post_and_never_a_url(env: Env) -> None:
    partner = make_partner(env)
    make_customer(env, partner, mobile="13912345678")
    browser = signed_in(env, partner)
    listing = browser.get("/console/customers")
    assert "139****5678" in listing.text and "13912345678" not in listing.text
    sneaky = browser.get("/console/customers/reveal", params={"customer_id": "x", "field": "telephone"})
    assert sneaky.status_code >= 400 and "13912345678" not in sneaky.text


def test_the_language_follows_the_choice_then_the_browser_then_the_default(env: Env) -> None:
    chinese = console(env, language="zh-CN,zh;q=0.9").get("/console/login")
    assert "登录伙伴中心" in chinese.text and 'lang="zh-CN"' in chinese.text
    english = console(env, language="en-US,en;q=0.9")
    assert "Sign in to the partner center" in english.get("/console/login").text
    answer = english.post("/console/language", {"language": "zh-cn", "next": "/console/login"})
    assert answer.status_code == 303
    assert "登录伙伴中心" in english.get("/console/login").text
    default = console(env, language="fr-FR")
    assert "登录伙伴中心" in default.get("/console/login").text  # PARTNERHUB_DEFAULT_LANGUAGE zh-cn
