"""After a run through every flow that handles a secret, a dump of the whole database holds no verification
code (outside the development outbox), secret key, token, link token, password, ID or card number, and a full
mobile number only in the columns that are the number itself.

Log lines are scanned by tests/test_log_hygiene.py and tests/invitations/test_hygiene_and_docs.py; this is
the same promise for the data at rest, which a backup file carries too.
"""

from __future__ import annotations

import re
from decimal import Decimal

from huaweicloudsdkbss.v2 import AdjustAccountReq, UpdateCustomerAccountAmountRequest
from sqlalchemy import select

from partnerhub.db.session import session_scope
from partnerhub.funding.service import topup
from partnerhub.models import Base
from tests.auth.test_api_auth import _login
from tests.customers.helpers import create
from tests.invitations.helpers import distributor, invite, register, registration, registration_code
from tests.realname.test_realname_api import MOBILE as REALNAME_MOBILE
from tests.realname.test_realname_api import apply, luhn_card, resident_id, with_code
from tests.stepup.helpers import step_up_code
from tests.support import Env, bss_client, sent_code
from tests.verification.helpers import bind_by_partner, customer_token, send_code

FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
HEX_RUN = re.compile(r"[0-9a-f]{32,}")
"""Ids and digests: 11 decimal digits in a row inside one are chance (1 in ~300 digests), not a mobile."""
NUMBER_COLUMNS = {("customers", "mobile"), ("partners", "mobile")}
"""Where a full mobile is the data itself: the customer's and the partner's own number (the API answers it
masked, the owner reveals it through an audited call)."""
DEVELOPMENT_OUTBOX = "outbox_messages"
"""The ``outbox`` sender keeps each message, code and recipient included, for development and tests."""


def _dump(env: Env) -> dict[tuple[str, str], list[str]]:
    """Every non-empty value of every column of every table, as text, keyed by (table, column)."""
    dump: dict[tuple[str, str], list[str]] = {}
    with session_scope(env.ctx.sessions) as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is not None and str(value) != "":
                        dump.setdefault((table.name, column), []).append(str(value))
    return dump


def _holders(dump: dict[tuple[str, str], list[str]], secret: str) -> set[tuple[str, str]]:
    return {place for place, values in dump.items() if any(secret in value for value in values)}


def test_the_database_holds_no_secret_after_every_flow(env: Env) -> None:
    partner = distributor(env)
    _, partner_token = _login(env, partner.login, partner.password)
    # A customer registered with a code, one bound to a mobile with a code, real-name by bank card.
    send_code(env, partner, "13512345678")
    registration_code_sent = sent_code(env, "13512345678")
    created = create(
        env,
        partner,
        mobile_phone="13512345678",
        verification_code=registration_code_sent,
        password="Reg#istered2026",
        domain_name="atrest-customer",
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
    customer_login_token = customer_token(env, "atrest-customer", "Reg#istered2026")
    # Money, a step-up code, a reseller invitation and the reseller's public registration.
    with session_scope(env.ctx.sessions) as session:
        topup(session, env.ctx, partner_id=partner.id, amount_minor=100_00)
    bss_client(env, partner).update_customer_account_amount(
        UpdateCustomerAccountAmountRequest(
            body=AdjustAccountReq(customer_id=created.domain_id, amount=Decimal("12.34"))
        )
    )
    step_up = step_up_code(env, partner)
    env.clock.advance(61)  # the invitation code goes to the same number: past the resend cooldown
    link = invite(env, partner)
    reseller_code = registration_code(env, link, "13711112222")
    registered = register(env, link, registration("atrest-reseller", "13711112222", reseller_code))
    assert registered.status_code == 200, registered.text
    _, reseller_token = _login(env, "atrest-reseller", "Reseller#2026")

    dump = _dump(env)
    # The scan sees what it should: the outbox keeps the codes, the customer row its own number.
    assert _holders(dump, registration_code_sent) and ("customers", "mobile") in _holders(dump, "13512345678")
    codes = {registration_code_sent, bind_code, realname_code, step_up, reseller_code}
    for code in codes:
        assert _holders(dump, code) <= {(DEVELOPMENT_OUTBOX, "body")} | _outbox_columns(dump), code
    secrets = {
        "secret key": partner.secret_key,
        "partner token": str(partner_token),
        "customer token": customer_login_token,
        "reseller token": str(reseller_token),
        "link token": link.token,
        "partner password": partner.password,
        "customer password": "Reg#istered2026",
        "reseller password": "Reseller#2026",
        "ID number": resident_id(),
        "card number": luhn_card(),
    }
    for name, secret in secrets.items():
        assert not _holders(dump, secret), (name, _holders(dump, secret))
    spread = {
        place
        for place, values in dump.items()
        if place not in NUMBER_COLUMNS
        and place[0] != DEVELOPMENT_OUTBOX
        and any(FULL_MOBILE.search(HEX_RUN.sub(" ", value)) for value in values)
    }
    assert not spread, spread
    assert not _holders(dump, REALNAME_MOBILE) - _outbox_columns(dump) - NUMBER_COLUMNS


def _outbox_columns(dump: dict[tuple[str, str], list[str]]) -> set[tuple[str, str]]:
    return {place for place in dump if place[0] == DEVELOPMENT_OUTBOX}
