"""Bodies that used to stall a worker or answer 500: huge numbers, lone surrogates, wrong media types."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from tests.support import Env, make_customer, make_partner
from tests.verification.helpers import CUSTOMER_PASSWORD, customer_token

LIST_PATH = "/v2/partners/sub-customers/query"


def _signed_raw(env: Env, path: str, raw: bytes) -> httpx.Response:
    """POST ``raw`` exactly as given (JSON text no encoder would write), signed by the SDK's own signer."""
    partner = make_partner(env)
    request = SdkRequest(
        method="POST",
        schema="http",
        host=urlsplit(env.url).netloc,
        resource_path=path,
        query_params=[],
        header_params={"Content-Type": "application/json"},
        body=raw,
    )
    signed = Signer(GlobalCredentials(partner.access_key, partner.secret_key)).sign(request)
    return env.http.post(path, headers=dict(signed.header_params), content=raw, timeout=10)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"offset":1e999999999}',
        b'{"offset":1e10000000}',
        b'{"offset":-1e-999999999}',
        b'{"offset":' + b"9" * 5000 + b"}",  # past Python's 4,300-digit int limit: was a 500 with a trace
        b'{"limit":123456789012345678901234567890123456789012345}',
    ],
)
def test_out_of_range_numbers_are_400_naming_the_field_and_never_stall(env: Env, raw: bytes) -> None:
    answered: dict[str, float] = {}

    def health_while_busy() -> None:
        time.sleep(0.05)
        started = time.perf_counter()
        httpx.get(f"{env.url}/healthz", timeout=10)
        answered["healthz"] = time.perf_counter() - started

    watcher = threading.Thread(target=health_while_busy)
    watcher.start()
    response = _signed_raw(env, LIST_PATH, raw)  # the old code never answered the first of these
    watcher.join()
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error_code"] == "CBC.0100"
    field = raw.split(b'"')[1].decode()
    assert field in body["error_msg"]
    assert "数值超出范围" in body["error_msg"]
    assert "healthz" in answered


def test_a_customer_token_cannot_stall_a_worker_either(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner, name="bignumber01", password=CUSTOMER_PASSWORD)
    assert customer
    token = customer_token(env, "bignumber01")
    response = env.http.post(
        "/v2/customers/mobile/verificationcode",
        content=b'{"mobile_phone":"13500000077","timeout":1e999999999}',
        headers={"X-Auth-Token": token, "Content-Type": "application/json", "X-Language": "en-us"},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error_code"] == "CBC.0100"
    assert "timeout" in response.json()["error_msg"]
    assert "number out of range" in response.json()["error_msg"]


def test_ordinary_decimals_and_exponents_still_parse(env: Env) -> None:
    response = _signed_raw(env, LIST_PATH, b'{"offset":0,"limit":1e1}')
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("path", "raw", "field"),
    [
        (LIST_PATH, b'{"account_name":"\\ud800"}', "account_name"),
        (LIST_PATH, b'{"customer":"a\\udfffb"}', "customer"),
        (LIST_PATH, b'{"label":"\\ud800"}', "label"),
        (LIST_PATH, b'{"customer_id":"\\ud800"}', "customer_id"),
        (LIST_PATH, b'{"indirect_partner_id":"\\ud800"}', "indirect_partner_id"),
        ("/v2/partners/indirect-partners/query", b'{"account_name":"\\ud800"}', "account_name"),
        ("/v2/promotions/benefits/partner-coupons/reclaim", b'{"coupon_id":"\\ud800"}', "coupon_id"),
        (
            "/v2/partners/sub-customers/freeze",
            b'{"customer_ids":["x"],"reason":"\\ud800"}',
            "reason",
        ),
    ],
)
def test_unpaired_surrogates_are_400_naming_the_field(env: Env, path: str, raw: bytes, field: str) -> None:
    response = _signed_raw(env, path, raw)
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] == "CBC.0100"
    assert field in response.json()["error_msg"]


def test_a_json_body_sent_as_text_plain_is_415_naming_the_type(env: Env) -> None:
    make_customer(env, make_partner(env), name="plaintext01", password=CUSTOMER_PASSWORD)
    token = customer_token(env, "plaintext01")
    response = env.http.post(
        "/v2/customers/mobile/verificationcode",
        content=b'{"mobile_phone":"13500000077"}',
        headers={"X-Auth-Token": token, "Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    body = response.json()
    assert body["error_code"] == "CBC.0415"
    assert "text/plain" in body["error_msg"]
