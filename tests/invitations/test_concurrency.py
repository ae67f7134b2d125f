"""Concurrent registrations: a link registers exactly one reseller, a mobile exactly one partner."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.invitations.helpers import (
    PUBLIC,
    distributor,
    invite,
    partner_count,
    registration,
    registration_code,
)
from tests.support import Env


def race(env: Env, requests: list[tuple[str, dict[str, Any]]]) -> list[httpx.Response]:
    def post(item: tuple[str, dict[str, Any]]) -> httpx.Response:
        with httpx.Client(base_url=env.url, timeout=60) as client:
            return client.post(item[0], json=item[1])

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(post, requests))


def test_one_link_registers_one_reseller_under_concurrency(env: Env) -> None:
    partner = distributor(env)
    link = invite(env, partner)
    mobiles = [f"1381111{index:04d}" for index in range(4)]
    codes = [registration_code(env, link, mobile) for mobile in mobiles]
    before = partner_count(env)
    bodies = [
        (f"{PUBLIC}/{link.token}", registration(f"racer-{index}", mobile, code))
        for index, (mobile, code) in enumerate(zip(mobiles, codes, strict=True))
    ]
    responses = race(env, bodies)
    statuses = sorted((r.status_code, r.json().get("error_code")) for r in responses)
    assert statuses == [(200, None), (410, "CBC.99100204"), (410, "CBC.99100204"), (410, "CBC.99100204")]
    assert partner_count(env) == before + 1


def test_one_mobile_registers_one_partner_under_concurrency(env: Env) -> None:
    """Three distributors' links, each with a valid code for one mobile: exactly one registration wins."""
    mobile = "13811112222"
    requests = []
    for index in range(3):
        link = invite(env, distributor(env, mobile=f"1390000{index:04d}", email=None))
        code = registration_code(env, link, mobile)
        env.clock.advance(61)  # the per-number cool-down
        requests.append((f"{PUBLIC}/{link.token}", registration(f"same-mobile-{index}", mobile, code)))
    before = partner_count(env)
    responses = race(env, requests)
    statuses = sorted((r.status_code, r.json().get("error_code")) for r in responses)
    assert statuses == [(200, None), (400, "CBC.99000029"), (400, "CBC.99000029")]
    assert partner_count(env) == before + 1
