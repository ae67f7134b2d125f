"""The HTTP contract every operation shares: request ids, error bodies, languages, limits, ops endpoints."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi.testclient import TestClient
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from partnerhub.app import create_app
from partnerhub.config import Settings
from partnerhub.context import build_context
from tests.auth.test_api_auth import check_request
from tests.support import Env, bss_client, make_partner, signed_call

CHECK_PATH = "/v2/partners/sub-customers/users/check-identity"


def test_every_response_has_a_request_id(env: Env) -> None:
    for response in (env.http.get("/healthz"), env.http.get("/nowhere"), env.http.post(CHECK_PATH, json={})):
        assert len(response.headers["x-request-id"]) >= 8
    ids = {env.http.get("/healthz").headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3


def test_the_server_always_issues_its_own_request_id(env: Env) -> None:
    for incoming in ("client-req-0001", "bad id;<x>"):
        issued = env.http.get("/healthz", headers={"X-Request-Id": incoming}).headers["x-request-id"]
        assert issued != incoming and len(issued) == 32


def test_unknown_route_is_a_json_404(env: Env) -> None:
    response = env.http.get("/v2/no/such/thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error_code"] == "CBC.0404"


def test_wrong_method_is_a_json_405(env: Env) -> None:
    response = env.http.get(CHECK_PATH)
    assert response.status_code == 405
    assert response.json()["error_code"] == "CBC.0405"
    shared = env.http.delete("/v2/promotions/benefits/partner-coupons")  # GET and POST live here
    assert shared.status_code == 405
    assert shared.headers["allow"] == "GET, POST"


def test_body_over_the_cap_is_413(env: Env) -> None:
    cap = env.ctx.settings.max_body_bytes
    response = env.http.post(
        CHECK_PATH, content=b"x" * (cap + 1), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error_code"] == "CBC.0413"

    def chunks():  # no Content-Length: the cap still holds for a streamed body
        for _ in range(cap // 65536 + 2):
            yield b"x" * 65536

    streamed = env.http.post(CHECK_PATH, content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_malformed_json_is_a_parameter_error(env: Env) -> None:
    partner = make_partner(env)
    from tests.support import sdk_signed_headers

    headers, _ = sdk_signed_headers(
        env,
        access_key=partner.access_key,
        secret_key=partner.secret_key,
        method="POST",
        path=CHECK_PATH,
        body=None,
    )
    response = env.http.post(CHECK_PATH, headers=headers, content=b"")
    assert response.status_code in (400, 401)  # unsigned empty body still fails auth first or validation
    response = env.http.post(
        "/v3/auth/tokens", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error_code"] == "CBC.0100"
    assert "Traceback" not in response.text


def test_language_header_picks_the_message(env: Env) -> None:
    partner = make_partner(env)
    body = {"search_type": "bogus", "search_value": "abcdef"}
    chinese = signed_call(
        env, partner, "POST", CHECK_PATH, body, extra_headers={"X-Language": "zh-cn"}
    ).json()
    english = signed_call(
        env, partner, "POST", CHECK_PATH, body, extra_headers={"X-Language": "en-us"}
    ).json()
    assert chinese["error_code"] == english["error_code"] == "CBC.0100"
    assert chinese["error_msg"].startswith("参数错误")
    assert english["error_msg"].startswith("Invalid parameter")
    assert "search_type" in chinese["error_msg"] and "search_type" in english["error_msg"]


def test_rate_limit_answers_429_with_retry_after(env: Env) -> None:
    partner = make_partner(env)
    limits = env.ctx.settings.rate_limits
    saved = limits.check_identity_per_second
    limits.check_identity_per_second = 2
    try:
        statuses = [
            signed_call(env, partner, "POST", CHECK_PATH, {"search_type": "name", "search_value": "abcdef"})
            for _ in range(7)
        ]
        limited = [r for r in statuses if r.status_code == 429]
        assert limited, [r.status_code for r in statuses]
        assert sum(r.status_code == 200 for r in statuses) <= 4  # seven calls span at most two windows
        for response in limited:
            assert response.json()["error_code"] == "CBC.0250"
            assert int(response.headers["retry-after"]) >= 1
        client = bss_client(env, partner)

        def burst() -> None:
            for _ in range(5):
                client.check_user_identity(check_request())

        with pytest.raises(ClientRequestException) as raised:
            burst()
        assert raised.value.status_code == 429 and raised.value.error_code == "CBC.0250"
        # Another key is counted apart.
        other = make_partner(env)
        assert (
            signed_call(
                env, other, "POST", CHECK_PATH, {"search_type": "name", "search_value": "abcdef"}
            ).status_code
            == 200
        )
    finally:
        limits.check_identity_per_second = saved


def test_health_readiness_metrics_docs(env: Env) -> None:
    assert env.http.get("/healthz").json() == {"status": "ok"}
    assert env.http.get("/readyz").json()["status"] == "ready"
    env.http.get("/nowhere")
    metrics = env.http.get("/metrics").text
    assert "partnerhub_requests_total" in metrics and 'status="404"' in metrics
    docs = env.http.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_openapi_documents_operations_and_error_codes(env: Env) -> None:
    spec = env.http.get("/openapi.json").json()
    operation = spec["paths"][CHECK_PATH]["post"]
    assert operation["operationId"]
    documented = json.dumps(operation["responses"])
    for code in ("CBC.0100", "CBC.0151", "CBC.0250", "APIGW.0301"):
        assert code in documented
    assert "search_type" in json.dumps(spec["components"]["schemas"])


def test_readiness_fails_when_migrations_are_pending(tmp_path: pytest.TempPathFactory) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/empty.db")  # type: ignore[operator]
    with TestClient(create_app(context=build_context(settings))) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "migrations pending"


def test_unexpected_errors_are_500_without_a_trace(tmp_path: pytest.TempPathFactory) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/x.db")  # type: ignore[operator]
    app = create_app(context=build_context(settings))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.json()["error_code"] == "CBC.0999"
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert response.headers["x-request-id"]


def test_http_client_without_auth_gets_401_not_500(env: Env) -> None:
    response = httpx.post(env.url + CHECK_PATH, json={"search_type": "name"})
    assert response.status_code == 401


def test_metrics_sum_every_worker_process(
    env: Env, tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With PROMETHEUS_MULTIPROC_DIR (set by `serve --workers N`), /metrics reads every process's files."""
    from prometheus_client import Counter, values

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    values.ValueClass = values.get_value_class()  # what a worker process picks at import
    try:
        from prometheus_client import CollectorRegistry

        other_worker = Counter(
            "partnerhub_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=CollectorRegistry(),
        )
        other_worker.labels("GET", "/elsewhere", "200").inc(7)
        text = env.http.get("/metrics").text
        assert 'route="/elsewhere"' in text and "7.0" in text
    finally:
        monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
        values.ValueClass = values.get_value_class()


@pytest.mark.parametrize(
    ("method", "path", "body", "query", "field"),
    [
        ("POST", CHECK_PATH, {"search_type": "name", "search_value": "abc\x00def"}, None, "search_value"),
        (
            "POST",
            "/v2/partners/sub-customers/query",
            {"account_name": "a", "indirect_partner_id": "\x00"},
            None,
            "indirect_partner_id",
        ),
        (
            "POST",
            "/v2/partners/sub-customers/freeze",
            {"customer_ids": ["ok", "\x00"], "reason": "r"},
            None,
            "customer_ids[1]",
        ),
        (
            "GET",
            "/v2/promotions/benefits/partner-coupons/records/query",
            None,
            [("customer_id", "\x00")],
            "customer_id",
        ),
    ],
)
def test_nul_characters_are_refused_at_the_edge(
    env: Env, method: str, path: str, body: object, query: list[tuple[str, str]] | None, field: str
) -> None:
    """PostgreSQL text cannot hold NUL; it must be a 400 naming the field on every backend, never a 500."""
    response = signed_call(env, make_partner(env), method, path, body, query=query)
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] == "CBC.0100"
    assert field in response.json()["error_msg"]


@pytest.mark.parametrize("raw", [b"\x80\xf5\xff", b"[" * 100_000, b'{"a": "\xe1"}'])
def test_undecodable_or_absurd_bodies_are_400(env: Env, raw: bytes) -> None:
    response = env.http.post("/v3/auth/tokens", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error_code"] == "CBC.0100"
