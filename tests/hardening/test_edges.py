"""Smaller findings of the security review: masked filters, file modes, request ids, idempotency keys,
disconnects, security headers and encoded slashes."""

from __future__ import annotations

import socket
import stat
import time
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select, update

from partnerhub.audit.models import AuditEvent
from partnerhub.config import Settings
from partnerhub.context import build_context
from partnerhub.customers.models import Customer
from partnerhub.db.migrate import upgrade
from partnerhub.db.session import session_scope
from tests.funding.helpers import ADJUST_PATH, customer_balance, top_up
from tests.support import Env, make_customer, make_partner, signed_call
from tests.verification.helpers import CUSTOMER_PASSWORD, customer_token

LIST_PATH = "/v2/partners/sub-customers/query"
CUSTOMER_REVEAL = "/v2/partners/sub-customers/reveal"


def _name(env: Env, customer_id: str, real_name: str, customer_type: int) -> None:
    with session_scope(env.ctx.sessions) as session:
        session.execute(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(real_name=real_name, customer_type=customer_type)
        )


def _listed(env: Env, partner: object, name: str) -> list[str]:
    response = signed_call(env, partner, "POST", LIST_PATH, {"customer": name})  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return [row["customer_id"] for row in response.json()["customer_infos"]]


def test_a_masked_name_matches_only_as_a_whole(env: Env) -> None:
    partner = make_partner(env)
    person = make_customer(env, partner)
    company = make_customer(env, partner)
    _name(env, person, "张三丰", 0)
    _name(env, company, "张氏云计算有限公司", 1)
    assert person not in _listed(env, partner, "张")  # the prefix attack spelled 张** out one guess at a time
    assert person not in _listed(env, partner, "张三")
    assert _listed(env, partner, "张三丰") == [person]
    assert _listed(env, partner, "云计算") == [company]  # an enterprise's name is shown in full: fuzzy


def test_data_folder_and_database_files_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    url = f"sqlite:///{data_dir / 'partnerhub.db'}"
    context = build_context(Settings(data_dir=data_dir, database_url=url))
    try:
        upgrade(url)
        with session_scope(context.sessions) as session:
            session.execute(select(Customer.id)).all()
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        for name in ("partnerhub.db", "partnerhub.db-wal", "partnerhub.db-shm", "master.key"):
            path = data_dir / name
            if path.exists():
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
        assert (data_dir / "partnerhub.db").exists() and (data_dir / "master.key").exists()
    finally:
        context.engine.dispose()


def test_the_server_issues_its_own_request_id_and_keeps_the_clients_beside_it(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner, mobile="13912345678")
    answers = [
        signed_call(
            env,
            partner,
            "POST",
            CUSTOMER_REVEAL,
            {"customer_id": customer, "field": "telephone"},
            extra_headers={"X-Request-Id": "client-req-0001"},
        )
        for _ in range(2)
    ]
    assert all(answer.status_code == 200 for answer in answers)
    server_ids = [answer.headers["x-request-id"] for answer in answers]
    assert "client-req-0001" not in server_ids and len(set(server_ids)) == 2
    with session_scope(env.ctx.sessions) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "customer.reveal").order_by(AuditEvent.id)
        ).all()
        pairs = [(event.request_id, event.client_request_id) for event in events]
    assert pairs == [(server_ids[0], "client-req-0001"), (server_ids[1], "client-req-0001")]


def test_an_empty_or_blank_client_token_is_refused_not_ignored(env: Env) -> None:
    partner = make_partner(env)
    top_up(env, partner, "100.00")
    customer = make_customer(env, partner)
    for blank in ("", "   "):
        response = signed_call(
            env,
            partner,
            "POST",
            ADJUST_PATH,
            {"customer_id": customer, "amount": "1.00"},
            extra_headers={"X-Client-Token": blank},
        )
        assert (response.status_code, response.json()["error_code"]) == (400, "CBC.0100")
        assert "X-Client-Token" in response.json()["error_msg"]
    assert customer_balance(env, customer) is None


def test_a_client_that_leaves_mid_body_is_counted_as_499_not_500(env: Env) -> None:
    address = urlsplit(env.url)
    with socket.create_connection((address.hostname, address.port)) as connection:
        connection.sendall(
            b"POST /v2/partners/sub-customers/query HTTP/1.1\r\nHost: x\r\n"
            b'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"offset":'
        )
    deadline = time.monotonic() + 5
    metrics = ""
    while time.monotonic() < deadline:
        metrics = env.http.get("/metrics").text
        if 'status="499"' in metrics:
            break
        time.sleep(0.05)
    lines = [line for line in metrics.splitlines() if line.startswith("partnerhub_requests_total")]
    assert any('status="499"' in line for line in lines), lines
    assert not any('status="500"' in line for line in lines)


def test_security_headers_on_every_response(env: Env) -> None:
    partner = make_partner(env)
    make_customer(env, partner, name="headers01", password=CUSTOMER_PASSWORD)
    token_response = env.http.post(
        "/v3/auth/tokens",
        json={
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"name": "headers01", "password": CUSTOMER_PASSWORD}},
                }
            }
        },
    )
    responses = {
        "health": env.http.get("/healthz"),
        "missing": env.http.get("/v2/nowhere"),
        "list": signed_call(env, partner, "POST", LIST_PATH, {}),
        "token": token_response,
    }
    for name, response in responses.items():
        assert response.headers["x-content-type-options"] == "nosniff", name
        assert response.headers["referrer-policy"] == "no-referrer", name
    assert token_response.headers["cache-control"] == "no-store"
    assert responses["list"].headers["cache-control"] == "no-store"
    assert customer_token(env, "headers01")


def test_an_encoded_slash_inside_a_segment_is_refused(env: Env) -> None:
    partner = make_partner(env)
    response = signed_call(env, partner, "GET", "/v2/accounts%2Fpartner-accounts/balances")
    assert (response.status_code, response.json()["error_code"]) == (400, "CBC.0100")
    assert "%2F" in response.json()["error_msg"]
    assert signed_call(env, partner, "GET", "/v2/accounts/partner-accounts/balances").status_code == 200
