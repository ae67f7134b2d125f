"""The isolation table: every operation of the OpenAPI document that takes an object id, and for each of
its id fields how to call it with a given id.

A field's builder gets the id to try, the caller's own side (so every other field of the call is the
caller's own and valid) and the owning side of the foreign id (for the few calls whose other fields must
belong together with it, e.g. a reseller and its customer). ``slot`` names the attribute of the owner's
``Side`` (or ``CustomerSide``) that holds the foreign id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PARTNER = "partner"
CUSTOMER = "customer"


@dataclass(frozen=True)
class Call:
    path: dict[str, str] = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    body: Any = None


Build = Callable[[str, Any, Any], Call]


@dataclass(frozen=True)
class IdField:
    slot: str
    build: Build


@dataclass(frozen=True)
class Route:
    actor: str
    fields: dict[str, IdField]
    acts_for_reseller: bool = True
    """Whether ``indirect_partner_id`` makes a distributor act as that reseller. False where it only filters
    the distributor's own records (the quotas it issued to its resellers, A.20/A.21)."""


NOT_OBJECT_IDS = {
    "xaccount_id": "the user's id on the partner's own sales platform, chosen by the partner",
    "product_ids": "cloud product catalogue ids a voucher is limited to, the same for every tenant",
    "order_id": "a cloud order filter; partnerhub's vouchers carry no order, so any value matches nothing",
}
"""Fields whose names look like ids but name nothing a tenant owns in partnerhub."""


def body(**values: Any) -> Call:
    return Call(body=values)


def query(**values: str) -> Call:
    return Call(query=sorted(values.items()))


def reason(**path: str) -> Call:
    return Call(path=path, body={"reason": "isolation check"})


def _create_customer(mine: Any, **extra: Any) -> dict[str, Any]:
    return {
        "domain_name": "isolation-new-customer",
        "xaccount_id": "isolation-x",
        "xaccount_type": f"{mine.partner.login}_IDP",
        "password": "Customer#2026pw",
        **extra,
    }


def _realname(mine: Any, customer: str) -> dict[str, Any]:
    return {
        "customer_id": customer,
        "xaccount_type": f"{mine.partner.login}_IDP",
        "identify_type": 0,
        "verified_type": 3,
        "verified_file_url": ["a/front.jpg", "a/back.jpg", "a/hold.jpg"],
        "name": "Isolation Check",
        "verified_number": "E12345678",
        "change_type": -1,
    }


def _reseller_scoped(build: Callable[[str, Any], dict[str, Any]]) -> IdField:
    """An ``indirect_partner_id`` call acting on one of that reseller's customers."""
    return IdField("reseller", lambda v, mine, theirs: body(**build(theirs.reseller_customer, v)))


def _reseller_body(**values: Any) -> IdField:
    return IdField("reseller", lambda v, mine, theirs: body(indirect_partner_id=v, **values))


def _reseller_query(**values: str) -> IdField:
    return IdField("reseller", lambda v, mine, theirs: query(indirect_partner_id=v, **values))


ASSOCIATION_REQUESTS = "/v2/partners/sub-customers/association-requests"
CUSTOMER_REQUESTS = "/v2/customers/association-requests"

ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/v2/partners/sub-customers"): Route(
        PARTNER,
        {
            "indirect_partner_id": IdField(
                "reseller", lambda v, mine, theirs: body(**_create_customer(mine, indirect_partner_id=v))
            )
        },
    ),
    ("POST", "/v2/partners/sub-customers/query"): Route(
        PARTNER,
        {
            "customer_id": IdField("customer", lambda v, mine, theirs: body(customer_id=v)),
            "indirect_partner_id": _reseller_body(),
        },
    ),
    ("POST", "/v2/partners/sub-customers/reveal"): Route(
        PARTNER,
        {
            "customer_id": IdField(
                "customer", lambda v, mine, theirs: body(customer_id=v, field="telephone")
            ),
            "indirect_partner_id": _reseller_scoped(
                lambda c, v: {"customer_id": c, "field": "telephone", "indirect_partner_id": v}
            ),
        },
    ),
    ("POST", "/v2/partners/sub-customers/freeze"): Route(
        PARTNER,
        {
            "customer_ids": IdField(
                "customer", lambda v, mine, theirs: body(customer_ids=[v], reason="isolation")
            ),
            "indirect_partner_id": _reseller_scoped(
                lambda c, v: {"customer_ids": [c], "reason": "isolation", "indirect_partner_id": v}
            ),
        },
    ),
    ("POST", "/v2/partners/sub-customers/unfreeze"): Route(
        PARTNER,
        {
            "customer_ids": IdField(
                "customer", lambda v, mine, theirs: body(customer_ids=[v], reason="isolation")
            ),
            "indirect_partner_id": _reseller_scoped(
                lambda c, v: {"customer_ids": [c], "reason": "isolation", "indirect_partner_id": v}
            ),
        },
    ),
    ("POST", "/v2/bases/verificationcode/send"): Route(
        PARTNER,
        {
            "customer_id": IdField(
                "customer",
                lambda v, mine, theirs: body(
                    receiver_type=1, mobile_phone="13900007777", scene=18, customer_id=v
                ),
            ),
            "indirect_partner_id": _reseller_scoped(
                lambda c, v: {
                    "receiver_type": 1,
                    "mobile_phone": "13900007777",
                    "scene": 18,
                    "customer_id": c,
                    "indirect_partner_id": v,
                }
            ),
        },
    ),
    ("POST", "/v2/partners/sub-customers/mobile/bind"): Route(
        PARTNER,
        {
            "customer_id": IdField(
                "customer",
                lambda v, mine, theirs: body(
                    customer_id=v, mobile_phone="13900007777", verification_code="123456"
                ),
            ),
            "indirect_partner_id": _reseller_scoped(
                lambda c, v: {
                    "customer_id": c,
                    "mobile_phone": "13900007777",
                    "verification_code": "123456",
                    "indirect_partner_id": v,
                }
            ),
        },
    ),
    ("POST", "/v2/customers/realname-auths/individual"): Route(
        PARTNER, {"customer_id": IdField("customer", lambda v, mine, theirs: body(**_realname(mine, v)))}
    ),
    ("GET", "/v2/customers/realname-auths/result"): Route(
        PARTNER, {"customer_id": IdField("customer", lambda v, mine, theirs: query(customer_id=v))}
    ),
    ("POST", "/v2/accounts/partner-accounts/adjust-amount"): Route(
        PARTNER,
        {
            "customer_id": IdField("customer", lambda v, mine, theirs: body(customer_id=v, amount=1)),
            "indirect_partner_id": _reseller_scoped(
                lambda c, v: {"customer_id": c, "amount": 1, "indirect_partner_id": v}
            ),
        },
    ),
    ("POST", "/v2/accounts/partner-accounts/reclaim"): Route(
        PARTNER,
        {
            "customer_id": IdField("customer", lambda v, mine, theirs: body(customer_id=v, amount=1)),
            "indirect_partner_id": _reseller_scoped(
                lambda c, v: {"customer_id": c, "amount": 1, "indirect_partner_id": v}
            ),
        },
    ),
    ("POST", "/v2/accounts/partner-accounts/indirect-partner-adjust"): Route(
        PARTNER, {"indirect_partner_id": _reseller_body(amount=1)}
    ),
    ("POST", "/v2/accounts/partner-accounts/indirect-partner-reclaim"): Route(
        PARTNER, {"indirect_partner_id": _reseller_body(amount=1)}
    ),
    ("POST", "/v2/accounts/partner-accounts/batch-adjust"): Route(
        PARTNER,
        {
            "adjust_infos[].customer_id": IdField(
                "customer", lambda v, mine, theirs: body(adjust_infos=[{"customer_id": v, "amount": 1}])
            ),
            "indirect_partner_id": _reseller_scoped(
                lambda c, v: {"adjust_infos": [{"customer_id": c, "amount": 1}], "indirect_partner_id": v}
            ),
        },
    ),
    ("GET", "/v3/accounts/partner-accounts/adjust-records"): Route(
        PARTNER,
        {
            "customer_id": IdField("customer", lambda v, mine, theirs: query(customer_id=v)),
            "trans_id": IdField("transaction", lambda v, mine, theirs: query(trans_id=v)),
            "indirect_partner_id": _reseller_query(),
        },
    ),
    ("GET", "/v2/accounts/partner-accounts/balances"): Route(
        PARTNER, {"indirect_partner_id": _reseller_query()}
    ),
    ("GET", "/v2/accounts/partner-accounts/account-change-records"): Route(
        PARTNER, {"indirect_partner_id": _reseller_query(balance_type="BALANCE_TYPE_DEBIT")}
    ),
    ("POST", "/v2/accounts/customer-accounts/balances/batch-query"): Route(
        PARTNER,
        {
            "customer_infos[].customer_id": IdField(
                "customer", lambda v, mine, theirs: body(customer_infos=[{"customer_id": v}])
            ),
            "indirect_partner_id": _reseller_scoped(
                lambda c, v: {"customer_infos": [{"customer_id": c}], "indirect_partner_id": v}
            ),
        },
    ),
    ("POST", "/v2/promotions/benefits/partner-coupons"): Route(
        PARTNER,
        {
            "quota_id": IdField(
                "quota",
                lambda v, mine, theirs: body(quota_id=v, customer_ids=[mine.customer], face_value=1),
            ),
            "customer_ids": IdField(
                "customer", lambda v, mine, theirs: body(quota_id=mine.quota, customer_ids=[v], face_value=1)
            ),
            "indirect_partner_id": IdField(
                "reseller",
                lambda v, mine, theirs: body(
                    quota_id=theirs.child_quota,
                    customer_ids=[theirs.reseller_customer],
                    face_value=1,
                    indirect_partner_id=v,
                ),
            ),
        },
    ),
    ("GET", "/v2/promotions/benefits/partner-coupons"): Route(
        PARTNER,
        {
            "coupon_id": IdField("coupon", lambda v, mine, theirs: query(coupon_id=v)),
            "customer_id": IdField("customer", lambda v, mine, theirs: query(customer_id=v)),
            "indirect_partner_id": _reseller_query(),
        },
    ),
    ("POST", "/v2/promotions/benefits/partner-coupons/reclaim"): Route(
        PARTNER,
        {
            "coupon_id": IdField("coupon", lambda v, mine, theirs: body(coupon_id=v)),
            "indirect_partner_id": IdField(
                "reseller", lambda v, mine, theirs: body(coupon_id=mine.coupon, indirect_partner_id=v)
            ),
        },
    ),
    ("GET", "/v2/promotions/benefits/partner-coupons/records/query"): Route(
        PARTNER,
        {
            "quota_id": IdField("quota", lambda v, mine, theirs: query(quota_id=v)),
            "coupon_ids": IdField("coupon", lambda v, mine, theirs: query(coupon_ids=v)),
            "customer_id": IdField("customer", lambda v, mine, theirs: query(customer_id=v)),
            "indirect_partner_id": _reseller_query(),
        },
    ),
    ("POST", "/v2/partners/coupon-quotas/query"): Route(
        PARTNER,
        {
            "quota_ids": IdField("quota", lambda v, mine, theirs: body(quota_ids=[v])),
            "indirect_partner_id": _reseller_body(),
        },
    ),
    ("POST", "/v2/partners/coupon-quotas/indirect-partner-adjust"): Route(
        PARTNER,
        {
            "quota_id": IdField(
                "quota",
                lambda v, mine, theirs: body(
                    quota_id=v, indirect_partner_ids=[mine.reseller], quota_amount=1
                ),
            ),
            "indirect_partner_ids": IdField(
                "reseller",
                lambda v, mine, theirs: body(quota_id=mine.quota, indirect_partner_ids=[v], quota_amount=1),
            ),
        },
    ),
    ("POST", "/v2/partners/coupon-quotas/indirect-partner-reclaim"): Route(
        PARTNER, {"quota_ids": IdField("child_quota", lambda v, mine, theirs: body(quota_ids=[v]))}
    ),
    ("GET", "/v2/partners/issued-coupon-quotas"): Route(
        PARTNER,
        {
            "quota_id": IdField("child_quota", lambda v, mine, theirs: query(quota_id=v)),
            "parent_quota_id": IdField("quota", lambda v, mine, theirs: query(parent_quota_id=v)),
            "indirect_partner_id": _reseller_query(),
        },
        acts_for_reseller=False,
    ),
    ("GET", "/v2/partners/coupon-quotas/records"): Route(
        PARTNER,
        {
            "quota_id": IdField("child_quota", lambda v, mine, theirs: query(quota_id=v)),
            "parent_quota_id": IdField("quota", lambda v, mine, theirs: query(parent_quota_id=v)),
            "indirect_partner_id": _reseller_query(),
        },
        acts_for_reseller=False,
    ),
    ("POST", "/v2/partners/indirect-partners/query"): Route(
        PARTNER, {"indirect_partner_id": _reseller_body()}
    ),
    ("POST", "/v2/partners/indirect-partners/reveal"): Route(
        PARTNER, {"indirect_partner_id": _reseller_body(field="mobile_phone")}
    ),
    ("DELETE", "/v2/partners/indirect-partners/invitations/{invitation_id}"): Route(
        PARTNER,
        {"invitation_id": IdField("invitation", lambda v, mine, theirs: Call(path={"invitation_id": v}))},
    ),
    ("POST", ASSOCIATION_REQUESTS): Route(
        PARTNER,
        {
            "customer_id": IdField(
                "customer",
                lambda v, mine, theirs: body(customer_id=v, request_type="disassociate", reason="isolation"),
            )
        },
    ),
    ("GET", ASSOCIATION_REQUESTS): Route(
        PARTNER, {"customer_id": IdField("customer", lambda v, mine, theirs: query(customer_id=v))}
    ),
    ("POST", ASSOCIATION_REQUESTS + "/{request_id}/approve"): Route(
        PARTNER, {"request_id": IdField("customer_request", lambda v, mine, theirs: reason(request_id=v))}
    ),
    ("POST", ASSOCIATION_REQUESTS + "/{request_id}/reject"): Route(
        PARTNER, {"request_id": IdField("customer_request", lambda v, mine, theirs: reason(request_id=v))}
    ),
    ("POST", ASSOCIATION_REQUESTS + "/{request_id}/cancel"): Route(
        PARTNER,
        {"request_id": IdField("partner_request", lambda v, mine, theirs: Call(path={"request_id": v}))},
    ),
    ("GET", "/v2/partners/sub-customers/association-records"): Route(
        PARTNER, {"customer_id": IdField("customer", lambda v, mine, theirs: query(customer_id=v))}
    ),
    ("POST", "/v2/partners/notifications/{notification_id}/read"): Route(
        PARTNER,
        {
            "notification_id": IdField(
                "notification", lambda v, mine, theirs: Call(path={"notification_id": v})
            )
        },
    ),
    ("POST", CUSTOMER_REQUESTS + "/{request_id}/verification-code"): Route(
        CUSTOMER, {"request_id": IdField("request", lambda v, mine, theirs: Call(path={"request_id": v}))}
    ),
    ("POST", CUSTOMER_REQUESTS + "/{request_id}/approve"): Route(
        CUSTOMER,
        {
            "request_id": IdField(
                "request",
                lambda v, mine, theirs: Call(path={"request_id": v}, body={"verification_code": "123456"}),
            )
        },
    ),
    ("POST", CUSTOMER_REQUESTS + "/{request_id}/reject"): Route(
        CUSTOMER,
        {
            "request_id": IdField(
                "request",
                lambda v, mine, theirs: Call(
                    path={"request_id": v}, body={"verification_code": "123456", "reason": "isolation"}
                ),
            )
        },
    ),
    ("POST", "/v2/customers/association-invitations/{invitation_id}/accept"): Route(
        CUSTOMER,
        {"invitation_id": IdField("invitation", lambda v, mine, theirs: Call(path={"invitation_id": v}))},
    ),
}
