"""The operator CLI against the same database the live server uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from tests.auth.test_api_auth import check_request
from tests.cli.conftest import run, run_json
from tests.support import Env, PartnerHandle, bss_client


def test_partner_and_key_lifecycle_reaches_the_live_api(cli_env: Env) -> None:
    distributor = run_json(
        "partner",
        "create",
        "--kind",
        "distributor",
        "--name",
        "Acme",
        "--mobile",
        "13800000000",
        "--password",
        "Acme#2026pass",
    )
    assert isinstance(distributor, dict) and re.fullmatch(r"[0-9a-f]{32}", distributor["id"])
    reseller = run_json(
        "partner", "create", "--kind", "reseller", "--name", "Sub", "--parent", distributor["id"]
    )
    assert isinstance(reseller, dict) and reseller["parent_id"] == distributor["id"]

    listed = run_json("partner", "list")
    assert isinstance(listed, list) and {p["id"] for p in listed} == {distributor["id"], reseller["id"]}
    assert next(p for p in listed if p["id"] == distributor["id"])["mobile"] == "138****0000"

    key = run_json("key", "create", "--partner", distributor["id"])
    assert isinstance(key, dict) and set(key) == {"access_key", "secret_key", "partner_id"}
    handle = PartnerHandle(
        distributor["id"], "distributor", distributor["login"], "", key["access_key"], key["secret_key"]
    )
    assert bss_client(cli_env, handle).check_user_identity(check_request()).status_code == 200

    code, _ = run("key", "revoke", key["access_key"])
    assert code == 0
    with pytest.raises(ClientRequestException) as raised:
        bss_client(cli_env, handle).check_user_identity(check_request())
    assert raised.value.status_code == 401


@pytest.mark.parametrize(
    "args",
    [
        ("partner", "create", "--kind", "reseller", "--name", "Orphan"),
        ("partner", "create", "--kind", "distributor", "--name", "X", "--parent", "0" * 32),
        ("key", "create", "--partner", "0" * 32),
        ("key", "revoke", "NOSUCHKEY"),
    ],
)
def test_bad_operator_input_exits_non_zero(cli_env: Env, args: tuple[str, ...]) -> None:
    code, _ = run(*args)
    assert code != 0


def test_demo_seeds_once(cli_env: Env) -> None:
    first = run_json("demo", "--customers", "25")
    assert isinstance(first, dict) and first["created"] is True and first["customers"] == 25
    assert {login["kind"] for login in first["logins"]} == {"distributor", "reseller"}
    assert len(first["keys"]) == 3
    from huaweicloudsdkbss.v2 import (
        ListPartnerBalancesRequest,
        ListQuotaCouponsRequest,
        QueryCouponQuotasReqExt,
    )

    key = first["keys"][0]
    distributor = PartnerHandle(
        key["partner_id"], "distributor", "demo-distributor", "", key["access_key"], key["secret_key"]
    )
    balances = bss_client(cli_env, distributor).list_partner_balances(ListPartnerBalancesRequest())
    assert [(b.account_type, b.amount) for b in balances.account_balances] == [(1, 100000)]
    quotas = bss_client(cli_env, distributor).list_quota_coupons(
        ListQuotaCouponsRequest(body=QueryCouponQuotasReqExt())
    )
    assert [(q.quota_id, q.balance) for q in quotas.quotas] == [(first["quota_id"], 50000)]
    second = run_json("demo", "--customers", "25")
    assert isinstance(second, dict) and second["created"] is False and second["keys"] == []
    assert second["quota_id"] == first["quota_id"]
    platform_ids = {login["partner_id"]: login["xaccount_type"] for login in first["logins"]}
    assert platform_ids == {login["partner_id"]: login["xaccount_type"] for login in second["logins"]}
    assert platform_ids == {p["id"]: p["xaccount_type"] for p in run_json("partner", "list")}
    from sqlalchemy import text

    with cli_env.ctx.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM customers")).scalar_one() == 25
        assert connection.execute(text("SELECT count(*) FROM associations")).scalar_one() == 25
        owners = connection.execute(text("SELECT owner_partner_id, xaccount_type FROM customers")).all()
    # Each demo customer carries its own partner's platform id, as one created through the API would.
    assert {owner: xaccount_type for owner, xaccount_type in owners} == platform_ids
    code, output = run("demo")
    assert code == 0
    assert f"distributor voucher quota id {first['quota_id']}" in output
    assert all(f"xaccount_type {xaccount_type}" in output for xaccount_type in platform_ids.values())


def test_a_wrong_xaccount_type_says_where_to_find_the_right_one(cli_env: Env) -> None:
    from tests.auth.test_api_auth import _login
    from tests.support import make_partner

    partner = make_partner(cli_env)
    _, token = _login(cli_env, partner.login, partner.password)
    response = cli_env.http.post(
        "/v2/partners/sub-customers",
        json={"xaccount_id": "u-1", "xaccount_type": "wrong_IDP"},
        headers={"X-Auth-Token": token or "", "X-Language": "en-us"},
    )
    assert response.status_code == 400
    message = response.json()["error_msg"]
    assert "xaccount_type" in message and "partnerhub partner show" in message
    shown = run_json("partner", "show", partner.id)
    right = cli_env.http.post(
        "/v2/partners/sub-customers",
        json={"xaccount_id": "u-1", "xaccount_type": shown["xaccount_type"]},
        headers={"X-Auth-Token": token or ""},
    )
    assert right.status_code == 200, right.text
    assert (
        run_json("customer", "list", "--partner", partner.id)["customers"][0]["xaccount_type"]
        == (shown["xaccount_type"])
    )


def test_db_upgrade_on_a_fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERHUB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PARTNERHUB_DATABASE_URL", raising=False)
    code, output = run("db", "upgrade")
    assert code == 0, output
    from partnerhub.db.migrate import is_current
    from partnerhub.db.session import make_engine

    engine = make_engine(f"sqlite:///{tmp_path}/partnerhub.db")
    try:
        assert is_current(engine)
    finally:
        engine.dispose()
    master = tmp_path / "master.key"  # db upgrade makes the key; nothing later creates one
    assert master.exists() and oct(master.stat().st_mode & 0o777) == "0o600"
    code, _ = run("partner", "list")
    assert code == 0
