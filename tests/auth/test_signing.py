"""The verifier accepts exactly what the SDK's own signer produces, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from partnerhub.auth.signing import canonical_query, canonical_uri, verify_request
from partnerhub.errors import AuthenticationFailed

AK, SK = "TESTAK0000000000", "testsk0000000000000000000000000000000000"
NOW = datetime(2026, 11, 29, 15, 46, 12, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def sdk_sign(
    body: bytes = b'{"a": 1}',
    *,
    when: datetime = NOW,
    query: list[tuple[str, str]] | None = None,
    path: str = "/v2/partners/sub-customers/users/check-identity",
    method: str = "POST",
) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "ua",
        "X-Domain-Id": "d" * 32,
        "X-Sdk-Date": when.strftime("%Y%m%dT%H%M%SZ"),
    }
    request = SdkRequest(
        method=method,
        schema="http",
        host="127.0.0.1:8000",
        resource_path=path,
        query_params=query or [],
        header_params=headers,
        body=body,
    )
    return dict(Signer(GlobalCredentials(AK, SK)).sign(request).header_params)


def check(
    headers: dict[str, str],
    *,
    body: bytes = b'{"a": 1}',
    query: str = "",
    now: datetime = NOW,
    path: str = "/v2/partners/sub-customers/users/check-identity",
    method: str = "POST",
    secrets: dict[str, str] | None = None,
) -> str:
    table = {AK: SK} if secrets is None else secrets
    return verify_request(
        method=method,
        path=path,
        raw_query=query,
        headers=headers,
        body=body,
        secret_for=table.get,
        now=now,
        max_skew=WINDOW,
    )


def test_canonical_forms_match_the_spec() -> None:
    assert canonical_uri("/v2/bases/verificationcode/send") == "/v2/bases/verificationcode/send/"
    assert canonical_uri("/a b/c") == "/a%20b/c/"
    assert canonical_query("offset=0&limit=10&b=2&b=1") == "b=1&b=2&limit=10&offset=0"
    assert canonical_query("") == ""


def test_sdk_signature_verifies() -> None:
    assert check(sdk_sign()) == AK


def test_sdk_signature_with_query_verifies_in_any_wire_order() -> None:
    query = [("operation_types", "2"), ("offset", "0"), ("operation_types", "1")]
    headers = sdk_sign(
        b"", query=query, method="GET", path="/v2/promotions/benefits/partner-coupons/records/query"
    )
    assert (
        check(
            headers,
            body=b"",
            method="GET",
            path="/v2/promotions/benefits/partner-coupons/records/query",
            query="operation_types=2&offset=0&operation_types=1",
        )
        == AK
    )


@pytest.mark.parametrize(
    "mutation",
    ["body", "method", "path", "query", "signed_header", "signature", "unknown_key", "date_unsigned"],
)
def test_any_single_mutation_is_refused(mutation: str) -> None:
    headers = sdk_sign()
    kwargs: dict[str, object] = {}
    if mutation == "body":
        kwargs["body"] = b'{"a": 2}'
    elif mutation == "method":
        kwargs["method"] = "PUT"
    elif mutation == "path":
        kwargs["path"] = "/v2/partners/sub-customers/users/check-identitx"
    elif mutation == "query":
        kwargs["query"] = "x=1"
    elif mutation == "signed_header":
        headers["X-Domain-Id"] = "e" * 32
    elif mutation == "signature":
        auth = headers["Authorization"]
        headers["Authorization"] = auth[:-1] + ("0" if auth[-1] != "0" else "1")
    elif mutation == "unknown_key":
        kwargs["secrets"] = {}
    elif mutation == "date_unsigned":
        headers["Authorization"] = headers["Authorization"].replace(";x-sdk-date", "")
    with pytest.raises(AuthenticationFailed):
        check(headers, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(minutes=15) - timedelta(seconds=1), True),
        (timedelta(minutes=15) + timedelta(seconds=1), False),
        (-(timedelta(minutes=15) - timedelta(seconds=1)), True),
        (-(timedelta(minutes=15) + timedelta(seconds=1)), False),
    ],
)
def test_date_window_is_fifteen_minutes_each_way(offset: timedelta, accepted: bool) -> None:
    headers = sdk_sign(when=NOW + offset)
    if accepted:
        assert check(headers) == AK
    else:
        with pytest.raises(AuthenticationFailed):
            check(headers)


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Basic abc",
        "SDK-HMAC-SHA256 ",
        "SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date",
        "SDK-HMAC-SHA256 Access=, SignedHeaders=x-sdk-date, Signature=00",
        "SDK-HMAC-SHA256 garbage",
    ],
)
def test_malformed_authorization_is_refused(authorization: str) -> None:
    headers = sdk_sign()
    headers["Authorization"] = authorization
    with pytest.raises(AuthenticationFailed):
        check(headers)


def test_verifier_never_compares_signatures_with_equality() -> None:
    from pathlib import Path

    import partnerhub.auth.signing as module

    source = Path(module.__file__).read_text()
    assert "compare_digest" in source
    assert "signature ==" not in source and "== header.signature" not in source
