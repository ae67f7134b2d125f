"""Every sensitive API route asks for step-up when ``step_up_api`` is on — and the table below is complete."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

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
}


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
    set_toggles(env, distributor, step_up_api=True)
    return World(distributor, reseller, customer, quota, coupon, child_quota, invitation)


def test_every_route_that_reads_the_header_is_in_the_table(env: Env) -> None:
    document = env.http.get("/openapi.json").json()
    declaring = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == HEADER and p["in"] == "header" for p in operation.get("parameters", []))
    }
    assert declaring == set(ROUTES)
    for method, path in ROUTES:
        operation = document["paths"][path][method.lower()]
        listed = " ".join(str(r.get("description", "")) for r in operation["responses"].values())
        for code in ("CBC.99100301", "CBC.99100302", "CBC.99100303", "CBC.99100304"):
            assert code in listed, (method, path, code)


def test_every_sensitive_route_refuses_without_a_code_and_runs_with_one(env: Env) -> None:
    world = build_world(env)
    for (method, template), (operation, body_of) in ROUTES.items():
        path = template.replace("{invitation_id}", world.invitation)
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
