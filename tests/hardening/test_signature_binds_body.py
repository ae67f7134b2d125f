"""A signature covers the bytes received: a client-supplied payload hash can never swap the body."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from urllib.parse import urlsplit

from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from tests.funding.helpers import ADJUST_PATH, customer_balance, ledger_report, top_up
from tests.support import Env, PartnerHandle, make_customer, make_partner


def _sign(env: Env, partner: PartnerHandle, body: bytes, headers: dict[str, str]) -> dict[str, str]:
    """The SDK's signer over exactly ``headers`` (it signs every header present) and ``body``."""
    request = SdkRequest(
        method="POST",
        schema="http",
        host=urlsplit(env.url).netloc,
        resource_path=ADJUST_PATH,
        query_params=[],
        header_params=dict(headers),
        body=body,
    )
    return dict(Signer(GlobalCredentials(partner.access_key, partner.secret_key)).sign(request).header_params)


def _funded_pair(env: Env) -> tuple[PartnerHandle, str]:
    partner = make_partner(env)
    top_up(env, partner, "1000.00")
    return partner, make_customer(env, partner)


def test_an_unsigned_payload_hash_cannot_swap_the_body(env: Env) -> None:
    partner, customer = _funded_pair(env)
    original = json.dumps({"customer_id": customer, "amount": "0.01"}).encode()
    headers = _sign(env, partner, original, {})  # SignedHeaders=host;x-sdk-date, as in the review
    assert "SignedHeaders=host;x-sdk-date," in headers["Authorization"]
    swapped = json.dumps({"customer_id": customer, "amount": "777.00"}).encode()
    headers["Content-Type"] = "application/vnd.x+json"
    headers["X-Sdk-Content-Sha256"] = hashlib.sha256(original).hexdigest()
    response = env.http.post(ADJUST_PATH, headers=headers, content=swapped)
    assert response.status_code == 401
    assert response.json()["error_code"] == "APIGW.0301"
    assert customer_balance(env, customer) is None  # nothing moved
    assert ledger_report(env).ok


def test_unsigned_payload_with_a_body_is_refused(env: Env) -> None:
    partner, customer = _funded_pair(env)
    body = json.dumps({"customer_id": customer, "amount": "1.00"}).encode()
    headers = _sign(env, partner, body, {"Content-Type": "text/plain"})  # the SDK adds UNSIGNED-PAYLOAD
    assert headers["X-Sdk-Content-Sha256"] == "UNSIGNED-PAYLOAD"
    headers["Content-Type"] = "application/json"
    response = env.http.post(ADJUST_PATH, headers=headers, content=body)
    assert response.status_code == 401
    assert customer_balance(env, customer) is None


def test_a_signed_payload_hash_equal_to_the_body_is_honoured(env: Env) -> None:
    partner, customer = _funded_pair(env)
    body = json.dumps({"customer_id": customer, "amount": "1.00"}).encode()
    digest = hashlib.sha256(body).hexdigest()
    headers = _sign(env, partner, body, {"Content-Type": "application/json", "X-Sdk-Content-Sha256": digest})
    assert "x-sdk-content-sha256" in headers["Authorization"]
    assert env.http.post(ADJUST_PATH, headers=headers, content=body).status_code == 200
    assert customer_balance(env, customer) == Decimal("1.00")
    # The same signed hash with other bytes is refused, although the header is signed.
    other = json.dumps({"customer_id": customer, "amount": "9.00"}).encode()
    assert env.http.post(ADJUST_PATH, headers=headers, content=other).status_code == 401
    assert customer_balance(env, customer) == Decimal("1.00")
