"""Sending verification codes (SPEC A.2) through the official SDK against the live server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from sqlalchemy import select

from partnerhub.db.session import session_scope
from partnerhub.verification.models import OutboxMessage, VerificationCode
from tests.support import Env, make_customer, make_partner, sent_code, signed_call
from tests.verification.helpers import SEND_PATH, send_code

MOBILE = "13912345678"


def _refused(call: Callable[[], Any]) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as raised:
        call()
    return raised.value


def test_send_answers_204_and_the_outbox_holds_the_code(env: Env) -> None:
    partner = make_partner(env)
    response = send_code(env, partner, MOBILE)
    assert response.status_code == 204
    code = sent_code(env, MOBILE)
    assert len(code) == 6
    assert code.isdigit()
    assert sent_code(env, "+86" + MOBILE) == code  # any accepted spelling of the number finds it
    with session_scope(env.ctx.sessions) as session:
        message = session.scalars(select(OutboxMessage)).one()
        stored = session.scalars(select(VerificationCode)).one()
    assert message.scene == 29
    assert message.language == "zh-cn"
    assert code in message.body
    assert "验证码" in message.body
    # Neither the code nor the number is kept in clear by the engine.
    row = " ".join(str(value) for value in vars(stored).values())
    assert code not in row
    assert MOBILE not in row
    assert stored.expires_at - stored.created_at == timedelta(minutes=10)


def test_english_message_when_lang_is_en_us(env: Env) -> None:
    partner = make_partner(env)
    send_code(env, partner, MOBILE, lang="en-us")
    with session_scope(env.ctx.sessions) as session:
        message = session.scalars(select(OutboxMessage)).one()
    assert message.language == "en-us"
    assert "verification code" in message.body


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"receiver_type": 2}, "receiver_type"),
        ({"mobile": "12345"}, "mobile_phone"),
        ({"mobile": "010-12345678"}, "mobile_phone"),
        ({"scene": 17}, "scene"),
        ({"lang": "fr-fr"}, "lang"),
        ({"scene": 18}, "customer_id"),
        ({"scene": 30}, "customer_id"),
        ({"timeout": 0}, "timeout"),
    ],
)
def test_invalid_requests_answer_cbc_0100_naming_the_field(
    env: Env, kwargs: dict[str, Any], field: str
) -> None:
    partner = make_partner(env)
    kwargs = dict(kwargs)  # the parameter dict is shared by both backends' runs
    mobile = str(kwargs.pop("mobile", MOBILE))
    error = _refused(lambda: send_code(env, partner, mobile, **kwargs))
    assert (error.status_code, error.error_code) == (400, "CBC.0100")
    assert field in error.error_msg


def test_scene_18_for_a_missing_or_foreign_customer_is_cbc_99000035(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    foreign = make_customer(env, other)
    for customer_id in (foreign, "0" * 32):
        error = _refused(partial(send_code, env, partner, MOBILE, scene=18, customer_id=customer_id))
        assert (error.status_code, error.error_code) == (400, "CBC.99000035")


def test_scene_18_for_own_customer_is_sent(env: Env) -> None:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    assert send_code(env, partner, MOBILE, scene=18, customer_id=customer).status_code == 204
    with session_scope(env.ctx.sessions) as session:
        stored = session.scalars(select(VerificationCode)).one()
    assert (stored.scene, stored.customer_id, stored.partner_id) == (18, customer, partner.id)


@pytest.mark.parametrize(("timeout", "minutes"), [(None, 10), (1, 1), (60, 60), (61, 5), (3000, 5)])
def test_timeout_sets_the_lifetime_and_above_60_means_5(env: Env, timeout: int | None, minutes: int) -> None:
    partner = make_partner(env)
    send_code(env, partner, MOBILE, timeout=timeout)
    with session_scope(env.ctx.sessions) as session:
        stored = session.scalars(select(VerificationCode)).one()
    assert stored.expires_at - stored.created_at == timedelta(minutes=minutes)


def test_resend_cooldown_answers_cbc_99004016_with_retry_after(env: Env) -> None:
    partner = make_partner(env)
    send_code(env, partner, MOBILE)
    env.clock.advance(30)
    response = signed_call(env, partner, "POST", SEND_PATH, {"receiver_type": 1, "mobile_phone": MOBILE})
    assert (response.status_code, response.json()["error_code"]) == (400, "CBC.99004016")
    assert response.headers["Retry-After"] == "30"
    env.clock.advance(30)
    assert send_code(env, partner, MOBILE).status_code == 204


def test_fifteen_per_hour_then_allowed_again_after_the_hour(env: Env) -> None:
    partner = make_partner(env)
    for _ in range(15):
        send_code(env, partner, MOBILE)
        env.clock.advance(61)
    error = _refused(lambda: send_code(env, partner, MOBILE))
    assert (error.status_code, error.error_code) == (400, "CBC.99004015")
    assert send_code(env, partner, "13912340000").status_code == 204  # the limit is per number
    env.clock.advance(timedelta(hours=1) - timedelta(seconds=15 * 61) + timedelta(seconds=1))
    assert send_code(env, partner, MOBILE).status_code == 204


def test_sixty_per_day_then_allowed_again_after_the_day(env: Env) -> None:
    partner = make_partner(env)
    for _hour in range(4):
        for _ in range(15):
            send_code(env, partner, MOBILE)
            env.clock.advance(61)
        env.clock.advance(timedelta(hours=1))
    # The last hour is empty, yet the day already holds 60 codes.
    error = _refused(lambda: send_code(env, partner, MOBILE))
    assert (error.status_code, error.error_code) == (400, "CBC.99004015")
    env.clock.advance(timedelta(hours=20))
    assert send_code(env, partner, MOBILE).status_code == 204


def test_partner_daily_cap_against_sms_pumping(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env.ctx.settings, "code_partner_daily_cap", 3)
    partner, other = make_partner(env), make_partner(env)
    for index in range(3):
        send_code(env, partner, f"1391234{index:04d}")
    error = _refused(lambda: send_code(env, partner, "13912349999"))
    assert (error.status_code, error.error_code) == (400, "CBC.99004017")
    assert send_code(env, other, "13912349999").status_code == 204
    env.clock.advance(timedelta(days=1))
    assert send_code(env, partner, "13912349998").status_code == 204


def test_customer_token_cannot_use_the_partner_send_operation(env: Env) -> None:
    from tests.verification.helpers import CUSTOMER_PASSWORD, customer_token

    partner = make_partner(env)
    make_customer(env, partner, name="tokencustomer", password=CUSTOMER_PASSWORD)
    token = customer_token(env, "tokencustomer")
    response = env.http.post(
        SEND_PATH, json={"receiver_type": 1, "mobile_phone": MOBILE}, headers={"X-Auth-Token": token}
    )
    assert (response.status_code, response.json()["error_code"]) == (403, "CBC.0151")
