"""Personal real-name authentication (SPEC A.25/A.26) through the official SDK against the live server."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from huaweicloudsdkbss.v2 import (
    ApplyIndividualRealnameAuthsReq,
    BankCardInfoV2,
    CreatePersonalRealnameAuthRequest,
    ShowRealnameAuthenticationReviewResultRequest,
)
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from sqlalchemy import select
from typer.testing import CliRunner

from partnerhub.cli import app
from partnerhub.customers.models import Customer
from partnerhub.db.session import session_scope
from partnerhub.partners.models import Partner
from partnerhub.realname.models import RealnameApplication
from tests.support import Env, PartnerHandle, bss_client, make_customer, make_partner, sent_code
from tests.verification.helpers import send_code

MOBILE = "13312345678"
NAME = "张三"


def resident_id(first17: str = "11010519900307123") -> str:
    """A GB 11643 number computed here, independently of the code under test."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def luhn_card(prefix: str = "622202020000000000") -> str:
    for check in "0123456789":
        digits = [int(d) for d in reversed(prefix + check)]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
        if total % 10 == 0:
            return prefix + check
    raise AssertionError("unreachable")


def wrong_check(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def xaccount_type(env: Env, partner: PartnerHandle) -> str:
    with session_scope(env.ctx.sessions) as session:
        return session.scalars(select(Partner.xaccount_type).where(Partner.id == partner.id)).one()


def customer_row(env: Env, customer_id: str) -> Customer:
    with session_scope(env.ctx.sessions) as session:
        return session.scalars(select(Customer).where(Customer.id == customer_id)).one()


def bank_card_body(env: Env, partner: PartnerHandle, customer_id: str, **overrides: Any) -> dict[str, Any]:
    card = {"bank_account": luhn_card(), "areacode": "0086", "mobile": MOBILE, "verification_code": None}
    card.update(overrides.pop("card", {}))
    body = {
        "customer_id": customer_id,
        "identify_type": 4,
        "verified_file_url": ["face/me.jpg"],
        "name": NAME,
        "verified_number": resident_id(),
        "change_type": -1,
        "xaccount_type": xaccount_type(env, partner),
        "bank_card_info": card,
    }
    body.update(overrides)
    return body


def documents_body(env: Env, partner: PartnerHandle, customer_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "customer_id": customer_id,
        "identify_type": 0,
        "verified_type": 3,
        "name": "Alice Smith",
        "verified_number": "E12345678",
        "verified_file_url": ["p/abc023.jpg", "p/def004.png", "p/gh007.pdf"],
        "xaccount_type": xaccount_type(env, partner),
    }
    body.update(overrides)
    return body


def apply(env: Env, partner: PartnerHandle, body: dict[str, Any]) -> Any:
    card = body.get("bank_card_info")
    fields = {key: value for key, value in body.items() if key != "bank_card_info"}
    request = ApplyIndividualRealnameAuthsReq(
        **fields, bank_card_info=BankCardInfoV2(**card) if card else None
    )
    return bss_client(env, partner).create_personal_realname_auth(
        CreatePersonalRealnameAuthRequest(body=request)
    )


def result(env: Env, partner: PartnerHandle, customer_id: str) -> Any:
    return bss_client(env, partner).show_realname_authentication_review_result(
        ShowRealnameAuthenticationReviewResultRequest(customer_id=customer_id)
    )


def refused(call: Callable[[], Any]) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as raised:
        call()
    return raised.value


def with_code(env: Env, partner: PartnerHandle, customer_id: str, **overrides: Any) -> dict[str, Any]:
    send_code(env, partner, MOBILE, scene=18, customer_id=customer_id)
    body = bank_card_body(env, partner, customer_id, **overrides)
    body["bank_card_info"]["verification_code"] = sent_code(env, MOBILE)
    return body


def test_bank_card_happy_path(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    response = apply(env, partner, with_code(env, partner, customer))
    assert response.status_code == 200
    assert response.is_review == 0
    review = result(env, partner, customer)
    assert (review.review_result, review.opinion) == (2, None)
    row = customer_row(env, customer)
    assert (row.verified_status, row.real_name, row.customer_type) == (2, NAME, 0)
    with session_scope(env.ctx.sessions) as session:
        application = session.scalars(select(RealnameApplication)).one()
    stored = json.dumps({k: str(v) for k, v in vars(application).items() if not k.startswith("_")})
    for secret in (resident_id(), luhn_card(), NAME, MOBILE):
        assert secret not in stored
    # Verified now: a second application is refused.
    env.clock.advance(61)
    error = refused(lambda: apply(env, partner, with_code(env, partner, customer)))
    assert (error.status_code, error.error_code) == (400, "CBC.99007188")


def test_result_for_a_customer_that_never_applied_is_empty(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    review = result(env, partner, customer)
    assert review.status_code == 200
    assert (review.review_result, review.opinion) == (None, None)


def test_result_for_another_partners_customer_is_cbc_5002(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    foreign = make_customer(env, other)
    error = refused(lambda: result(env, partner, foreign))
    assert (error.status_code, error.error_code) == (400, "CBC.5002")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"verified_number": wrong_check(resident_id())}, "verified_number"),
        ({"card": {"bank_account": wrong_check(luhn_card())}}, "bank_account"),
        ({"card": {"areacode": "0085"}}, "areacode"),
        ({"card": {"mobile": "12345"}}, "mobile"),
        ({"identify_type": 2}, "identify_type"),
        ({"xaccount_type": "someone_else_IDP"}, "xaccount_type"),
        ({"verified_file_url": ["a.jpg", "b.jpg"]}, "verified_file_url"),
        ({"verified_file_url": ["https://bucket.example.com/download/a.jpg"]}, "verified_file_url"),
        ({"change_type": 1}, "change_type"),
        ({"name": ""}, "name"),
        ({"bank_card_info": None}, "bank_card_info"),
    ],
)
def test_invalid_bank_card_applications_are_cbc_0100(env: Env, overrides: dict[str, Any], field: str) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    body = bank_card_body(env, partner, customer, **json.loads(json.dumps(overrides)))
    if body.get("bank_card_info"):
        body["bank_card_info"]["verification_code"] = "123456"
    error = refused(lambda: apply(env, partner, body))
    assert (error.status_code, error.error_code) == (400, "CBC.0100")
    assert field in error.error_msg
    assert customer_row(env, customer).verified_status == -1


def test_wrong_attachment_format_is_cbc_99000100(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    error = refused(
        lambda: apply(
            env,
            partner,
            documents_body(env, partner, customer, verified_file_url=["a.jpg", "b.jpg", "c.exe"]),
        )
    )
    assert (error.status_code, error.error_code) == (400, "CBC.99000100")


def test_wrong_and_expired_codes(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    body = with_code(env, partner, customer)
    code = body["bank_card_info"]["verification_code"]
    body["bank_card_info"]["verification_code"] = f"{(int(code) + 1) % 10**6:06d}"
    error = refused(lambda: apply(env, partner, body))
    assert (error.status_code, error.error_code) == (400, "CBC.99000026")
    env.clock.advance(timedelta(minutes=10, seconds=1))
    body["bank_card_info"]["verification_code"] = code
    error = refused(lambda: apply(env, partner, body))
    assert (error.status_code, error.error_code) == (400, "CBC.99000027")
    assert customer_row(env, customer).verified_status == -1
    assert result(env, partner, customer).review_result is None


def test_code_sent_for_another_customer_does_not_fit(env: Env) -> None:
    partner = make_partner(env)
    customer, other = make_customer(env, partner), make_customer(env, partner)
    body = with_code(env, partner, other)
    body["customer_id"] = customer
    error = refused(lambda: apply(env, partner, body))
    assert (error.status_code, error.error_code) == (400, "CBC.99000026")


def test_another_partners_customer_is_cbc_99000035(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    foreign = make_customer(env, other)
    body = bank_card_body(env, partner, foreign)
    body["bank_card_info"]["verification_code"] = "123456"
    error = refused(lambda: apply(env, partner, body))
    assert (error.status_code, error.error_code) == (400, "CBC.99000035")


def test_verifier_refusal_is_recorded_and_attempts_are_limited(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(env.ctx.settings, "realname_max_attempts", 2)
    partner = make_partner(env)
    customer = make_customer(env, partner)
    for expected in ("CBC.99007255", "CBC.99007202"):
        name = "测试不符" if expected == "CBC.99007255" else "Test Failure"
        body = with_code(env, partner, customer, name=name)
        error = refused(partial(apply, env, partner, body))
        assert (error.status_code, error.error_code) == (400, expected)
        review = result(env, partner, customer)
        assert review.review_result == 1
        assert review.opinion
        assert customer_row(env, customer).verified_status == 1
        env.clock.advance(61)
    error = refused(lambda: apply(env, partner, with_code(env, partner, customer)))
    assert (error.status_code, error.error_code) == (400, "CBC.99007191")


def test_id_number_shared_by_too_many_customers(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env.ctx.settings, "realname_max_customers_per_id", 1)
    partner = make_partner(env)
    first, second = make_customer(env, partner), make_customer(env, partner)
    assert apply(env, partner, with_code(env, partner, first)).is_review == 0
    env.clock.advance(61)
    error = refused(lambda: apply(env, partner, with_code(env, partner, second)))
    assert (error.status_code, error.error_code) == (400, "CBC.99007189")


@pytest.fixture
def runner(env: Env, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PARTNERHUB_DATABASE_URL", env.ctx.settings.resolved_database_url())
    monkeypatch.setenv("PARTNERHUB_DATA_DIR", str(env.ctx.settings.data_dir))
    return CliRunner()


def test_documents_wait_for_manual_review_then_approval(env: Env, runner: CliRunner) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    assert apply(env, partner, documents_body(env, partner, customer)).is_review == 1
    assert result(env, partner, customer).review_result == 0
    assert customer_row(env, customer).verified_status == 0
    error = refused(lambda: apply(env, partner, documents_body(env, partner, customer)))
    assert (error.status_code, error.error_code) == (400, "CBC.99007188")

    pending = runner.invoke(app, ["realname", "pending", "--json"])
    assert pending.exit_code == 0, pending.output
    [entry] = json.loads(pending.stdout)
    assert entry["customer_id"] == customer
    assert entry["verified_number"] == "E12**5678"

    decided = runner.invoke(app, ["realname", "review", "--customer", customer, "--approve", "--json"])
    assert decided.exit_code == 0, decided.output
    assert json.loads(decided.stdout)["review_result"] == 2
    review = result(env, partner, customer)
    assert (review.review_result, review.opinion) == (2, None)
    row = customer_row(env, customer)
    assert (row.verified_status, row.real_name, row.customer_type) == (2, "Alice Smith", 0)
    again = runner.invoke(app, ["realname", "review", "--customer", customer, "--approve"])
    assert again.exit_code == 2


def test_documents_rejected_by_the_operator(env: Env, runner: CliRunner) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    permit = resident_id("81000019900307123")
    apply(env, partner, documents_body(env, partner, customer, verified_type=9, verified_number=permit))
    without_opinion = runner.invoke(app, ["realname", "review", "--customer", customer, "--reject"])
    assert without_opinion.exit_code == 2
    decided = runner.invoke(
        app, ["realname", "review", "--customer", customer, "--reject", "--opinion", "照片模糊"]
    )
    assert decided.exit_code == 0, decided.output
    review = result(env, partner, customer)
    assert (review.review_result, review.opinion) == (1, "照片模糊")
    assert customer_row(env, customer).verified_status == 1
    # Rejected customers may apply again.
    assert apply(env, partner, documents_body(env, partner, customer)).is_review == 1
    assert result(env, partner, customer).review_result == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"verified_type": None}, "verified_type"),
        ({"verified_type": 4}, "verified_type"),
        ({"verified_file_url": ["a.jpg"]}, "verified_file_url"),
        ({"verified_type": 9, "verified_number": resident_id()}, "verified_number"),  # not an 81/82 permit
        (
            {"verified_type": 10, "verified_number": wrong_check(resident_id("83000019900307123"))},
            "verified_number",
        ),
        ({"verified_number": "E1"}, "verified_number"),
    ],
)
def test_invalid_document_applications_are_cbc_0100(env: Env, overrides: dict[str, Any], field: str) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    error = refused(lambda: apply(env, partner, documents_body(env, partner, customer, **overrides)))
    assert (error.status_code, error.error_code) == (400, "CBC.0100")
    assert field in error.error_msg
