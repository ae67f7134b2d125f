"""Every sensitive API route asks for step-up when ``step_up_api`` is on — and the table below is complete."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from partnerhub.associations.models import Initiator
from partnerhub.associations.rules import Actor, customer_draft, partner_draft
from partnerhub.associations.service import create_request
from partnerhub.db.session import session_scope
from partnerhub.invitations.models import ResellerInvitation
from partnerhub.kit.ids import new_id
from partnerhub.stepup.policy import Sensitive
from tests.funding.helpers import top_up
from tests.quotas.helpers import grant, issue_one
from tests.stepup.helpers import (
    HEADER,
    call,
    error_code,
    failures,
    partner_with_contact,
    set_toggles,
    step_up_code,
)
from tests.support import Env, PartnerHandle, make_customer, signed_call


@dataclass(frozen=True)
class World:
    distributor: PartnerHandle
    reseller: PartnerHandle
    customer: str
    quota: str
    coupon: str
    child_quota: str
    invitation: str
    switching: str
    """A customer the create-request route asks to switch to referral."""
    own_request: str
    """The distributor's own pending request (cancel)."""
    asked: tuple[str, str]
    """Two customers' pending disassociation requests (approve, reject)."""


Body = Callable[[World], Any]
ROUTES: dict[tuple[str, str], tuple[Sensitive, Body]] = {
    ("POST", "/v2/accounts/partner-accounts/adjust-amount"): (
        Sensitive.FUND,
        lambda w: {"customer_id": w.customer, "amount": 1},
    ),
    ("POST", "/v2/accounts/partner-accounts/reclaim"): (
        Sensitive.RECLAIM,
        lambda w: {"customer_id": w.customer, "amount": 1},
    ),
    ("POST", "/v2/accounts/partner-accounts/batch-adjust"): (
        Sensitive.BATCH_FUND,
        lambda w: {"adjust_infos": [{"customer_id": w.customer, "amount": 1}]},
    ),
    ("POST", "/v2/accounts/partner-accounts/indirect-partner-adjust"): (
        Sensitive.RESELLER_FUND,
        lambda w: {"indirect_partner_id": w.reseller.id, "amount": 1},
    ),
    ("POST", "/v2/accounts/partner-accounts/indirect-partner-reclaim"): (
        Sensitive.RESELLER_RECLAIM,
        lambda w: {"indirect_partner_id": w.reseller.id, "amount": 1},
    ),
    ("POST", "/v2/promotions/benefits/partner-coupons"): (
        Sensitive.COUPON_ISSUE,
        lambda w: {"quota_id": w.quota, "customer_ids": [w.customer], "face_value": 10},
    ),
    ("POST", "/v2/promotions/benefits/partner-coupons/reclaim"): (
        Sensitive.COUPON_RECLAIM,
        lambda w: {"coupon_id": w.coupon},
    ),
    ("POST", "/v2/partners/coupon-quotas/indirect-partner-adjust"): (
        Sensitive.QUOTA_ISSUE,
        lambda w: {"quota_id": w.quota, "indirect_partner_ids": [w.reseller.id], "quota_amount": 10},
    ),
    ("POST", "/v2/partners/coupon-quotas/indirect-partner-reclaim"): (
        Sensitive.QUOTA_RECLAIM,
        lambda w: {"quota_ids": [w.child_quota]},
    ),
    ("POST", "/v2/partners/sub-customers/reveal"): (
        Sensitive.REVEAL,
        lambda w: {"customer_id": w.customer, "field": "telephone"},
    ),
    ("POST", "/v2/partners/indirect-partners/reveal"): (
        Sensitive.REVEAL,
        lambda w: {"indirect_partner_id": w.reseller.id, "field": "mobile_phone"},
    ),
    ("DELETE", "/v2/partners/indirect-partners/invitations/{invitation_id}"): (
        Sensitive.RESELLER_INVITATION,
        lambda w: None,
    ),
    ("PUT", "/v2/partners/settings"): (Sensitive.SETTINGS_CHANGE, lambda w: {"step_up_channel": "mobile"}),
    ("POST", "/v2/partners/sub-customers/association-requests"): (
        Sensitive.ASSOCIATION_REQUEST,
        lambda w: {
            "customer_id": w.switching,
            "request_type": "switch_type",
            "target_association_type": 1,
            "reason": "moving to referral",
        },
    ),
    ("POST", "/v2/partners/sub-customers/association-requests/{own_request}/cancel"): (
        Sensitive.ASSOCIATION_DECISION,
        lambda w: None,
    ),
    ("POST", "/v2/partners/sub-customers/association-requests/{asked_0}/approve"): (
        Sensitive.ASSOCIATION_DECISION,
        lambda w: {"reason": "agreed"},
    ),
    ("POST", "/v2/partners/sub-customers/association-requests/{asked_1}/reject"): (
        Sensitive.ASSOCIATION_DECISION,
        lambda w: {"reason": "not now"},
    ),
    ("POST", "/v2/partners/sub-customers/association-invitations"): (
        Sensitive.ASSOCIATION_INVITE,
        lambda w: {"domain_name": "someone-without-partner", "association_type": 2},
    ),
}
TEMPLATES = {
    "/v2/partners/sub-customers/association-requests/{own_request}/cancel": (
        "/v2/partners/sub-customers/association-requests/{request_id}/cancel"
    ),
    "/v2/partners/sub-customers/association-requests/{asked_0}/approve": (
        "/v2/partners/sub-customers/association-requests/{request_id}/approve"
    ),
    "/v2/partners/sub-customers/association-requests/{asked_1}/reject": (
        "/v2/partners/sub-customers/association-requests/{request_id}/reject"
    ),
}
"""Routes whose table key names which of the world's requests they act on, and their documented template."""


def _pending_request(env: Env, actor: Actor, customer: str, request_type: str, target: int | None) -> str:
    draft = (
        partner_draft(customer, request_type, target, "set up for the step-up test")
        if actor.side is Initiator.PARTNER
        else customer_draft(customer, request_type, "set up for the step-up test")
    )
    with session_scope(env.ctx.sessions) as session:
        return create_request(session, env.ctx, actor, draft).id


def build_world(env: Env) -> World:
    distributor = partner_with_contact(env, mobile="13900001111")
    reseller = partner_with_contact(env, "reseller", mobile="13900003333", parent=distributor)
    customer = make_customer(env, distributor, mobile="13900004444")
    top_up(env, distributor, "1000")
    quota = grant(env, distributor, "1000.00")
    coupon = issue_one(env, distributor, quota, customer, "10.00")
    issued = signed_call(
        env,
        distributor,
        "POST",
        "/v2/partners/coupon-quotas/indirect-partner-adjust",
        {"quota_id": quota, "indirect_partner_ids": [reseller.id], "quota_amount": 50},
    )
    child_quota = issued.json()["simple_quota_infos"][0]["quota_id"]
    invitation = new_id()
    now = env.clock.now()
    with session_scope(env.ctx.sessions) as session:
        session.add(
            ResellerInvitation(
                id=invitation,
                distributor_id=distributor.id,
                token_hash=new_id() + new_id(),
                receiver_type=1,
                status="pending",
                codes_sent=0,
                created_at=now,
                expires_at=now + timedelta(hours=24),
            )
        )
    # Funded customer so that the reclaim with a code succeeds.
    assert (
        signed_call(
            env,
            distributor,
            "POST",
            "/v2/accounts/partner-accounts/adjust-amount",
            {"customer_id": customer, "amount": 5},
        ).status_code
        == 200
    )
    assert (
        signed_call(
            env,
            distributor,
            "POST",
            "/v2/accounts/partner-accounts/indirect-partner-adjust",
            {"indirect_partner_id": reseller.id, "amount": 5},
        ).status_code
        == 200
    )
    switching = make_customer(env, distributor)
    partner_side = Actor(Initiator.PARTNER, distributor.id)
    own_request = _pending_request(env, partner_side, make_customer(env, distributor), "switch_type", 1)
    asked = tuple(make_customer(env, distributor) for _ in range(2))
    requests = tuple(
        _pending_request(env, Actor(Initiator.CUSTOMER, one), one, "disassociate", None) for one in asked
    )
    set_toggles(env, distributor, step_up_api=True)
    return World(
        distributor,
        reseller,
        customer,
        quota,
        coupon,
        child_quota,
        invitation,
        switching,
        own_request,
        (requests[0], requests[1]),
    )


def test_every_route_that_reads_the_header_is_in_the_table(env: Env) -> None:
    document = env.http.get("/openapi.json").json()
    declaring = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == HEADER and p["in"] == "header" for p in operation.get("parameters", []))
    }
    documented = {(method, TEMPLATES.get(path, path)) for method, path in ROUTES}
    assert declaring == documented
    for method, path in documented:
        operation = document["paths"][path][method.lower()]
        listed = " ".join(str(r.get("description", "")) for r in operation["responses"].values())
        for code in ("CBC.99100301", "CBC.99100302", "CBC.99100303", "CBC.99100304"):
            assert code in listed, (method, path, code)


def test_every_sensitive_route_refuses_without_a_code_and_runs_with_one(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(env.ctx.settings, "code_send_per_hour", 100)  # one code per route, back to back
    world = build_world(env)
    for (method, template), (operation, body_of) in ROUTES.items():
        path = (
            template.replace("{invitation_id}", world.invitation)
            .replace("{own_request}", world.own_request)
            .replace("{asked_0}", world.asked[0])
            .replace("{asked_1}", world.asked[1])
        )
        body = body_of(world)
        refused = call(env, world.distributor, method, path, body)
        assert error_code(refused) == (403, "CBC.99100301"), (method, path, refused.text)
        assert failures(env, world.distributor)[-1] == {
            "operation": operation.value,
            "reason": "missing",
            "interface": "api",
        }
        allowed = call(env, world.distributor, method, path, body, code=step_up_code(env, world.distributor))
        assert allowed.status_code in (200, 204), (method, path, allowed.text)
        if allowed.status_code == 200 and "error_details" in allowed.json():
            assert not allowed.json()["error_details"], (method, path, allowed.text)
