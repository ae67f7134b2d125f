"""SMS cool-down and caps hold under concurrency, per (partner, target), under a platform-wide ceiling."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from partnerhub.db.session import session_scope
from partnerhub.verification.models import OutboxMessage
from tests.support import Env, PartnerHandle, make_partner, signed_call
from tests.verification.helpers import SEND_PATH, send_code

MOBILE = "13912345678"


def _send(env: Env, partner: PartnerHandle, mobile: str = MOBILE) -> httpx.Response:
    return signed_call(
        env, partner, "POST", SEND_PATH, {"receiver_type": 1, "mobile_phone": mobile, "scene": 29}
    )


def _delivered(env: Env) -> int:
    with session_scope(env.ctx.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def test_twenty_concurrent_sends_deliver_one_code_per_partner(env: Env) -> None:
    if env.ctx.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises every writer; the race needs PostgreSQL")
    partners = [make_partner(env), make_partner(env)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda index: _send(env, partners[index % 2]), range(20)))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [204, 204] + [400] * 18
    assert {r.json()["error_code"] for r in responses if r.status_code == 400} == {"CBC.99004016"}
    assert _delivered(env) == 2


def test_one_partner_sending_does_not_refuse_another(env: Env) -> None:
    first, second = make_partner(env), make_partner(env)
    assert _send(env, first).status_code == 204
    assert _send(env, second).status_code == 204  # no oracle: B learns nothing of A's code
    refused = _send(env, first)
    assert (refused.status_code, refused.json()["error_code"]) == (400, "CBC.99004016")


def test_one_partner_cannot_exhaust_a_number_for_everyone(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(env.ctx.settings, "code_send_per_hour", 2)
    first, second = make_partner(env), make_partner(env)
    for _ in range(2):
        send_code(env, first, MOBILE)
        env.clock.advance(61)
    assert _send(env, first).json()["error_code"] == "CBC.99004015"
    assert _send(env, second).status_code == 204


def test_a_platform_ceiling_bounds_what_one_number_receives(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(env.ctx.settings, "code_target_daily_ceiling", 2)
    partners = [make_partner(env) for _ in range(3)]
    assert _send(env, partners[0]).status_code == 204
    assert _send(env, partners[1]).status_code == 204
    refused = _send(env, partners[2])
    assert (refused.status_code, refused.json()["error_code"]) == (400, "CBC.99004015")
    assert int(refused.headers["Retry-After"]) > 23 * 3600
    assert _send(env, partners[2], "13912340000").status_code == 204  # another number is untouched
