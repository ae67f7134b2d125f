"""A quota's limits: face-value bounds and service/product restrictions, as the API shows and checks them.

``limit_infos`` keys (partnerhub's choice where the public docs name none): ``cloudServiceType`` (one
value per service type code in ``value1``), ``productId`` (``value1`` = comma-separated product ids, as the
docs describe), ``minFaceValue`` / ``maxFaceValue`` (``value1`` = the amount in yuan, e.g. ``"10.00"``).
"""

from __future__ import annotations

from typing import Any

from partnerhub.errors import ApiError
from partnerhub.kit.money import to_text
from partnerhub.quotas.models import CouponQuota, split_codes

SERVICE_TYPE_KEY = "cloudServiceType"
PRODUCT_KEY = "productId"
MIN_FACE_KEY = "minFaceValue"
MAX_FACE_KEY = "maxFaceValue"


def limit_infos(quota: CouponQuota) -> list[dict[str, Any]]:
    """``QuotaLimitInfo[]`` for a quota; empty when it is unrestricted."""
    infos: list[dict[str, Any]] = []
    service_types = split_codes(quota.service_types)
    if service_types:
        infos.append(
            {"limit_key": SERVICE_TYPE_KEY, "limit_values": [{"value1": code} for code in service_types]}
        )
    product_ids = split_codes(quota.product_ids)
    if product_ids:
        infos.append({"limit_key": PRODUCT_KEY, "limit_values": [{"value1": ",".join(product_ids)}]})
    if quota.min_face_minor is not None:
        infos.append({"limit_key": MIN_FACE_KEY, "limit_values": [{"value1": to_text(quota.min_face_minor)}]})
    if quota.max_face_minor is not None:
        infos.append({"limit_key": MAX_FACE_KEY, "limit_values": [{"value1": to_text(quota.max_face_minor)}]})
    return infos


def check_face_value(quota: CouponQuota, face_minor: int) -> None:
    """CBC.99000018 below the quota's minimum, CBC.99000019 above its maximum."""
    if quota.min_face_minor is not None and face_minor < quota.min_face_minor:
        raise ApiError(
            "CBC.99000018",
            field="face_value",
            detail="minimum {amount}",
            params={"amount": to_text(quota.min_face_minor)},
        )
    if quota.max_face_minor is not None and face_minor > quota.max_face_minor:
        raise ApiError(
            "CBC.99000019",
            field="face_value",
            detail="maximum {amount}",
            params={"amount": to_text(quota.max_face_minor)},
        )


def narrow(requested: list[str], allowed_stored: str | None, field: str) -> list[str]:
    """The codes a coupon carries: the quota's own when none are requested (inherit); the requested ones
    when the quota is unrestricted or allows all of them; otherwise CBC.99000023."""
    allowed = split_codes(allowed_stored)
    if not requested:
        return allowed
    if allowed and not set(requested) <= set(allowed):
        raise ApiError("CBC.99000023", field=field)
    return requested
