"""``GET/PUT /v2/partners/settings`` and ``POST /v2/partners/step-up/verification-code``."""

from __future__ import annotations

import json
from datetime import timedelta

from partnerhub.verification.models import VerificationCode
from partnerhub.verification.service import Scene
from tests.stepup.helpers import (
    SEND_STEP_UP,
    SETTINGS,
    call,
    error_code,
    events,
    failures,
    partner_with_contact,
    set_toggles,
    step_up_code,
    toggles,
)
from tests.support import Env, sent_code, signed_call

MOBILE = "13900001111"
EMAIL = "ops@distributor.example"


def test_settings_default_off_and_show_where_codes_go_masked(env: Env) -> None:
    partner = partner_with_contact(env, mobile=MOBILE)
    assert signed_call(env, partner, "GET", SETTINGS).json() == {
        "step_up_required": False,
        "step_up_api": False,
        "step_up_channel": "mobile",
        "step_up_target": "139****1111",
    }
    bare = partner_with_contact(env, mobile=None)
    assert signed_call(env, bare, "GET", SETTINGS).json()["step_up_target"] is None


def test_switching_on_needs_no_code_and_is_audited(env: Env) -> None:
    partner = partner_with_contact(env, mobile=MOBILE)
    response = call(env, partner, "PUT", SETTINGS, {"step_up_api": True})
    assert response.status_code == 200, response.text
    assert response.json()["step_up_api"] is True and response.json()["step_up_required"] is False
    assert toggles(env, partner) == (False, True, "mobile")
    (event,) = events(env, "settings.changed", partner)
    assert json.loads(event.details) == {
        "before": {"step_up_required": False, "step_up_api": False, "step_up_channel": "mobile"},
        "after": {"step_up_required": False, "step_up_api": True, "step_up_channel": "mobile"},
    }
    assert event.actor == f"partner:{partner.id}"
    # Nothing changes, nothing is written.
    assert (
        call(env, partner, "PUT", SETTINGS, {"step_up_required": False}).status_code == 403
    )  # api is on now
    assert len(events(env, "settings.changed", partner)) == 1


def test_switching_the_api_toggle_off_needs_a_code(env: Env) -> None:
    partner = partner_with_contact(env, mobile=MOBILE)
    set_toggles(env, partner, step_up_api=True)
    refused = call(env, partner, "PUT", SETTINGS, {"step_up_api": False})
    assert error_code(refused) == (403, "CBC.99100301")
    assert toggles(env, partner) == (False, True, "mobile")
    assert events(env, "settings.changed", partner) == []
    assert failures(env, partner) == [
        {"operation": "settings_change", "reason": "missing", "interface": "api"}
    ]
    allowed = call(env, partner, "PUT", SETTINGS, {"step_up_api": False}, code=step_up_code(env, partner))
    assert allowed.status_code == 200 and allowed.json()["step_up_api"] is False
    assert toggles(env, partner) == (False, False, "mobile")


def test_switching_the_console_toggle_off_needs_a_code_even_from_the_api(env: Env) -> None:
    partner = partner_with_contact(env, mobile=MOBILE)
    set_toggles(env, partner, step_up_required=True)  # the API toggle is off: API calls are exempt...
    assert call(env, partner, "PUT", SETTINGS, {"step_up_api": True}).status_code == 200  # ...tightening is
    set_toggles(env, partner, step_up_api=False)
    refused = call(env, partner, "PUT", SETTINGS, {"step_up_required": False})  # ...weakening is not
    assert error_code(refused) == (403, "CBC.99100301")
    assert toggles(env, partner)[0] is True
    code = step_up_code(env, partner)
    assert call(env, partner, "PUT", SETTINGS, {"step_up_required": False}, code=code).status_code == 200
    assert toggles(env, partner) == (False, False, "mobile")


def test_changing_the_channel_while_on_needs_a_code_from_the_current_channel(env: Env) -> None:
    partner = partner_with_contact(env, mobile=MOBILE, email=EMAIL)
    set_toggles(env, partner, step_up_required=True)
    assert error_code(call(env, partner, "PUT", SETTINGS, {"step_up_channel": "email"})) == (
        403,
        "CBC.99100301",
    )
    code = step_up_code(env, partner, MOBILE)
    moved = call(env, partner, "PUT", SETTINGS, {"step_up_channel": "email"}, code=code)
    assert moved.status_code == 200
    assert (
        moved.json()["step_up_channel"] == "email"
        and moved.json()["step_up_target"] == "o***s@distributor.example"
    )
    # Codes now go to the e-mail address.
    env.clock.advance(timedelta(seconds=61))
    assert signed_call(env, partner, "POST", SEND_STEP_UP).status_code == 204
    assert len(sent_code(env, EMAIL)) == 6


def test_a_toggle_needs_an_address_on_its_channel(env: Env) -> None:
    partner = partner_with_contact(env, mobile=MOBILE, email=None)
    refused = call(env, partner, "PUT", SETTINGS, {"step_up_api": True, "step_up_channel": "email"})
    assert error_code(refused) == (400, "CBC.99100305")
    assert toggles(env, partner) == (False, False, "mobile")
    # With every toggle off, the channel may point anywhere (nothing is sent).
    assert call(env, partner, "PUT", SETTINGS, {"step_up_channel": "email"}).status_code == 200
    assert error_code(signed_call(env, partner, "POST", SEND_STEP_UP)) == (400, "CBC.99100305")


def test_settings_refuse_malformed_bodies(env: Env) -> None:
    partner = partner_with_contact(env, mobile=MOBILE)
    for body in (
        {"step_up_api": "yes"},
        {"step_up_channel": "fax"},
        {"step_up_apii": True},
        {"step_up_api": 1},
    ):
        assert error_code(call(env, partner, "PUT", SETTINGS, body)) == (400, "CBC.0100"), body
    assert toggles(env, partner) == (False, False, "mobile")


def test_the_step_up_code_goes_only_to_the_partners_own_contact(env: Env) -> None:
    partner = partner_with_contact(env, mobile=MOBILE)
    response = signed_call(env, partner, "POST", SEND_STEP_UP, {"mobile_phone": "13700000000"})
    assert response.status_code == 204
    assert len(sent_code(env, MOBILE)) == 6
    from sqlalchemy import select

    from partnerhub.db.session import session_scope

    with session_scope(env.ctx.sessions) as session:
        rows = list(session.scalars(select(VerificationCode)))
        assert [(row.scene, row.channel, row.partner_id) for row in rows] == [
            (int(Scene.STEP_UP), "sms", partner.id)
        ]
        assert (rows[0].expires_at - rows[0].created_at) == timedelta(minutes=5)
    # The resend cool-down of every code applies.
    assert error_code(signed_call(env, partner, "POST", SEND_STEP_UP)) == (400, "CBC.99004016")
    bare = partner_with_contact(env, mobile=None)
    assert error_code(signed_call(env, bare, "POST", SEND_STEP_UP)) == (400, "CBC.99100305")
