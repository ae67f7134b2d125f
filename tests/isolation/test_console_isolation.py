"""The same guarantee in the web partner center: a page or form given another tenant's id answers exactly
like one given a missing id, and changes nothing.

The console is not in the OpenAPI document. Its path and query ids are read from the app's own routes, and
the test fails when one is not in ``PAGES``. Form fields are read inside the handlers (``form.text``), so
``FORMS`` lists them by hand: every console form that takes an id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount

from partnerhub.kit.ids import new_id
from tests.console.helpers import Console, signed_in
from tests.isolation.snapshot import changed_tables, new_audit_events, take
from tests.isolation.world import Side, World
from tests.support import Env

PREFIX = "/console"

Page = Callable[[str], str]
"""The page's path (with its query) for a given id."""
Form = Callable[[str, Side], dict[str, Any]]
"""The form's fields for a given id and the caller's own side."""

PAGES: dict[tuple[str, str], tuple[str, Page]] = {
    ("/customers/{customer_id}", "customer_id"): ("customer", lambda v: f"/customers/{v}"),
    ("/customers/{customer_id}/fund", "customer_id"): ("customer", lambda v: f"/customers/{v}/fund"),
    ("/customers/{customer_id}/reclaim", "customer_id"): ("customer", lambda v: f"/customers/{v}/reclaim"),
    ("/customers/{customer_id}/freeze", "customer_id"): ("customer", lambda v: f"/customers/{v}/freeze"),
    ("/vouchers", "customer_id"): ("customer", lambda v: f"/vouchers?customer_id={v}"),
    ("/vouchers/issue", "customer_id"): ("customer", lambda v: f"/vouchers/issue?customer_id={v}"),
    ("/customers/batch-fund", "customer_id"): (
        "customer",
        lambda v: f"/customers/batch-fund?customer_id={v}",
    ),
    ("/vouchers/export.csv", "customer_id"): ("customer", lambda v: f"/vouchers/export.csv?customer_id={v}"),
    ("/quotas/issue", "quota_id"): ("quota", lambda v: f"/quotas/issue?quota_id={v}"),
    ("/records", "customer_id"): ("customer", lambda v: f"/records?customer_id={v}"),
}
"""(route path, id parameter) → (owner's slot, the page for an id)."""

FORMS: dict[tuple[str, str], tuple[str, Form]] = {
    ("/customers/reveal", "customer_id"): (
        "customer",
        lambda v, mine: {"customer_id": v, "field": "telephone"},
    ),
    ("/customers/fund", "customer_id"): ("customer", lambda v, mine: {"customer_id": v, "amount": "1"}),
    ("/customers/reclaim", "customer_id"): ("customer", lambda v, mine: {"customer_id": v, "amount": "1"}),
    ("/customers/freeze", "customer_id"): (
        "customer",
        lambda v, mine: {"customer_id": v, "reason": "isolation"},
    ),
    ("/customers/batch-fund", "customer_id"): ("customer", lambda v, mine: {"customer_id": v, "amount": "1"}),
    ("/vouchers/issue", "customer_id"): (
        "customer",
        lambda v, mine: {"customer_id": v, "quota_id": mine.quota, "face_value": "1"},
    ),
    ("/vouchers/issue", "quota_id"): (
        "quota",
        lambda v, mine: {"customer_id": mine.customer, "quota_id": v, "face_value": "1"},
    ),
    ("/vouchers/reclaim", "coupon_id"): ("coupon", lambda v, mine: {"coupon_id": v}),
    ("/quotas/issue", "quota_id"): (
        "quota",
        lambda v, mine: {"quota_id": v, "reseller_id": mine.reseller, "amount": "1"},
    ),
    ("/quotas/issue", "reseller_id"): (
        "reseller",
        lambda v, mine: {"quota_id": mine.quota, "reseller_id": v, "amount": "1"},
    ),
    ("/quotas/reclaim", "quota_id"): ("child_quota", lambda v, mine: {"quota_id": v}),
}
"""(form action, id field) → (owner's slot, the form's fields)."""

PAIRINGS = (
    ("partner-with-other-partners-ids", "a", "b"),
    ("reseller-with-its-distributors-ids", "reseller", "a"),
    ("distributor-with-its-resellers-ids", "a", "reseller"),
)
RESELLER_LACKS = {"reseller", "child_quota"}


def _cases(table: dict[tuple[str, str], tuple[str, Any]], intents: tuple[str, ...] = ("",)) -> list[Any]:
    return [
        pytest.param(
            path, name, caller, owner, intent, id=f"{path} {name} {pairing}{intent and ' ' + intent}"
        )
        for (path, name), (slot, _) in table.items()
        for pairing, caller, owner in PAIRINGS
        for intent in intents
        if not (owner == "reseller" and slot in RESELLER_LACKS)
    ]


_NOISE = (
    re.compile(r'(name="(?:csrf_token|idempotency_key)" value=")[^"]+'),
    re.compile(r'(nonce=")[^"]+'),
    re.compile(r"(BA\d{6})[0-9a-f]+"),
)


SHOWN = 12
"""Review pages show an id's first characters (``186e46c75bbb…``): still an echo of the form's own input."""


def _answer(response: httpx.Response, tried: str, missing: str) -> tuple[int, str | None, str]:
    text = response.text.replace(tried, missing).replace(tried[:SHOWN], missing[:SHOWN])
    for pattern in _NOISE:
        text = pattern.sub(r"\1<generated>", text)
    location = response.headers.get("location")
    return response.status_code, location.replace(tried, missing) if location else None, text


BOOKKEEPING = {"idempotency_records": 0, "console_sessions": 1}
"""The caller's own rows a confirmed form writes whatever its items' fate (a batch whose every item failed
keeps its answer under the form's idempotency key, and the session its flash), with the column of their
partner id."""

_sessions: dict[str, Console] = {}


def _browser(env: Env, world: World, caller: str) -> Console:
    """One signed-in console per caller and world, kept for the package's cases."""
    partner = getattr(world, caller).partner
    if partner.id not in _sessions:  # partner ids are new in every world
        _sessions[partner.id] = signed_in(env, partner)
    return _sessions[partner.id]


def _routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            yield prefix + route.path, route


def _console_ids(env: Env) -> set[tuple[str, str]]:
    """Every (path, parameter) of the console's own routes that names an id."""
    found = set()
    for mount in env.app.routes:
        if not isinstance(mount, Mount) or mount.path != PREFIX:
            continue
        for path, route in _routes(mount.routes):
            for param in [*route.dependant.path_params, *route.dependant.query_params]:
                name = param.alias
                if name == "id" or name.endswith(("_id", "_ids")):
                    found.add((path, name))
    return found


def test_every_console_page_that_takes_an_id_is_in_the_table(isolated: tuple[Env, World]) -> None:
    env, _ = isolated
    assert _console_ids(env) == set(PAGES)


def _check(
    env: Env, send: Callable[[str], httpx.Response], foreign: str, missing: str, caller_id: str
) -> None:
    before = take(env.ctx)
    tried = send(foreign)
    between = take(env.ctx)
    absent = send(missing)
    after = take(env.ctx)
    assert tried.status_code < 500, tried.text
    assert _answer(tried, foreign, missing) == _answer(absent, missing, missing)
    for start, end in ((before, between), (between, after)):
        changed = changed_tables(start, end)
        assert set(changed) <= set(BOOKKEEPING), f"the page changed {changed}"
        for table in changed:
            added = set(end.tables[table]) - set(start.tables[table])
            assert {json.loads(row)[BOOKKEEPING[table]] for row in added} <= {caller_id}, table
    events = new_audit_events(env.ctx, before, between)
    assert [e for e in events if e["partner_id"] != caller_id] == []


@pytest.mark.parametrize(("path", "name", "caller", "owner", "intent"), _cases(PAGES))
def test_a_page_with_a_foreign_id_answers_like_a_missing_one(
    isolated: tuple[Env, World], path: str, name: str, caller: str, owner: str, intent: str
) -> None:
    env, world = isolated
    slot, page = PAGES[(path, name)]
    browser = _browser(env, world, caller)
    foreign = getattr(getattr(world, owner), slot)
    _check(env, lambda v: browser.get(PREFIX + page(v)), foreign, new_id(), getattr(world, caller).partner.id)


@pytest.mark.parametrize(("path", "name", "caller", "owner", "intent"), _cases(FORMS, ("review", "confirm")))
def test_a_form_with_a_foreign_id_answers_like_a_missing_one(
    isolated: tuple[Env, World], path: str, name: str, caller: str, owner: str, intent: str
) -> None:
    """Both steps of a sensitive form: the review page, and the confirmation that runs it."""
    env, world = isolated
    slot, form = FORMS[(path, name)]
    browser = _browser(env, world, caller)
    browser.get(PREFIX + "/customers")  # a page with the session's CSRF token
    mine: Side = getattr(world, caller)
    foreign = getattr(getattr(world, owner), slot)

    def send(value: str) -> httpx.Response:
        fields = {**form(value, mine), "intent": intent, "idempotency_key": new_id()}
        return browser.post(PREFIX + path, fields)

    _check(env, send, foreign, new_id(), mine.partner.id)
