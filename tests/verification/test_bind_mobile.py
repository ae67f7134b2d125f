"""Binding a mobile later: from the partner API and from the customer's own token."""

from __future__ import annotations

import pytest

from tests.support import Env, make_customer, make_partner, sent_code, signed_call
from tests.verification.helpers import (
    CUSTOMER_BIND_PATH,
    CUSTOMER_PASSWORD,
    CUSTOMER_SEND_PATH,
    SEND_PATH,
    bind_by_partner,
    customer_mobile,
    customer_token,
    error_of,
    send_code,
)

MOBILE = "13612345678"


@pytest.mark.parametrize("initial", [None, ""])
def test_partner_binds_a_mobile_to_a_customer_without_one(env: Env, initial: str | None) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner, mobile=initial)
    assert send_code(env, partner, MOBILE, scene=30, customer_id=customer).status_code == 204
    response = bind_by_partner(env, partner, customer, "+86" + MOBILE, sent_code(env, MOBILE))
    assert response.status_code == 204
    assert response.content == b""
    assert customer_mobile(env, customer) == MOBILE


def test_a_customer_that_has_a_mobile_is_refused(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner, mobile="13600000001")
    response = signed_call(
        env,
        partner,
        "POST",
        SEND_PATH,
        {"receiver_type": 1, "mobile_phone": MOBILE, "scene": 30, "customer_id": customer},
    )
    assert error_of(response) == (400, "CBC.99000029")
    assert error_of(bind_by_partner(env, partner, customer, MOBILE, "123456")) == (400, "CBC.99000029")
    assert customer_mobile(env, customer) == "13600000001"


def test_another_partners_customer_behaves_as_missing(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    foreign = make_customer(env, other)
    assert error_of(bind_by_partner(env, partner, foreign, MOBILE, "123456")) == (400, "CBC.99000035")
    assert error_of(bind_by_partner(env, partner, "f" * 32, MOBILE, "123456")) == (400, "CBC.99000035")


def test_distributor_binds_for_its_resellers_customer(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    customer = make_customer(env, reseller)
    body = {"receiver_type": 1, "mobile_phone": MOBILE, "scene": 30, "customer_id": customer}
    assert error_of(signed_call(env, distributor, "POST", SEND_PATH, body)) == (400, "CBC.99000035")
    body["indirect_partner_id"] = reseller.id
    assert signed_call(env, distributor, "POST", SEND_PATH, body).status_code == 204
    response = bind_by_partner(
        env, distributor, customer, MOBILE, sent_code(env, MOBILE), indirect_partner_id=reseller.id
    )
    assert response.status_code == 204
    assert customer_mobile(env, customer) == MOBILE


def test_registration_cap_applies(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env.ctx.settings, "mobile_registration_cap", 2)
    partner = make_partner(env)
    make_customer(env, partner, mobile=MOBILE)
    make_customer(env, partner, mobile=MOBILE)
    customer = make_customer(env, partner)
    send_code(env, partner, MOBILE, scene=30, customer_id=customer)
    assert error_of(bind_by_partner(env, partner, customer, MOBILE, sent_code(env, MOBILE))) == (
        400,
        "CBC.99000030",
    )
    assert customer_mobile(env, customer) is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mobile_phone": MOBILE, "verification_code": "123456"}, "customer_id"),
        ({"customer_id": "x", "mobile_phone": "123", "verification_code": "123456"}, "mobile_phone"),
        ({"customer_id": "x", "mobile_phone": MOBILE, "verification_code": ""}, "verification_code"),
        ({"customer_id": "x", "mobile_phone": MOBILE, "verification_code": "1234567"}, "verification_code"),
    ],
)
def test_partner_bind_validates_its_fields(env: Env, body: dict[str, str], field: str) -> None:
    partner = make_partner(env)
    response = signed_call(env, partner, "POST", "/v2/partners/sub-customers/mobile/bind", body)
    assert error_of(response) == (400, "CBC.0100")
    assert field in response.json()["error_msg"]


def _customer_headers(env: Env, login: str) -> dict[str, str]:
    return {"X-Auth-Token": customer_token(env, login, CUSTOMER_PASSWORD)}


def test_customer_binds_its_own_mobile_with_its_token(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner, name="selfbinder", password=CUSTOMER_PASSWORD)
    headers = _customer_headers(env, "selfbinder")
    response = env.http.post(
        CUSTOMER_SEND_PATH, json={"mobile_phone": MOBILE, "lang": "en-us"}, headers=headers
    )
    assert response.status_code == 204
    code = sent_code(env, MOBILE)
    wrong = env.http.post(
        CUSTOMER_BIND_PATH,
        headers=headers,
        json={"mobile_phone": MOBILE, "verification_code": f"{(int(code) + 1) % 10**6:06d}"},
    )
    assert error_of(wrong) == (400, "CBC.99004010")
    response = env.http.post(
        CUSTOMER_BIND_PATH, json={"mobile_phone": MOBILE, "verification_code": code}, headers=headers
    )
    assert response.status_code == 204
    assert customer_mobile(env, customer) == MOBILE
    again = env.http.post(CUSTOMER_SEND_PATH, json={"mobile_phone": "13612340000"}, headers=headers)
    assert error_of(again) == (400, "CBC.99000029")


def test_partner_code_does_not_serve_the_customer_flow(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner, name="flowcustomer", password=CUSTOMER_PASSWORD)
    send_code(env, partner, MOBILE, scene=30, customer_id=customer)
    response = env.http.post(
        CUSTOMER_BIND_PATH,
        json={"mobile_phone": MOBILE, "verification_code": sent_code(env, MOBILE)},
        headers=_customer_headers(env, "flowcustomer"),
    )
    assert error_of(response) == (400, "CBC.99004010")


def test_customer_flow_registration_cap(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env.ctx.settings, "mobile_registration_cap", 1)
    partner = make_partner(env)
    make_customer(env, partner, mobile=MOBILE)
    make_customer(env, partner, name="cappedcustomer", password=CUSTOMER_PASSWORD)
    headers = _customer_headers(env, "cappedcustomer")
    env.http.post(CUSTOMER_SEND_PATH, json={"mobile_phone": MOBILE}, headers=headers)
    response = env.http.post(
        CUSTOMER_BIND_PATH,
        json={"mobile_phone": MOBILE, "verification_code": sent_code(env, MOBILE)},
        headers=headers,
    )
    assert error_of(response) == (400, "CBC.99000030")


def test_customer_daily_cap(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env.ctx.settings, "code_customer_daily_cap", 2)
    partner = make_partner(env)
    make_customer(env, partner, name="pumpingcustomer", password=CUSTOMER_PASSWORD)
    headers = _customer_headers(env, "pumpingcustomer")
    for index in range(2):
        response = env.http.post(
            CUSTOMER_SEND_PATH, json={"mobile_phone": f"1361234{index:04d}"}, headers=headers
        )
        assert response.status_code == 204
    response = env.http.post(CUSTOMER_SEND_PATH, json={"mobile_phone": "13612349999"}, headers=headers)
    assert error_of(response) == (400, "CBC.99000082")
    assert "Retry-After" in response.headers


def test_partner_keys_cannot_use_the_customer_operations(env: Env) -> None:
    partner = make_partner(env)
    response = signed_call(env, partner, "POST", CUSTOMER_SEND_PATH, {"mobile_phone": MOBILE})
    assert error_of(response) == (403, "CBC.0151")
