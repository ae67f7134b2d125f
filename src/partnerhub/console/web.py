"""The request side of every console page: who is signed in, the checked form, the language, rendering.

* ``CurrentUser`` (dependency) resolves the session cookie in a short transaction of its own (like API
  authentication), or raises ``LoginRequired``: pages redirect to the sign-in page, which brings the user
  back afterwards.
* ``CheckedForm`` (dependency) reads a POSTed form and refuses it with 403 ``CBC.99100401`` unless it carries
  the CSRF token of the visitor's cookie — before any handler code runs.
* ``PageError`` carries a finished page (a form shown again with its error); raising it rolls the request's
  transaction back (or commits it, with ``keep_changes``, e.g. a counted failed code) before answering.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, Response

from partnerhub.auth.principals import Principal, SubjectKind
from partnerhub.console import formatting, labels, security
from partnerhub.console.i18n import LANGUAGE_COOKIE, LANGUAGE_NAMES, request_language, translations
from partnerhub.console.nav import nav_for
from partnerhub.console.sessions import live_session, pop_flash
from partnerhub.context import AppContext
from partnerhub.db.session import session_scope
from partnerhub.errors import ApiError, Language
from partnerhub.http.deps import get_context
from partnerhub.partners.repository import PartnerRepository

TEMPLATES = Path(__file__).parent / "templates"
PREFIX = "/console"


class LoginRequired(Exception):
    keep_changes = True
    """Commit the lookup's own work (an ended session it deleted) before redirecting."""

    def __init__(self, next_url: str, *, ended: bool) -> None:
        super().__init__("sign-in required")
        self.next_url = next_url
        self.ended = ended
        """True when a session cookie came but its session has ended (say so on the sign-in page)."""


class CsrfRefused(Exception):
    pass


class PageError(Exception):
    """A page to answer with instead of the normal result; the transaction rolls back unless keep_changes."""

    def __init__(self, response: Response, *, keep_changes: bool = False) -> None:
        super().__init__("page error")
        self.response = response
        self.keep_changes = keep_changes


class Translator:
    """gettext for one language; ``%(name)s`` placeholders filled from keyword arguments."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self._translations = translations(language)

    def gettext(self, message: str, **values: Any) -> str:
        text = self._translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: Any) -> str:
        text = self._translations.ngettext(singular, plural, count)
        return text % {"num": count, **values}

    def error(self, exc: ApiError) -> str:
        """The registry's message in this language (the same text the API answers)."""
        return exc.message(self.language)


@dataclass(frozen=True)
class ConsoleUser:
    partner_id: str
    partner_kind: str
    account_name: str
    name: str
    step_up_required: bool
    xaccount_type: str
    """The platform id the operator assigned (customers it creates carry it)."""
    has_contact: bool
    """Whether step-up codes have somewhere to go (a mobile number or an e-mail address)."""
    session_cookie: str
    session_hash: str
    flash: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def principal(self) -> Principal:
        return Principal(
            SubjectKind.PARTNER, self.partner_id, self.partner_kind, f"console:{self.partner_id}"
        )

    @property
    def is_distributor(self) -> bool:
        return self.partner_kind == "distributor"


def console_context(request: Request) -> AppContext:
    return get_context(request)


def language_of(request: Request) -> Language:
    cached: Language | None = getattr(request.state, "console_language", None)
    if cached is None:
        ctx = console_context(request)
        cached = request_language(
            security.read_cookie(request, ctx, LANGUAGE_COOKIE),
            request.headers.get("accept-language", ""),
            ctx.settings.default_language,
        )
        request.state.console_language = cached
    return cached


def translator(request: Request) -> Translator:
    return Translator(language_of(request))


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def safe_next(value: str | None) -> str:
    """Only a path inside the console may be returned to (no open redirect)."""
    if value and value.startswith(PREFIX + "/") and not value.startswith("//") and "\\" not in value:
        return value
    return PREFIX + "/"


def current_user(request: Request) -> ConsoleUser:
    ctx = console_context(request)
    cookie = security.read_cookie(request, ctx, security.SESSION_COOKIE)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    with session_scope(ctx.sessions) as session:
        row = live_session(session, ctx, cookie)
        partner = PartnerRepository(session).get(row.partner_id) if row is not None else None
        if row is None or partner is None or cookie is None:
            raise LoginRequired(here if request.method == "GET" else PREFIX + "/", ended=cookie is not None)
        flash = pop_flash(session, row) if request.method == "GET" else None
        user = ConsoleUser(
            partner_id=partner.id,
            partner_kind=partner.kind,
            account_name=partner.account_name,
            name=partner.name,
            step_up_required=bool(partner.step_up_required),
            xaccount_type=partner.xaccount_type,
            has_contact=bool(partner.mobile or partner.email),
            session_cookie=cookie,
            session_hash=row.id_hash,
            flash=flash,
        )
    request.state.console_user = user
    return user


CurrentUser = Annotated[ConsoleUser, Depends(current_user)]


class Form:
    """A checked POSTed form. Values are stripped text; absent fields are ``""``."""

    def __init__(self, data: FormData) -> None:
        self._data = data

    def text(self, name: str) -> str:
        value = self._data.get(name)
        return value.strip() if isinstance(value, str) else ""

    def raw(self, name: str) -> str:
        """Unstripped (passwords)."""
        value = self._data.get(name)
        return value if isinstance(value, str) else ""

    def values(self, name: str) -> list[str]:
        return [
            value.strip() for value in self._data.getlist(name) if isinstance(value, str) and value.strip()
        ]

    def flag(self, name: str) -> bool:
        return self.text(name) in ("1", "on", "true", "yes")


async def checked_form(request: Request) -> Form:
    ctx = console_context(request)
    data = await request.form()
    submitted = data.get(security.CSRF_FIELD)
    if not security.csrf_matches(
        ctx,
        submitted if isinstance(submitted, str) else None,
        session_cookie=security.read_cookie(request, ctx, security.SESSION_COOKIE),
        anonymous=security.read_cookie(request, ctx, security.ANONYMOUS_COOKIE),
    ):
        raise CsrfRefused()
    return Form(data)


CheckedForm = Annotated[Form, Depends(checked_form)]


def new_idempotency_key() -> str:
    return "console-" + secrets.token_urlsafe(18)


class Pages:
    """The Jinja2 environment and the page renderer (autoescaped, undefined names are errors)."""

    def __init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html", "svg"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["labels"] = labels
        self.env.filters.update(
            money=formatting.money,
            amount=formatting.amount_text,
            localtime=formatting.local_time,
        )

    def render(
        self,
        request: Request,
        template: str,
        values: dict[str, Any] | None = None,
        *,
        user: ConsoleUser | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        ctx = console_context(request)
        language = language_of(request)
        tr = Translator(language)
        user = user or getattr(request.state, "console_user", None)
        anonymous = security.read_cookie(request, ctx, security.ANONYMOUS_COOKIE)
        new_anonymous = None
        if user is None and anonymous is None:
            anonymous = new_anonymous = security.new_cookie_value()
        csrf = security.csrf_token(
            ctx, session_cookie=user.session_cookie if user else None, anonymous_cookie=anonymous
        )
        outbox_on = ctx.settings.sms_sender == "outbox" or ctx.settings.email_sender == "outbox"
        page = {
            "_": tr.gettext,
            "ngettext": tr.ngettext,
            "language": language,
            "html_language": "zh-CN" if language == "zh-cn" else "en",
            "languages": LANGUAGE_NAMES,
            "user": user,
            "csrf_token": csrf,
            "nav": nav_for(user, outbox_on=outbox_on) if user else [],
            "flash": user.flash if user else None,
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            "path": request.url.path,
            "prefix": PREFIX,
            **(values or {}),
        }
        body = self.env.get_template(template).render(page)
        response = HTMLResponse(body, status_code=status)
        if new_anonymous is not None:
            security.set_cookie(
                response, request, ctx, security.ANONYMOUS_COOKIE, new_anonymous, max_age=None
            )
        return response


PAGES = Pages()
