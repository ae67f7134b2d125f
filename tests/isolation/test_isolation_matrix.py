"""Tenant isolation over every route: another tenant's id answers exactly what a missing id answers.

The OpenAPI document says which operations take an object id; ``routes.ROUTES`` says how to call each of
them. For every id field and every pairing — distributor A with distributor B's ids, A's reseller with A's
ids, A with its reseller's ids (no ``indirect_partner_id``), a customer with another customer's ids — the
call is made once with the foreign id and once with a made-up one: same status, same body (the id itself
aside), the same audit events, and nothing else in the database changed. A new id-taking route or field
that is not in the table fails the first test. See docs/security.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest

from partnerhub.kit.ids import new_id
from tests.isolation.routes import CUSTOMER, NOT_OBJECT_IDS, PARTNER, ROUTES, Call, IdField, Route
from tests.isolation.snapshot import changed_tables, new_audit_events, take
from tests.isolation.world import Side, World
from tests.support import Env, PartnerHandle, signed_call


@dataclass(frozen=True)
class Pairing:
    """Who calls (``caller``: a partner side, or None for the world's calling customer) with whose ids."""

    name: str
    actor: str
    caller: str | None
    owner: str
    lacking: frozenset[str] = frozenset()
    """Slots the owner has no object for (a reseller has no resellers, child quotas nor invitations)."""
    acting_for: str | None = None
    """A distributor acting for this side's reseller: every call adds ``indirect_partner_id``, and the
    other fields of the call are the reseller's own."""

    @property
    def mine(self) -> str | None:
        """Whose own objects fill the fields not under test."""
        return self.acting_for or self.caller


RESELLER_LACKS = frozenset({"reseller", "child_quota", "invitation"})
INDIRECT = "indirect_partner_id"
PAIRINGS = (
    Pairing("partner-with-other-partners-ids", PARTNER, "a", "b"),
    Pairing("reseller-with-its-distributors-ids", PARTNER, "reseller", "a"),
    # Without indirect_partner_id a distributor acts as itself: its reseller's objects are not its own.
    Pairing("distributor-with-its-resellers-ids", PARTNER, "a", "reseller", RESELLER_LACKS),
    # With it, the distributor acts as the reseller: neither its own objects nor B's are the reseller's.
    Pairing("distributor-for-its-reseller-with-its-own-ids", PARTNER, "a", "a", acting_for="reseller"),
    Pairing("distributor-for-its-reseller-with-other-partners-ids", PARTNER, "a", "b", acting_for="reseller"),
    Pairing("customer-with-same-partner-customers-ids", CUSTOMER, None, "same_partner_customer"),
    Pairing("customer-with-other-partner-customers-ids", CUSTOMER, None, "other_partner_customer"),
)


def _applies(pairing: Pairing, route: Route, name: str) -> bool:
    if pairing.actor != route.actor or route.fields[name].slot in pairing.lacking:
        return False
    return pairing.acting_for is None or (
        route.acts_for_reseller and INDIRECT in route.fields and name != INDIRECT
    )


CASES = [
    pytest.param(method, path, name, pairing, id=f"{method} {path} {name} {pairing.name}")
    for (method, path), route in ROUTES.items()
    for name in route.fields
    for pairing in PAIRINGS
    if _applies(pairing, route, name)
]


def _is_id(name: str) -> bool:
    leaf = name.rsplit(".", 1)[-1]
    return (leaf == "id" or leaf.endswith(("_id", "_ids"))) and leaf not in NOT_OBJECT_IDS


def _properties(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    result: dict[str, Any] = schema.get("properties", {})
    return result


def _field_names(document: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    names = {p["name"] for p in operation.get("parameters", []) if p["in"] in ("path", "query")}
    for content in operation.get("requestBody", {}).get("content", {}).values():
        for name, prop in _properties(document, content["schema"]).items():
            names.add(name)
            items = prop.get("items", {})
            names.update(f"{name}[].{inner}" for inner in _properties(document, items))
    return names


def id_fields(document: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    """Every documented operation that takes an object id, with its id fields."""
    found = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            fields = {name for name in _field_names(document, operation) if _is_id(name)}
            if fields:
                found[(method.upper(), path)] = fields
    return found


def test_every_id_taking_operation_and_field_is_in_the_table(isolated: tuple[Env, World]) -> None:
    env, _ = isolated
    document = env.http.get("/openapi.json").json()
    assert id_fields(document) == {key: set(route.fields) for key, route in ROUTES.items()}


def test_a_new_id_taking_field_is_noticed(isolated: tuple[Env, World]) -> None:
    """The guard above, shown working: one more id field, in a body schema, is found."""
    env, _ = isolated
    document = env.http.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    schemas["AdjustAccountReq"]["properties"]["ledger_account_id"] = {"type": "string"}
    found = id_fields(document)[("POST", "/v2/accounts/partner-accounts/adjust-amount")]
    assert found == {"customer_id", "indirect_partner_id", "ledger_account_id"}


def _acting_for(call: Call, reseller: str) -> Call:
    if call.body is not None:
        return replace(call, body={**call.body, INDIRECT: reseller})
    return replace(call, query=sorted([*call.query, (INDIRECT, reseller)]))


def _send(env: Env, world: World, pairing: Pairing, method: str, path: str, call: Call) -> httpx.Response:
    if pairing.acting_for is not None:
        call = _acting_for(call, getattr(world, pairing.acting_for).partner.id)
    target = path.format(**call.path)
    if pairing.actor == CUSTOMER:
        return env.http.request(
            method,
            target,
            params=call.query,
            json=call.body,
            headers={"X-Auth-Token": world.caller_token},
        )
    caller: PartnerHandle = getattr(world, pairing.caller or "").partner
    return signed_call(env, caller, method, target, call.body, query=call.query)


GENERATED = {"batch_id"}
"""Answer fields every call makes afresh, whatever it was asked."""


def _without_generated(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<generated>" if k in GENERATED else _without_generated(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_generated(item) for item in value]
    return value


def _answer(response: httpx.Response, tried: str, missing: str) -> tuple[int, Any]:
    """Status and body, the id tried written as the missing one (an echo of one's own input is no leak)."""
    text = response.text.replace(tried, missing)
    try:
        return response.status_code, _without_generated(json.loads(text)) if text else None
    except json.JSONDecodeError:
        return response.status_code, text


def _audit_shape(events: list[dict[str, Any]], tried: str, missing: str) -> list[dict[str, Any]]:
    shaped: list[dict[str, Any]] = json.loads(json.dumps(events).replace(tried, missing))
    return shaped


def _assert_the_id_decides(absent: httpx.Response, name: str) -> None:
    """A parameter error on some other field would make both answers equal for nothing: the table's calls
    must be valid but for the id tried."""
    if absent.status_code == 400 and absent.json().get("error_code") == "CBC.0100":
        leaf = name.rsplit(".", 1)[-1]
        assert leaf in absent.json()["error_msg"], f"the call is refused before its id is read: {absent.text}"


@pytest.mark.parametrize(("method", "path", "name", "pairing"), CASES)
def test_a_foreign_id_answers_exactly_like_a_missing_one(
    isolated: tuple[Env, World], method: str, path: str, name: str, pairing: Pairing
) -> None:
    env, world = isolated
    field: IdField = ROUTES[(method, path)].fields[name]
    owner = getattr(world, pairing.owner)
    mine: Side | None = getattr(world, pairing.mine) if pairing.mine else None
    foreign = getattr(owner, field.slot)
    assert foreign, f"the world has no {field.slot} on the owner's side"
    missing = new_id()

    before = take(env.ctx)
    tried = _send(env, world, pairing, method, path, field.build(foreign, mine, owner))
    between = take(env.ctx)
    absent = _send(env, world, pairing, method, path, field.build(missing, mine, owner))
    after = take(env.ctx)

    assert tried.status_code < 500, tried.text
    _assert_the_id_decides(absent, name)
    assert _answer(tried, foreign, missing) == _answer(absent, missing, missing), (tried.text, absent.text)
    assert changed_tables(before, between) == [], "the call with a foreign id changed the database"
    assert changed_tables(between, after) == [], "the call with a missing id changed the database"
    foreign_events = new_audit_events(env.ctx, before, between)
    assert _audit_shape(foreign_events, foreign, missing) == new_audit_events(env.ctx, between, after)
    # Whatever is audited lands in the caller's own chain (or that of the reseller it acts for).
    own = (
        {world.a.partner.id}
        if mine is None
        else {getattr(world, pairing.caller or "").partner.id, mine.partner.id}
    )
    assert {event["partner_id"] for event in foreign_events} <= own


def test_another_partners_idempotency_key_replays_nothing(isolated: tuple[Env, World]) -> None:
    """``X-Client-Token`` keys are per partner: B's key, sent by A with B's very request, is a new key."""
    env, world = isolated
    path = "/v2/accounts/partner-accounts/adjust-amount"
    request = {"customer_id": world.b.customer, "amount": 1}
    key = new_id()

    def fund(partner: PartnerHandle, client_token: str) -> httpx.Response:
        return signed_call(
            env, partner, "POST", path, request, extra_headers={"X-Client-Token": client_token}
        )

    assert fund(world.b.partner, key).status_code == 200
    before = take(env.ctx)
    borrowed = fund(world.a.partner, key)
    between = take(env.ctx)
    fresh_key = new_id()
    fresh = fund(world.a.partner, fresh_key)
    after = take(env.ctx)
    assert _answer(borrowed, key, fresh_key) == _answer(fresh, fresh_key, fresh_key)
    assert borrowed.status_code == 400, borrowed.text
    assert changed_tables(before, between) == changed_tables(between, after)
