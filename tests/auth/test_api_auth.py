"""AK/SK and token authentication against a live server, driven by the official SDK."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from huaweicloudsdkbss.v2 import BssClient, CheckSubcustomerUserReq, CheckUserIdentityRequest
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.region.region import Region

from partnerhub.db.session import session_scope
from partnerhub.partners.service import revoke_key
from tests import secret_watch
from tests.support import Env, bss_client, make_partner, sdk_signed_headers, signed_call

CHECK_PATH = "/v2/partners/sub-customers/users/check-identity"
CHECK_BODY = {"search_type": "name", "search_value": "freshname01"}
AUTH_FAILURE = {
    "error_code": "APIGW.0301",
    "error_msg": (
        "Incorrect IAM authentication information: verify aksk signature fail"
        " (the server log holds the reason under this response's X-Request-Id)"
    ),
}


def check_request() -> CheckUserIdentityRequest:
    return CheckUserIdentityRequest(
        body=CheckSubcustomerUserReq(search_type="name", search_value="freshname01")
    )


@pytest.mark.parametrize("with_domain_id", [True, False])
def test_sdk_check_identity_with_and_without_domain_id(env: Env, with_domain_id: bool) -> None:
    partner = make_partner(env)
    response = bss_client(env, partner, domain_id=with_domain_id).check_user_identity(check_request())
    assert response.status_code == 200
    assert response.check_result == "available"
    assert response.error_code == "CBC.0000"


def test_domain_id_of_another_account_is_refused(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    client = (
        BssClient.new_builder()
        .with_credentials(GlobalCredentials(partner.access_key, partner.secret_key, other.id))
        .with_endpoints([env.url])
        .build()
    )
    with pytest.raises(ClientRequestException) as raised:
        client.check_user_identity(check_request())
    assert raised.value.status_code == 401


def test_wrong_secret_key_is_refused_by_the_sdk_path(env: Env) -> None:
    partner = make_partner(env)
    with pytest.raises(ClientRequestException) as raised:
        bss_client(env, partner, secret_key="x" * 40).check_user_identity(check_request())
    assert raised.value.status_code == 401
    assert raised.value.error_code == "APIGW.0301"


def _failure_bodies(env: Env) -> dict[str, tuple[int, bytes]]:
    partner = make_partner(env)
    results = {}

    headers, raw = sdk_signed_headers(
        env,
        access_key=partner.access_key,
        secret_key=partner.secret_key,
        method="POST",
        path=CHECK_PATH,
        body=CHECK_BODY,
    )
    tampered_body = raw.replace(b"freshname01", b"freshname02")
    response = env.http.post(CHECK_PATH, headers=headers, content=tampered_body)
    results["tampered body"] = (response.status_code, response.content)

    headers, raw = sdk_signed_headers(
        env,
        access_key=partner.access_key,
        secret_key=partner.secret_key,
        method="POST",
        path=CHECK_PATH,
        body=CHECK_BODY,
    )
    headers["Authorization"] = headers["Authorization"][:-4] + "abcd"
    response = env.http.post(CHECK_PATH, headers=headers, content=raw)
    results["tampered signature"] = (response.status_code, response.content)

    stale = datetime.now(UTC) - timedelta(minutes=16)
    response = signed_call(env, partner, "POST", CHECK_PATH, CHECK_BODY, when=stale)
    results["stale date"] = (response.status_code, response.content)

    headers, raw = sdk_signed_headers(
        env,
        access_key="UNKNOWNAK00000000000",
        secret_key=partner.secret_key,
        method="POST",
        path=CHECK_PATH,
        body=CHECK_BODY,
    )
    response = env.http.post(CHECK_PATH, headers=headers, content=raw)
    results["unknown key"] = (response.status_code, response.content)

    response = env.http.post(CHECK_PATH, json=CHECK_BODY)
    results["no credentials"] = (response.status_code, response.content)

    response = env.http.post(
        CHECK_PATH, json=CHECK_BODY, headers={"Authorization": "SDK-HMAC-SHA256 nonsense"}
    )
    results["malformed header"] = (response.status_code, response.content)
    return results


def test_every_signature_failure_is_401_with_one_identical_body(env: Env) -> None:
    results = _failure_bodies(env)
    import json

    for cause, (status, body) in results.items():
        assert status == 401, cause
        assert json.loads(body) == AUTH_FAILURE, cause
    assert len({body for _, body in results.values()}) == 1


def test_fresh_signed_request_passes_the_same_path(env: Env) -> None:
    partner = make_partner(env)
    assert signed_call(env, partner, "POST", CHECK_PATH, CHECK_BODY).status_code == 200


def test_revoked_key_stops_working(env: Env) -> None:
    partner = make_partner(env)
    client = bss_client(env, partner)
    assert client.check_user_identity(check_request()).status_code == 200
    with session_scope(env.ctx.sessions) as session:
        assert revoke_key(session, env.ctx.clock, partner.access_key)
    with pytest.raises(ClientRequestException) as raised:
        client.check_user_identity(check_request())
    assert raised.value.status_code == 401


def test_region_client_discovers_its_domain_id(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    partner = make_partner(env)
    monkeypatch.setenv("HUAWEICLOUD_SDK_IAM_ENDPOINT", env.url)
    client = (
        BssClient.new_builder()
        .with_credentials(GlobalCredentials(partner.access_key, partner.secret_key))
        .with_region(Region("partnerhub-test", env.url))
        .build()
    )
    assert client.check_user_identity(check_request()).status_code == 200
    domains = signed_call(env, partner, "GET", "/v3/auth/domains").json()
    assert domains == {"domains": [{"id": partner.id, "name": partner.login, "enabled": True}]}


def _login(env: Env, name: str, password: str) -> tuple[int, str | None]:
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": name, "password": password, "domain": {"name": name}}},
            },
            "scope": {"domain": {"name": name}},
        }
    }
    response = env.http.post("/v3/auth/tokens", json=body)
    token = response.headers.get("x-subject-token")
    secret_watch.watch(password, token)
    return response.status_code, token


def test_token_login_and_use(env: Env) -> None:
    partner = make_partner(env)
    status, token = _login(env, partner.login, partner.password)
    assert status == 201 and token
    response = env.http.post(CHECK_PATH, json=CHECK_BODY, headers={"X-Auth-Token": token})
    assert response.status_code == 200
    assert response.json()["check_result"] == "available"


def test_token_is_stored_only_as_a_hash(env: Env) -> None:
    partner = make_partner(env)
    _, token = _login(env, partner.login, partner.password)
    assert token
    from sqlalchemy import text

    with env.ctx.engine.connect() as connection:
        stored = [row[0] for row in connection.execute(text("SELECT token_hash FROM auth_tokens"))]
    assert stored and token not in stored


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_bad_password_gives_401(env: Env, password: str) -> None:
    partner = make_partner(env)
    status, token = _login(env, partner.login, password)
    assert status == 401 and token is None


def test_unknown_login_gives_401(env: Env) -> None:
    assert _login(env, "nobody-here", "whatever1A")[0] == 401


def test_token_expires_after_its_lifetime(env: Env) -> None:
    partner = make_partner(env)
    _, token = _login(env, partner.login, partner.password)
    assert token
    env.clock.advance(timedelta(hours=24, seconds=1))
    response = env.http.post(CHECK_PATH, json=CHECK_BODY, headers={"X-Auth-Token": token})
    assert response.status_code == 401
    assert response.json()["error_code"] == "CBC.0154"


def test_forged_token_gives_401(env: Env) -> None:
    response = env.http.post(CHECK_PATH, json=CHECK_BODY, headers={"X-Auth-Token": "forged" * 7})
    assert response.status_code == 401
    assert response.json()["error_code"] == "CBC.0154"


def test_sdk_home_is_isolated() -> None:
    assert "partnerhub-test-home-" in os.environ["HOME"]


def test_a_login_removes_expired_tokens(env: Env) -> None:
    partner = make_partner(env)
    _login(env, partner.login, partner.password)
    env.clock.advance(timedelta(hours=24, seconds=1))
    _, fresh = _login(env, partner.login, partner.password)
    from sqlalchemy import text

    with env.ctx.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM auth_tokens")).scalar_one() == 1
    assert env.http.post(CHECK_PATH, json=CHECK_BODY, headers={"X-Auth-Token": str(fresh)}).status_code == 200
