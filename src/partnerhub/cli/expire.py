"""``partnerhub expire``: the expiry sweep on the business clock."""

from __future__ import annotations

from partnerhub.associations.service import expire_requests
from partnerhub.cli.common import JsonFlag, emit, transaction
from partnerhub.coupons.usage import expire_all
from partnerhub.kit.money import to_text


def expire_command(as_json: JsonFlag = False) -> None:
    """Expire what is past its expiry (business clock): quotas → invalid (3), coupons → expired (4), their
    remaining value returning to the platform; pending association requests → expired."""
    with transaction(as_json) as (session, ctx):
        quotas, coupons = expire_all(session, ctx.clock.now())
        requests = expire_requests(session, ctx)
    data = {
        "quotas": [{"quota_id": moved.quota_id, "returned": to_text(moved.amount_minor)} for moved in quotas],
        "coupons": [
            {"coupon_id": item.coupon_id, "returned": to_text(item.amount_minor)} for item in coupons
        ],
        "association_requests": requests,
    }
    emit(data, as_json, f"expired {len(quotas)} quota(s), {len(coupons)} coupon(s), {requests} request(s)")
