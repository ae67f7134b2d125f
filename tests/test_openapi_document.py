"""The OpenAPI document is valid and tells the truth about authentication, headers and required inputs."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from partnerhub.http.openapi import REQUIRED_PROPERTIES, REQUIRED_QUERY, is_public
from tests.auth.test_api_auth import _login
from tests.support import Env, make_partner

METHODS = ("get", "post", "put", "delete", "patch")


def _document(env: Env) -> dict[str, Any]:
    document: dict[str, Any] = env.http.get("/openapi.json").json()
    return document


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_the_document_validates_and_declares_both_security_schemes(env: Env) -> None:
    document = _document(env)
    validate(document)
    schemes = document["components"]["securitySchemes"]
    assert schemes["AuthToken"] == schemes["AuthToken"] | {
        "type": "apiKey",
        "in": "header",
        "name": "X-Auth-Token",
    }
    assert "/v3/auth/tokens" in schemes["AuthToken"]["description"]
    assert "SDK-HMAC-SHA256" in schemes["AkSk"]["description"]


def test_security_matches_what_the_server_demands(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every operation that declares security answers 401 without credentials; the public ones do not."""
    # One anonymous call per operation in a burst: lift the per-address failure limit (tested elsewhere).
    monkeypatch.setattr(env.ctx.settings, "auth_failures_per_second_per_address", 0)
    for method, path, operation in _operations(_document(env)):
        response = env.http.request(method, path, json={} if method == "post" else None)
        if is_public(method, path):
            assert operation["security"] == [], path
            assert response.status_code != 401, path
        else:
            assert operation["security"] == [{"AkSk": []}, {"AuthToken": []}], path
            assert response.status_code == 401, (method, path, response.status_code)


def test_every_operation_declares_the_language_and_request_id_headers(env: Env) -> None:
    for method, path, operation in _operations(_document(env)):
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert {"X-Language", "X-Request-Id"} <= headers, (method, path)
        for status, response in operation["responses"].items():
            assert "X-Request-Id" in response["headers"], (method, path, status)


def test_inputs_the_server_requires_are_required_in_the_document(env: Env) -> None:
    document = _document(env)
    schemas = document["components"]["schemas"]
    for name, fields in REQUIRED_PROPERTIES.items():
        assert set(fields) <= set(schemas[name]["required"]), name
    for (method, path), fields in REQUIRED_QUERY.items():
        parameters = {p["name"]: p for p in document["paths"][path][method]["parameters"]}
        assert all(parameters[field]["required"] is True for field in fields), path


@pytest.fixture
def token(env: Env) -> str:
    partner = make_partner(env)
    _, issued = _login(env, partner.login, partner.password)
    assert issued
    return issued


def test_balance_type_is_refused_when_absent_and_accepted_when_given(env: Env, token: str) -> None:
    path = "/v2/accounts/partner-accounts/account-change-records"
    headers = {"X-Auth-Token": token, "X-Language": "en-us"}
    missing = env.http.get(path, headers=headers)
    assert missing.status_code == 400
    assert missing.json()["error_code"] == "CBC.0100" and "balance_type" in missing.json()["error_msg"]
    given = env.http.get(path, params={"balance_type": "BALANCE_TYPE_DEBIT"}, headers=headers)
    assert given.status_code == 200


def test_a_body_without_its_required_fields_is_refused(env: Env, token: str) -> None:
    """Each body schema with server-required fields: the empty body is a 4xx naming one of them."""
    document = _document(env)
    bodies = {
        (method, path): operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[
            -1
        ]
        for method, path, operation in _operations(document)
        if "requestBody" in operation
    }
    headers = {"X-Auth-Token": token, "X-Language": "en-us"}
    for (method, path), schema in bodies.items():
        if schema not in REQUIRED_PROPERTIES:
            continue
        response = env.http.request(method, path, json={}, headers=headers)
        assert 400 <= response.status_code < 500, (path, response.status_code)
        message = response.json()["error_msg"]
        # Customer-only operations refuse a partner token first (403); the others name a required field.
        if response.status_code == 400:
            required = document["components"]["schemas"][schema]["required"]
            assert any(field in message for field in required), (path, message)
