"""Mass assignment, probed from the OpenAPI document: every write operation is called twice on two identical
worlds, once with a valid body and once with the same body plus fields it does not document — balance,
partner and domain ids, status and frozen flags pointing at another partner's data. The two answers and the
two resulting databases must be the same: the extra fields are refused or ignored, never applied.

The databases are compared on the columns an attacker would want to set (balances, amounts, owners,
statuses, frozen flags, kinds, states), every row of every table, ids mapped to the world's names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from partnerhub.db.session import session_scope
from partnerhub.funding.service import topup
from partnerhub.models import Base
from tests.conftest import truncate_all
from tests.customers.helpers import platform_of
from tests.security.openapi import Operation, resolve, write_operations
from tests.stepup.helpers import partner_with_contact
from tests.support import Env, PartnerHandle, make_customer, make_partner, signed_call
from tests.verification.helpers import customer_token

MAGIC_MINOR = 987654321
HOSTILE: dict[str, Callable[[World], Any]] = {
    "partner_id": lambda w: w.victim.id,
    "owner_partner_id": lambda w: w.victim.id,
    "parent_id": lambda w: w.victim.id,
    "domain_id": lambda w: w.victim_customer,
    "customer_id": lambda w: w.victim_customer,
    "balance": lambda _: MAGIC_MINOR,
    "account_balance": lambda _: MAGIC_MINOR,
    "balance_minor": lambda _: MAGIC_MINOR,
    "amount_minor": lambda _: MAGIC_MINOR,
    "status": lambda _: 2,
    "state": lambda _: "used",
    "frozen": lambda _: True,
    "is_frozen": lambda _: True,
    "frozen_status": lambda _: 1,
    "verified_status": lambda _: 1,
    "kind": lambda _: "distributor",
    "role": lambda _: "admin",
    "step_up_required": lambda _: False,
}
"""Injected only where the operation does not document the field (``customer_id`` is a real input of many)."""

PROTECTED = re.compile(
    r"balance|amount|status|state|frozen|partner_id|customer_id|domain_id|owner|parent|kind|verified|step_up"
)
SKIPPED_TABLES = {"rate_limit_windows"}
"""Counted per wall-clock second: not the same in two runs."""
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class World:
    partner: PartnerHandle
    reseller: PartnerHandle
    customer: str
    customer_login: str
    victim: PartnerHandle
    victim_customer: str

    def names(self) -> dict[str, str]:
        return {
            self.partner.id: "<partner>",
            self.reseller.id: "<reseller>",
            self.customer: "<customer>",
            self.victim.id: "<victim>",
            self.victim_customer: "<victim customer>",
        }


CUSTOMER_PASSWORD = "Mass#assign2026"


def _world(env: Env) -> World:
    partner = partner_with_contact(env, "distributor", mobile="13900002222")
    reseller = make_partner(env, "reseller", parent=partner)
    customer = make_customer(env, partner, password=CUSTOMER_PASSWORD)
    victim = make_partner(env, "distributor")
    victim_customer = make_customer(env, victim)
    with session_scope(env.ctx.sessions) as session:
        for owner in (partner, victim):
            topup(session, env.ctx, partner_id=owner.id, amount_minor=100_00)
    with session_scope(env.ctx.sessions) as session:
        login = session.execute(
            select(Base.metadata.tables["customers"].c.domain_name).where(
                Base.metadata.tables["customers"].c.id == customer
            )
        ).scalar_one()
    signed_call(
        env,
        partner,
        "POST",
        "/v2/accounts/partner-accounts/adjust-amount",
        {"customer_id": customer, "amount": 10},
    )
    signed_call(
        env,
        partner,
        "POST",
        "/v2/accounts/partner-accounts/indirect-partner-adjust",
        {"indirect_partner_id": reseller.id, "amount": 5},
    )
    return World(partner, reseller, customer, login, victim, victim_customer)


VALID: dict[str, Callable[[Env, World], dict[str, Any]]] = {
    "/v3/auth/tokens": lambda _, w: {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": w.partner.login, "password": w.partner.password}},
            }
        }
    },
    "/v2/partners/sub-customers/users/check-identity": lambda *_: {
        "search_type": "name",
        "search_value": "abcdef",
    },
    "/v2/partners/sub-customers": lambda env, w: {
        "xaccount_type": platform_of(env, w.partner),
        "xaccount_id": "x-mass-assignment",
        "domain_name": "massassigned01",
    },
    "/v2/partners/sub-customers/reveal": lambda _, w: {
        "customer_id": w.customer,
        "field": "name",
        "reason": "probe",
    },
    "/v2/partners/sub-customers/freeze": lambda _, w: {"customer_ids": [w.customer], "reason": "probe"},
    "/v2/partners/sub-customers/unfreeze": lambda _, w: {"customer_ids": [w.customer], "reason": "probe"},
    "/v2/bases/verificationcode/send": lambda *_: {"receiver_type": 1, "mobile_phone": "13800000009"},
    "/v2/partners/sub-customers/mobile/bind": lambda _, w: {
        "customer_id": w.customer,
        "mobile_phone": "13800000009",
        "verification_code": "123456",
    },
    "/v2/customers/mobile/verificationcode": lambda *_: {"mobile_phone": "13800000008"},
    "/v2/customers/mobile/bind": lambda *_: {"mobile_phone": "13800000008", "verification_code": "123456"},
    "/v2/accounts/partner-accounts/adjust-amount": lambda _, w: {"customer_id": w.customer, "amount": 1.5},
    "/v2/accounts/partner-accounts/reclaim": lambda _, w: {"customer_id": w.customer, "amount": 0.5},
    "/v2/accounts/partner-accounts/indirect-partner-adjust": lambda _, w: {
        "indirect_partner_id": w.reseller.id,
        "amount": 2,
    },
    "/v2/accounts/partner-accounts/indirect-partner-reclaim": lambda _, w: {
        "indirect_partner_id": w.reseller.id,
        "amount": 1,
    },
    "/v2/accounts/partner-accounts/batch-adjust": lambda _, w: {
        "adjust_infos": [{"customer_id": w.customer, "amount": 1}]
    },
    "/v2/accounts/customer-accounts/balances/batch-query": lambda _, w: {
        "customer_infos": [{"customer_id": w.customer}]
    },
    "/v2/partners/settings": lambda *_: {"step_up_required": True},
    "/v2/partners/indirect-partners/reveal": lambda _, w: {
        "indirect_partner_id": w.reseller.id,
        "field": "telephone",
        "reason": "probe",
    },
    "/v2/partners/indirect-partners/invitations/verification-code": lambda *_: {"receiver_type": 1},
    "/v2/public/reseller-registrations/{token}/verification-code": lambda *_: {"mobile_phone": "13800000007"},
    "/v2/partners/sub-customers/association-requests": lambda _, w: {
        "customer_id": w.customer,
        "request_type": "disassociate",
        "reason": "probe",
    },
    "/v2/customers/association-requests": lambda *_: {"request_type": "disassociate", "reason": "probe"},
    "/v2/partners/sub-customers/association-invitations": lambda *_: {
        "association_type": "2",
        "domain_name": "nobody-here",
    },
}


def _default(schema: dict[str, Any]) -> Any:
    """A value of the schema's type: the first enum value, the minimum, or a plain one."""
    schema = resolve(schema)
    for alternatives in ("anyOf", "oneOf"):
        if alternatives in schema:
            options = [o for o in schema[alternatives] if o.get("type") != "null"]
            return _default(options[0]) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: _default(schema["properties"][name]) for name in schema.get("required", [])}
    if kind == "array":
        return [_default(schema.get("items", {}))]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    return "probe"


def _body(env: Env, world: World, operation: Operation) -> dict[str, Any]:
    if operation.path in VALID:
        return VALID[operation.path](env, world)
    body = _default(operation.body_schema or {})
    return body if isinstance(body, dict) else {}


def _hostile(world: World, documented: set[str]) -> dict[str, Any]:
    return {name: value(world) for name, value in HOSTILE.items() if name not in documented}


def _injected(world: World, operation: Operation, body: dict[str, Any]) -> dict[str, Any]:
    """The body with the hostile fields added at the top and into each object of a list (batch items)."""
    properties = resolve(operation.body_schema or {}).get("properties", {})
    nested: dict[str, Any] = {}
    for name, value in body.items():
        items = resolve(resolve(properties.get(name, {})).get("items", {}))
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            documented = set(items.get("properties", {}))
            nested[name] = [{**item, **_hostile(world, documented)} for item in value]
    return {**body, **_hostile(world, operation.documented_fields), **nested}


def _call(env: Env, world: World, operation: Operation, body: dict[str, Any]) -> httpx.Response:
    path = operation.concrete_path()
    if operation.public:
        return env.http.request(operation.method, path, json=body)
    if path.startswith("/v2/customers/") and "realname" not in path:  # real-name is a partner call
        token = customer_token(env, world.customer_login, CUSTOMER_PASSWORD)
        return env.http.request(operation.method, path, json=body, headers={"X-Auth-Token": token})
    return signed_call(env, world.partner, operation.method, path, body)


def _state(env: Env, world: World) -> dict[str, list[tuple[Any, ...]]]:
    names = world.names()

    def shown(value: Any) -> Any:
        text = str(value)
        if text in names:
            return names[text]
        return "<id>" if HEX_ID.match(text) else value

    state: dict[str, list[tuple[Any, ...]]] = {}
    with session_scope(env.ctx.sessions) as session:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIPPED_TABLES:
                continue
            columns = [column for column in table.columns if PROTECTED.search(column.name)]
            rows = session.execute(select(table)).mappings().all()
            state[table.name] = sorted(
                (tuple((c.name, shown(row[c.name])) for c in columns) for row in rows), key=repr
            )
    return state


def _answer(response: httpx.Response) -> tuple[int, str]:
    code = response.json().get("error_code", "") if response.content and response.status_code >= 400 else ""
    return response.status_code, code


OPERATIONS = write_operations(with_body=True)


def test_every_write_operation_with_a_body_is_probed_with_fields_it_does_not_document() -> None:
    assert len(OPERATIONS) >= 30
    for operation in OPERATIONS:
        undocumented = set(HOSTILE) - operation.documented_fields
        assert {"partner_id", "domain_id", "balance", "status", "frozen"} <= undocumented, operation.path


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_undocumented_fields_are_refused_or_ignored(env: Env, operation: Operation) -> None:
    world = _world(env)
    plain = _answer(_call(env, world, operation, _body(env, world, operation)))
    expected = _state(env, world)
    truncate_all(env.ctx)

    world = _world(env)
    before = _state(env, world)
    injected = _call(env, world, operation, _injected(world, operation, _body(env, world, operation)))
    after = _state(env, world)
    assert str(MAGIC_MINOR) not in repr(after)
    if injected.status_code == 400 and _answer(injected) != plain:  # refused: nothing changed
        assert after == before, injected.text
    else:  # ignored: the same answer and the same effect as without the fields
        assert _answer(injected) == plain, injected.text
        assert after == expected
