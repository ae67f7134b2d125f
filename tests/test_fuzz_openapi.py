"""Property-based requests generated from partnerhub's own OpenAPI document: whatever the input, no 5xx.

Schemathesis drives every documented operation against the live server with a partner token. Answers
must be 2xx, 4xx, or the one deliberate 501 (credit funding is not offered); a 500 is a bug.
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


def _openapi_document() -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="partnerhub-openapi-"))
    return create_app(Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir}/unused.db")).openapi()


api_schema = schemathesis.openapi.from_dict(_openapi_document())


@pytest.fixture
def partner_token(env: Env) -> str:
    distributor = make_partner(env)
    reseller = make_partner(env, "reseller", parent=distributor)
    make_customer(env, distributor)
    make_customer(env, reseller)
    _, token = _login(env, distributor.login, distributor.password)
    assert token
    return token


@api_schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_server_fail(case: Any, env: Env, partner_token: str) -> None:
    response = case.call(base_url=env.url, headers={"X-Auth-Token": partner_token})
    assert response.status_code < 500 or response.status_code == 501, (
        f"{case.method} {case.path} -> {response.status_code}: {response.text[:300]}"
    )
    assert response.headers.get("x-request-id")
    if response.status_code < 300:  # what the document promises is what comes back
        case.validate_response(response, checks=[response_schema_conformance])
