"""Checking codes: wrong, expired, exhausted, single use, superseded — through the bind-mobile consumer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from partnerhub.db.session import session_scope
from partnerhub.errors import ApiError
from partnerhub.verification.service import REGISTRATION_ERRORS, Scene, check_code
from partnerhub.verification.service import send_code as engine_send
from tests.support import Env, make_customer, make_partner, sent_code
from tests.verification.helpers import bind_by_partner, customer_mobile, error_of, send_code

MOBILE = "13712345678"


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_wrong_code_is_refused_and_nothing_is_bound(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    send_code(env, partner, MOBILE, scene=30, customer_id=customer)
    response = bind_by_partner(env, partner, customer, MOBILE, _wrong(sent_code(env, MOBILE)))
    assert error_of(response) == (400, "CBC.99004010")
    assert customer_mobile(env, customer) is None


@pytest.mark.parametrize(
    ("elapsed", "accepted"),
    [(timedelta(minutes=9, seconds=59), True), (timedelta(minutes=10, seconds=1), False)],
)
def test_code_lives_ten_minutes(env: Env, elapsed: timedelta, accepted: bool) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    send_code(env, partner, MOBILE, scene=30, customer_id=customer)
    env.clock.advance(elapsed)
    response = bind_by_partner(env, partner, customer, MOBILE, sent_code(env, MOBILE))
    if accepted:
        assert response.status_code == 204
        assert customer_mobile(env, customer) == MOBILE
    else:
        assert error_of(response) == (400, "CBC.99004008")
        assert customer_mobile(env, customer) is None


@pytest.mark.parametrize(
    ("elapsed", "accepted"),
    [(timedelta(minutes=4, seconds=59), True), (timedelta(minutes=5, seconds=1), False)],
)
def test_timeout_above_60_lives_five_minutes(env: Env, elapsed: timedelta, accepted: bool) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    send_code(env, partner, MOBILE, scene=30, customer_id=customer, timeout=120)
    env.clock.advance(elapsed)
    response = bind_by_partner(env, partner, customer, MOBILE, sent_code(env, MOBILE))
    assert (response.status_code == 204) is accepted


def test_fourth_attempt_is_refused_even_with_the_right_code(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    send_code(env, partner, MOBILE, scene=30, customer_id=customer)
    code = sent_code(env, MOBILE)
    for _ in range(3):
        assert error_of(bind_by_partner(env, partner, customer, MOBILE, _wrong(code))) == (
            400,
            "CBC.99004010",
        )
    assert error_of(bind_by_partner(env, partner, customer, MOBILE, code)) == (400, "CBC.99004009")
    assert error_of(bind_by_partner(env, partner, customer, MOBILE, code)) == (400, "CBC.99004009")
    assert customer_mobile(env, customer) is None
    # A new code starts afresh.
    env.clock.advance(61)
    send_code(env, partner, MOBILE, scene=30, customer_id=customer)
    assert bind_by_partner(env, partner, customer, MOBILE, sent_code(env, MOBILE)).status_code == 204


def test_three_wrong_then_right_is_accepted(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    send_code(env, partner, MOBILE, scene=30, customer_id=customer)
    code = sent_code(env, MOBILE)
    for _ in range(2):
        bind_by_partner(env, partner, customer, MOBILE, _wrong(code))
    assert bind_by_partner(env, partner, customer, MOBILE, code).status_code == 204


def test_newer_code_supersedes_the_older_one(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    send_code(env, partner, MOBILE, scene=30, customer_id=customer)
    first = sent_code(env, MOBILE)
    env.clock.advance(61)
    send_code(env, partner, MOBILE, scene=30, customer_id=customer)
    second = sent_code(env, MOBILE)
    if first != second:
        assert error_of(bind_by_partner(env, partner, customer, MOBILE, first)) == (400, "CBC.99004010")
    assert bind_by_partner(env, partner, customer, MOBILE, second).status_code == 204


def test_code_of_another_scene_or_customer_does_not_fit(env: Env) -> None:
    partner = make_partner(env)
    customer, other = make_customer(env, partner), make_customer(env, partner)
    send_code(env, partner, MOBILE, scene=18, customer_id=customer)
    real_name_code = sent_code(env, MOBILE)
    assert error_of(bind_by_partner(env, partner, customer, MOBILE, real_name_code)) == (400, "CBC.99004010")
    env.clock.advance(61)
    send_code(env, partner, MOBILE, scene=30, customer_id=other)
    assert error_of(bind_by_partner(env, partner, customer, MOBILE, sent_code(env, MOBILE))) == (
        400,
        "CBC.99004010",
    )


def test_a_code_is_single_use(env: Env) -> None:
    partner = make_partner(env)
    with session_scope(env.ctx.sessions) as session:
        engine_send(session, env.ctx, scene=Scene.REGISTRATION, target=MOBILE, partner_id=partner.id)
    code = sent_code(env, MOBILE)

    def check() -> None:
        with session_scope(env.ctx.sessions) as session:
            check_code(
                session,
                env.ctx,
                scene=Scene.REGISTRATION,
                target=MOBILE,
                partner_id=partner.id,
                code=code,
                errors=REGISTRATION_ERRORS,
            )

    check()
    with pytest.raises(ApiError) as raised:
        check()
    assert raised.value.code == "CBC.99004010"


def test_no_code_at_all_is_a_wrong_code(env: Env) -> None:
    partner = make_partner(env)
    with session_scope(env.ctx.sessions) as session, pytest.raises(ApiError) as raised:
        check_code(
            session,
            env.ctx,
            scene=Scene.REGISTRATION,
            target=MOBILE,
            partner_id=partner.id,
            code="123456",
            errors=REGISTRATION_ERRORS,
        )
    assert raised.value.code == "CBC.99004010"
