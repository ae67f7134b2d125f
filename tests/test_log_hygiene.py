"""A full run's log lines carry request ids, never a secret key, token, code or full mobile number."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest

from partnerhub.logs import JsonFormatter
from tests.auth.test_api_auth import _login
from tests.support import Env, bss_client, make_customer, make_partner, signed_call

FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    # Only what the server writes: the test's own HTTP clients log their responses, tokens included.
    server_side = ("partnerhub", "uvicorn", "sqlalchemy", "alembic", "fastapi", "starlette")
    handler.addFilter(lambda record: record.name.startswith(server_side))
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_level)


def test_logs_hold_no_secrets_and_no_full_mobiles(env: Env, captured_logs: io.StringIO) -> None:
    from huaweicloudsdkbss.v2 import CheckSubcustomerUserReq, CheckUserIdentityRequest

    partner = make_partner(env, mobile="13811112222")
    make_customer(env, partner, mobile="13933334444", name="logcheck01", password="Log#check2026")
    client = bss_client(env, partner)
    client.check_user_identity(
        CheckUserIdentityRequest(
            body=CheckSubcustomerUserReq(search_type="mobile", search_value="0086-13933334444")
        )
    )
    signed_call(
        env,
        partner,
        "POST",
        "/v2/partners/sub-customers/users/check-identity",
        {"search_type": "mobile", "search_value": "0086-13955556666x"},
    )
    _, token = _login(env, partner.login, partner.password)
    _, customer_token = _login(env, "logcheck01", "Log#check2026")
    env.http.post(
        "/v2/partners/sub-customers/users/check-identity",
        headers={"X-Auth-Token": str(token)},
        json={"search_type": "mobile", "search_value": "0086-13977778888"},
    )
    _login(env, partner.login, "wrong-" + partner.password)
    env.http.get("/nowhere")

    text = captured_logs.getvalue()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert any(line.get("message") == "request" and line.get("request_id") for line in lines)
    for secret in (partner.secret_key, str(token), str(customer_token), partner.password, "Log#check2026"):
        assert secret not in text
    assert not FULL_MOBILE.search(text), FULL_MOBILE.findall(text)


def test_onboarding_and_money_logs_hold_no_codes_ids_cards_or_mobiles(
    env: Env, captured_logs: io.StringIO
) -> None:
    """Send codes, create a customer with a mobile, bind a mobile, real-name by bank card, fund it."""
    from decimal import Decimal

    from huaweicloudsdkbss.v2 import AdjustAccountReq, UpdateCustomerAccountAmountRequest

    from partnerhub.db.session import session_scope
    from partnerhub.funding.service import topup
    from tests.customers.helpers import create
    from tests.realname.test_realname_api import MOBILE, apply, luhn_card, resident_id, with_code
    from tests.support import sent_code
    from tests.verification.helpers import bind_by_partner, send_code

    partner = make_partner(env)
    send_code(env, partner, "13512345678")
    registration_code = sent_code(env, "13512345678")
    created = create(
        env,
        partner,
        mobile_phone="13512345678",
        verification_code=registration_code,
        password="Reg#istered2026",
    )
    bare = create(env, partner)
    env.clock.advance(61)
    send_code(env, partner, "13612345678", scene=30, customer_id=bare.domain_id)
    bind_code = sent_code(env, "13612345678")
    assert bind_by_partner(env, partner, bare.domain_id, "13612345678", bind_code).status_code == 204
    env.clock.advance(61)
    body = with_code(env, partner, created.domain_id)
    realname_code = body["bank_card_info"]["verification_code"]
    assert apply(env, partner, body).status_code == 200
    with session_scope(env.ctx.sessions) as session:
        topup(session, env.ctx, partner_id=partner.id, amount_minor=100_00)
    bss_client(env, partner).update_customer_account_amount(
        UpdateCustomerAccountAmountRequest(
            body=AdjustAccountReq(customer_id=created.domain_id, amount=Decimal("12.34"))
        )
    )

    text = captured_logs.getvalue()
    for secret in (
        registration_code,
        bind_code,
        realname_code,
        resident_id(),
        luhn_card(),
        partner.secret_key,
        "Reg#istered2026",
    ):
        assert secret not in text, secret
    assert not FULL_MOBILE.search(text), FULL_MOBILE.findall(text)
    assert MOBILE not in text
