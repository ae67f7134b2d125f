"""Property-based requests generated from partnerhub's own OpenAPI document: whatever the input, no 5xx.

Schemathesis drives every documented operation against the live server with a partner token (a customer's
token on the customer routes). Answers must be 2xx, 4xx, or the one deliberate 501 (credit funding is not
offered); a 500 is a bug.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from partnerhub.app import create_app
from partnerhub.config import Settings
from tests.auth.test_api_auth import _login
from tests.support import Env, make_customer, make_partner
from tests.verification.helpers import CUSTOMER_PASSWORD, customer_token


def _openapi_document() -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="partnerhub-openapi-"))
    return create_app(Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir}/unused.db")).openapi()


api_schema = schemathesis.openapi.from_dict(_openapi_document())


@pytest.fixture
def tokens(env: Env) -> tuple[str, str]:
    """A distributor's token, and the token of one of its customers for the ``/v2/customers/`` routes."""
    distributor = make_partner(env)
    reseller = make_partner(env, "reseller", parent=distributor)
    make_customer(env, distributor, name="fuzzed-customer", password=CUSTOMER_PASSWORD)
    make_customer(env, reseller)
    _, token = _login(env, distributor.login, distributor.password)
    assert token
    return token, customer_token(env, "fuzzed-customer")


def _token_for(path: str, tokens: tuple[str, str]) -> str:
    # Real-name applications live under /v2/customers/ but are a partner's call.
    customer_route = path.startswith("/v2/customers/") and "realname" not in path
    return tokens[1] if customer_route else tokens[0]


@api_schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_server_fail(case: Any, env: Env, tokens: tuple[str, str]) -> None:
    response = case.call(base_url=env.url, headers={"X-Auth-Token": _token_for(case.path, tokens)})
    assert response.status_code < 500 or response.status_code == 501, (
        f"{case.method} {case.path} -> {response.status_code}: {response.text[:300]}"
    )
    assert response.headers.get("x-request-id")
    if response.status_code < 300:  # what the document promises is what comes back
        case.validate_response(response, checks=[response_schema_conformance])
