"""A console client over HTTP: cookies kept, the CSRF token read from the last page, forms posted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from partnerhub.db.session import session_scope
from partnerhub.funding.service import topup
from partnerhub.ledger.accounts import customer_funded, partner_cash
from partnerhub.ledger.service import balance_of
from partnerhub.partners.repository import PartnerRepository
from tests.support import Env, PartnerHandle

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


@dataclass
class Console:
    env: Env
    http: httpx.Client
    last: httpx.Response | None = None
    token: str | None = None
    """The CSRF token of the newest page that had one."""

    def _seen(self, response: httpx.Response) -> httpx.Response:
        self.last = response
        found = _CSRF.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self._seen(self.http.get(path, **kwargs))

    def csrf(self) -> str:
        assert self.token, "load a page with a form first"
        return self.token

    def idempotency_key(self) -> str:
        assert self.last is not None
        found = _KEY.search(self.last.text)
        assert found, "the page has no idempotency key"
        return found.group(1)

    def post(self, path: str, data: dict[str, Any], *, csrf: bool = True, **kwargs: Any) -> httpx.Response:
        form = dict(data)
        if csrf:
            form.setdefault("csrf_token", self.csrf())
        return self._seen(self.http.post(path, data=form, **kwargs))

    def login(self, partner: PartnerHandle, password: str | None = None) -> httpx.Response:
        self.get("/console/login")
        return self.post(
            "/console/login",
            {"login_name": partner.login, "password": password or partner.password, "next": "/console/"},
        )


def console(env: Env, *, language: str = "en-us") -> Console:
    client = httpx.Client(
        base_url=env.url, follow_redirects=False, timeout=30, headers={"Accept-Language": language}
    )
    return Console(env, client)


def signed_in(env: Env, partner: PartnerHandle, *, language: str = "en-us") -> Console:
    browser = console(env, language=language)
    answer = browser.login(partner)
    assert answer.status_code == 303, answer.text
    return browser


def cash_of(env: Env, partner_id: str) -> int:
    with session_scope(env.ctx.sessions) as session:
        return balance_of(session, partner_cash(partner_id)) or 0


def funded_of(env: Env, customer_id: str) -> int:
    with session_scope(env.ctx.sessions) as session:
        return balance_of(session, customer_funded(customer_id)) or 0


def give_cash(env: Env, partner: PartnerHandle, yuan: int) -> None:
    with session_scope(env.ctx.sessions) as session:
        topup(session, env.ctx, partner_id=partner.id, amount_minor=yuan * 100)


def set_step_up(env: Env, partner: PartnerHandle, required: bool) -> None:
    with session_scope(env.ctx.sessions) as session:
        found = PartnerRepository(session).get(partner.id)
        assert found is not None
        found.step_up_required = required
