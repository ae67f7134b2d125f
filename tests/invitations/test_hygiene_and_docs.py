"""No link token, code, password or full mobile in any log line; the OpenAPI document describes the routes."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest

from partnerhub.logs import JsonFormatter, configure_logging
from tests.invitations.helpers import (
    INVITATION_CODE,
    INVITATIONS,
    PASSWORD,
    distributor,
    invite,
    public,
    register,
    registration,
    registration_code,
)
from tests.stepup.helpers import SEND_STEP_UP, set_toggles
from tests.support import Env, sent_code, signed_call

FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def server_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    # What the server writes. uvicorn's own access line (it prints the raw path) is disabled by
    # configure_logging in every real server (test_uvicorn_access_lines_are_off_in_real_servers).
    handler.addFilter(
        lambda r: (
            r.name.startswith(("partnerhub", "uvicorn", "sqlalchemy", "fastapi"))
            and r.name != "uvicorn.access"
        )
    )
    root = logging.getLogger()
    saved = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(saved)


def test_invitation_registration_and_step_up_logs_hold_no_secrets(env: Env, server_logs: io.StringIO) -> None:
    partner = distributor(env)
    secrets: list[str] = []
    link = invite(env, partner)
    secrets += [link.token, sent_code(env, "13900001111")]
    assert public(env, "GET", f"/{link.token}").status_code == 200
    assert public(env, "GET", f"/{link.token}x").status_code == 404
    code = registration_code(env, link, "13811112222")
    secrets.append(code)
    assert (
        register(
            env, link, registration("log-reseller", "13811112222", "000000" if code != "000000" else "1")
        ).status_code
        == 400
    )
    assert register(env, link, registration("log-reseller", "13811112222", code)).status_code == 200
    assert register(env, link, registration("log-reseller2", "13811113333", code)).status_code == 410
    set_toggles(env, partner, step_up_api=True)
    env.clock.advance(61)
    assert signed_call(env, partner, "POST", SEND_STEP_UP).status_code == 204
    step_up = sent_code(env, "13900001111")
    secrets.append(step_up)
    signed_call(
        env, partner, "DELETE", f"{INVITATIONS}/{'0' * 32}", extra_headers={"X-Verification-Code": step_up}
    )
    signed_call(
        env, partner, "DELETE", f"{INVITATIONS}/{'0' * 32}", extra_headers={"X-Verification-Code": step_up}
    )

    text = server_logs.getvalue()
    assert (
        '"route": "/v2/public/reseller-registrations/{token}"' in text
        or "reseller-registrations/{token}" in text
    )
    for secret in (*secrets, PASSWORD, partner.secret_key):
        assert secret not in text
    assert not FULL_MOBILE.search(text), FULL_MOBILE.findall(text)


def test_uvicorn_access_lines_are_off_in_real_servers() -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    access = logging.getLogger("uvicorn.access")
    saved_disabled = access.disabled
    try:
        configure_logging("INFO", json_lines=True)
        assert access.disabled
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        access.disabled = saved_disabled


def test_openapi_describes_every_new_route_with_its_codes(env: Env) -> None:
    document = env.http.get("/openapi.json").json()
    paths = document["paths"]
    expected = {
        ("post", INVITATION_CODE): ("CBC.99100305", "CBC.99004016"),
        ("post", INVITATIONS): ("CBC.99000026", "CBC.99000027", "CBC.99004009"),
        ("get", INVITATIONS): (),
        ("delete", f"{INVITATIONS}/{{invitation_id}}"): ("CBC.99100201", "CBC.99100206", "CBC.99100301"),
        ("get", "/v2/public/reseller-registrations/{token}"): (
            "CBC.99100202",
            "CBC.99100203",
            "CBC.99100204",
        ),
        ("post", "/v2/public/reseller-registrations/{token}/verification-code"): (
            "CBC.99000029",
            "CBC.99100207",
        ),
        ("post", "/v2/public/reseller-registrations/{token}"): (
            "CBC.99100205",
            "CBC.99000029",
            "CBC.99000036",
            "CBC.99000038",
            "CBC.99004010",
        ),
        ("get", "/v2/partners/settings"): (),
        ("put", "/v2/partners/settings"): ("CBC.99100301", "CBC.99100305"),
        ("post", SEND_STEP_UP): ("CBC.99100305", "CBC.99004015"),
    }
    for (method, path), codes in expected.items():
        operation = paths[path][method]
        assert operation.get("summary") and operation.get("responses"), (method, path)
        listed = " ".join(
            str(response.get("description", "")) for response in operation["responses"].values()
        )
        for code in codes:
            assert code in listed, (method, path, code)
    public_get = paths["/v2/public/reseller-registrations/{token}"]["get"]
    assert "401" not in public_get["responses"]  # no credentials there
    assert "X-Verification-Code" in document["info"]["description"]
