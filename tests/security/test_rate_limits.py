"""Every per-key and per-address request limit answers 429 ``CBC.0250`` with ``Retry-After``; every write
operation of the document refuses an oversized body with 413 before reading it.

Password logins are throttled per account and per address: tests/hardening/test_login_throttle.py.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from partnerhub.config import RateLimits
from tests.security.openapi import write_operations
from tests.support import Env, PartnerHandle, make_partner, signed_call

Probe = Callable[[Env, PartnerHandle, int], httpx.Response]


def _signed_get(path: str) -> Probe:
    return lambda env, partner, _: signed_call(env, partner, "GET", path)


def _signed_post(path: str, body: Callable[[int], object]) -> Probe:
    return lambda env, partner, index: signed_call(env, partner, "POST", path, body(index))


def _public(method: str, path: str) -> Probe:
    return lambda env, _, index: env.http.request(method, path, json={"mobile_phone": f"1390000{index:04d}"})


PROBES: dict[str, Probe] = {
    "default_per_second": _signed_get("/v2/partners/settings"),
    "check_identity_per_second": _signed_post(
        "/v2/partners/sub-customers/users/check-identity",
        lambda _: {"search_type": "name", "search_value": "abcdef"},
    ),
    "send_code_per_second": _signed_post(
        "/v2/bases/verificationcode/send",
        lambda index: {"receiver_type": 1, "mobile_phone": f"1380000{index:04d}"},
    ),
    "adjust_records_per_second": _signed_get("/v3/accounts/partner-accounts/adjust-records"),
    "account_change_records_per_second": _signed_get("/v2/accounts/partner-accounts/account-change-records"),
    "public_registration_per_second": _public("GET", "/v2/public/reseller-registrations/unknown-link"),
    "public_registration_code_per_second": _public(
        "POST", "/v2/public/reseller-registrations/unknown-link/verification-code"
    ),
}


def test_every_limit_setting_is_probed() -> None:
    assert set(PROBES) == set(RateLimits.model_fields)


@pytest.mark.parametrize("limit", sorted(PROBES))
def test_each_limit_answers_429_cbc_0250_with_retry_after(
    env: Env, monkeypatch: pytest.MonkeyPatch, limit: str
) -> None:
    monkeypatch.setattr(env.ctx.settings.rate_limits, limit, 1)
    partner = make_partner(env)
    answers = [PROBES[limit](env, partner, index) for index in range(5)]
    refused = [answer for answer in answers if answer.status_code == 429]
    assert len(refused) >= 3, [answer.status_code for answer in answers]  # five calls span ≤ 2 windows
    for answer in refused:
        assert answer.json()["error_code"] == "CBC.0250"
        assert int(answer.headers["Retry-After"]) >= 1
    assert all(answer.status_code < 500 for answer in answers)


@pytest.mark.parametrize("operation", write_operations(with_body=True), ids=lambda op: op.operation_id)
def test_every_write_operation_refuses_an_oversized_body_with_413(env: Env, operation: object) -> None:
    from tests.security.openapi import Operation

    assert isinstance(operation, Operation)
    cap = env.ctx.settings.max_body_bytes
    response = env.http.request(
        operation.method,
        operation.concrete_path(),
        content=b"{" + b" " * cap + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert (response.status_code, response.json()["error_code"]) == (413, "CBC.0413")
