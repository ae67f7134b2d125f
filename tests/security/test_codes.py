"""Verification codes under attack: enumeration tells nothing, brute force stops at the attempt limit, and
the limit holds when 20 checks of one code arrive together (threads against the live server).

The sequential rules (three wrong then refused even with the right code, single use, expiry) are proven in
tests/verification/test_code_checks.py; this file adds what an attacker would try on top.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import httpx
from sqlalchemy import func, select

from partnerhub.db.session import session_scope
from partnerhub.verification.models import VerificationCode
from tests.customers.helpers import platform_of
from tests.support import Env, PartnerHandle, make_customer, make_partner, sent_code, signed_call
from tests.verification.helpers import SEND_PATH, bind_by_partner, customer_mobile

REGISTERED = "13712340001"
UNKNOWN = "13712340002"
WRONG, EXHAUSTED = "CBC.99004010", "CBC.99004009"


def _wrong(code: str, offset: int = 1) -> str:
    return f"{(int(code) + offset) % 1_000_000:06d}"


def _shape(response: httpx.Response) -> tuple[int, str, tuple[str, ...]]:
    """What a caller can compare: status, error code and the body's keys (request ids differ anyway)."""
    if not response.content:
        return response.status_code, "", ()
    body = response.json()
    return response.status_code, body.get("error_code", ""), tuple(sorted(body))


def _send(env: Env, partner: PartnerHandle, mobile: str, **extra: object) -> httpx.Response:
    return signed_call(env, partner, "POST", SEND_PATH, {"receiver_type": 1, "mobile_phone": mobile, **extra})


def test_send_and_check_look_the_same_for_a_registered_and_an_unknown_number(env: Env) -> None:
    partner = make_partner(env)
    make_customer(env, partner, mobile=REGISTERED)  # REGISTERED belongs to a customer already
    sent = [_send(env, partner, mobile) for mobile in (REGISTERED, UNKNOWN)]
    assert _shape(sent[0]) == _shape(sent[1]) == (204, "", ())
    assert sent[0].headers.keys() == sent[1].headers.keys()

    # Checking a wrong code: registration and binding answer alike for both numbers.
    created = [
        signed_call(
            env,
            partner,
            "POST",
            "/v2/partners/sub-customers",
            {
                "xaccount_type": platform_of(env, partner),
                "xaccount_id": f"x-{mobile}",
                "mobile_phone": mobile,
                "verification_code": _wrong(sent_code(env, mobile)),
            },
        )
        for mobile in (REGISTERED, UNKNOWN)
    ]
    assert _shape(created[0]) == _shape(created[1])
    assert created[0].json()["error_code"] in (WRONG, "CBC.99004008")
    bare = make_customer(env, partner)
    env.clock.advance(61)
    bound = []
    for mobile in (REGISTERED, UNKNOWN):
        assert _send(env, partner, mobile, scene=30, customer_id=bare).status_code == 204
        bound.append(bind_by_partner(env, partner, bare, mobile, _wrong(sent_code(env, mobile))))
    assert _shape(bound[0]) == _shape(bound[1]) == (400, WRONG, ("error_code", "error_msg"))
    assert bound[0].json() == bound[1].json()
    # Sending again inside the cooldown is refused the same way for both.
    again = [_send(env, partner, mobile, scene=30, customer_id=bare) for mobile in (REGISTERED, UNKNOWN)]
    assert _shape(again[0]) == _shape(again[1])
    assert again[0].headers.get("Retry-After") == again[1].headers.get("Retry-After")


def _race(count: int, attempt: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    gate = Barrier(count)

    def run(index: int) -> httpx.Response:
        gate.wait()
        return attempt(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _outcomes(responses: list[httpx.Response]) -> Counter[str]:
    return Counter(
        "ok" if response.status_code == 204 else f"{response.status_code} {response.json()['error_code']}"
        for response in responses
    )


def _prepared(env: Env) -> tuple[PartnerHandle, str, str, str]:
    partner = make_partner(env)
    customer = make_customer(env, partner)
    mobile = "13712340003"
    assert _send(env, partner, mobile, scene=30, customer_id=customer).status_code == 204
    return partner, customer, mobile, sent_code(env, mobile)


def _failed_checks(env: Env) -> int:
    with session_scope(env.ctx.sessions) as session:
        return session.scalar(select(func.max(VerificationCode.failed_checks))) or 0


def test_twenty_concurrent_wrong_checks_spend_at_most_the_limit(env: Env) -> None:
    partner, customer, mobile, code = _prepared(env)
    limit = env.ctx.settings.code_max_failed_checks
    outcomes = _outcomes(
        _race(20, lambda i: bind_by_partner(env, partner, customer, mobile, _wrong(code, i + 1)))
    )
    assert set(outcomes) <= {f"400 {WRONG}", f"400 {EXHAUSTED}"}, outcomes
    assert outcomes[f"400 {WRONG}"] <= limit, outcomes
    assert _failed_checks(env) == limit, outcomes
    # The limit was reached: the right code is refused now.
    assert bind_by_partner(env, partner, customer, mobile, code).json()["error_code"] == EXHAUSTED
    assert customer_mobile(env, customer) is None


def test_twenty_concurrent_right_checks_succeed_once(env: Env) -> None:
    partner, customer, mobile, code = _prepared(env)
    outcomes = _outcomes(_race(20, lambda _: bind_by_partner(env, partner, customer, mobile, code)))
    assert outcomes["ok"] == 1, outcomes
    assert customer_mobile(env, customer) == mobile


def test_a_right_code_hidden_among_nineteen_wrong_ones_wins_at_most_once(env: Env) -> None:
    partner, customer, mobile, code = _prepared(env)
    limit = env.ctx.settings.code_max_failed_checks
    guesses = [code if index == 10 else _wrong(code, index + 1) for index in range(20)]
    outcomes = _outcomes(_race(20, lambda i: bind_by_partner(env, partner, customer, mobile, guesses[i])))
    assert outcomes["ok"] <= 1, outcomes
    # Counted at the source: a guess that reads the code after the right one used it is answered "wrong"
    # too, without counting, so the answers alone may show more than the limit.
    assert _failed_checks(env) <= limit, outcomes
    assert (customer_mobile(env, customer) == mobile) is (outcomes["ok"] == 1)


def test_guessing_across_fresh_codes_is_bounded_by_the_send_limits(env: Env) -> None:
    """A brute forcer who asks for a new code after each three misses meets the resend cooldown first."""
    partner, customer, mobile, code = _prepared(env)
    for offset in range(1, 4):
        bind_by_partner(env, partner, customer, mobile, _wrong(code, offset))
    resend = _send(env, partner, mobile, scene=30, customer_id=customer)
    assert (resend.status_code, resend.json()["error_code"]) == (400, "CBC.99004016")
    assert int(resend.headers["Retry-After"]) >= 1
