"""A distributor lists its cloud resellers (SPEC A.22) through the official SDK; contact data is masked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from huaweicloudsdkbss.v2 import ListIndirectPartnersRequest, QueryIndirectPartnersReq
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from partnerhub.db.session import session_scope
from partnerhub.kit.clock import format_utc
from partnerhub.partners.models import Partner
from tests.support import Env, PartnerHandle, bss_client, make_partner


def listed(env: Env, partner: PartnerHandle, **filters: Any) -> Any:
    request = ListIndirectPartnersRequest(body=QueryIndirectPartnersReq(**filters))
    return bss_client(env, partner).list_indirect_partners(request)


def refused(env: Env, partner: PartnerHandle, **filters: Any) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as raised:
        listed(env, partner, **filters)
    return raised.value


def ids(response: Any) -> list[str]:
    return [info.indirect_partner_id for info in response.indirect_partners]


def test_a_distributor_sees_only_its_own_resellers_newest_first_and_masked(env: Env) -> None:
    distributor, other = make_partner(env), make_partner(env)
    first = make_partner(env, "reseller", parent=distributor, mobile="13812345678")
    env.clock.advance(timedelta(minutes=1))
    second = make_partner(env, "reseller", parent=distributor)
    make_partner(env, "reseller", parent=other)

    response = listed(env, distributor)
    assert response.count == 2
    assert ids(response) == [second.id, first.id]
    info = response.indirect_partners[1]
    assert info.mobile_phone == "138****5678"
    assert info.account_name == first.login
    assert info.name.startswith("reseller ")
    assert "13812345678" not in str(response.to_json_object())


def test_filters_narrow_the_list(env: Env) -> None:
    distributor, other = make_partner(env), make_partner(env)
    early = make_partner(env, "reseller", parent=distributor)
    env.clock.advance(timedelta(hours=1))
    late = make_partner(env, "reseller", parent=distributor)
    foreign = make_partner(env, "reseller", parent=other)
    with session_scope(env.ctx.sessions) as session:
        late_on = session.get(Partner, late.id).associated_on  # type: ignore[union-attr]

    assert ids(listed(env, distributor, indirect_partner_id=early.id)) == [early.id]
    assert ids(listed(env, distributor, indirect_partner_id=foreign.id)) == []  # foreign = not there
    assert ids(listed(env, distributor, account_name=late.login[-8:].upper())) == [late.id]
    assert ids(listed(env, distributor, associated_on_begin=format_utc(late_on))) == [late.id]
    assert ids(listed(env, distributor, associated_on_end=format_utc(late_on - timedelta(seconds=1)))) == [
        early.id
    ]
    paged = listed(env, distributor, offset=1, limit=1)
    assert (paged.count, ids(paged)) == (2, [early.id])


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"offset": -1}, "offset"),
        ({"account_name": "a b"}, "account_name"),
        ({"associated_on_begin": ""}, "associated_on_begin"),
        ({"associated_on_end": "2026-01-01"}, "associated_on_end"),
    ],
)
def test_bad_filters_name_their_field(env: Env, filters: dict[str, Any], field: str) -> None:
    error = refused(env, make_partner(env), **filters)
    assert (error.status_code, error.error_code) == (400, "CBC.0100")
    assert field in error.error_msg


@pytest.mark.parametrize("kind", ["reseller", "solution_provider"])
def test_partners_without_resellers_are_refused(env: Env, kind: str) -> None:
    distributor = make_partner(env)
    caller = make_partner(env, kind, parent=distributor if kind == "reseller" else None)
    error = refused(env, caller)
    assert (error.status_code, error.error_code) == (403, "CBC.0151")
