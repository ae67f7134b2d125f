"""Funding and reclaiming a distributor's cloud resellers (A.23, A.24) through the official SDK."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from tests.funding.helpers import (
    ledger_report,
    partner_balance,
    reseller_fund_request,
    reseller_reclaim_request,
    top_up,
)
from tests.support import Env, bss_client, make_partner


def test_distributor_funds_and_reclaims_its_reseller(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    top_up(env, distributor, "50")
    client = bss_client(env, distributor)

    funded = client.update_indirect_partner_account(reseller_fund_request(reseller.id, Decimal("20.00")))
    assert re.fullmatch(r"AD\d{12}[0-9a-f]{12}", funded.transfer_id)
    assert (partner_balance(env, distributor), partner_balance(env, reseller)) == (
        Decimal("30.00"),
        Decimal("20.00"),
    )

    reclaimed = client.reclaim_indirect_partner_account(reseller_reclaim_request(reseller.id, Decimal("5.5")))
    assert re.fullmatch(r"RE\d{12}[0-9a-f]{12}", reclaimed.trans_id)
    assert (partner_balance(env, distributor), partner_balance(env, reseller)) == (
        Decimal("35.50"),
        Decimal("14.50"),
    )
    assert ledger_report(env).ok


def test_insufficient_on_either_side(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    top_up(env, distributor, "10")
    client = bss_client(env, distributor)
    with pytest.raises(ClientRequestException) as raised:
        client.update_indirect_partner_account(reseller_fund_request(reseller.id, Decimal("10.01")))
    assert (raised.value.status_code, raised.value.error_code) == (400, "CBC.99005003")
    client.update_indirect_partner_account(reseller_fund_request(reseller.id, 4))
    with pytest.raises(ClientRequestException) as raised:
        client.reclaim_indirect_partner_account(reseller_reclaim_request(reseller.id, Decimal("4.01")))
    assert raised.value.error_code == "CBC.99005003"
    assert partner_balance(env, reseller) == Decimal("4.00")


def test_foreign_or_unknown_reseller_is_refused(env: Env) -> None:
    distributor, other = make_partner(env, "distributor"), make_partner(env, "distributor")
    foreign = make_partner(env, "reseller", parent=other)
    top_up(env, distributor, "10")
    top_up(env, foreign, "10")
    client = bss_client(env, distributor)
    for reseller_id in (foreign.id, other.id, "f" * 32):
        for call, request in (
            (client.update_indirect_partner_account, reseller_fund_request(reseller_id, 1)),
            (client.reclaim_indirect_partner_account, reseller_reclaim_request(reseller_id, 1)),
        ):
            with pytest.raises(ClientRequestException) as raised:
                call(request)
            assert (raised.value.status_code, raised.value.error_code) == (400, "CBC.99000037")
    assert partner_balance(env, foreign) == Decimal("10.00")


@pytest.mark.parametrize("kind", ["solution_provider", "reseller"])
def test_only_distributors_may_call(env: Env, kind: str) -> None:
    distributor = make_partner(env, "distributor")
    caller = make_partner(env, kind, parent=distributor if kind == "reseller" else None)
    reseller = make_partner(env, "reseller", parent=distributor)
    top_up(env, caller, "10")
    client = bss_client(env, caller)
    for call, request in (
        (client.update_indirect_partner_account, reseller_fund_request(reseller.id, 1)),
        (client.reclaim_indirect_partner_account, reseller_reclaim_request(reseller.id, 1)),
    ):
        with pytest.raises(ClientRequestException) as raised:
            call(request)
        assert (raised.value.status_code, raised.value.error_code) == (403, "CBC.0151")


def test_bad_amount_for_reseller_funding(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    top_up(env, distributor, "10")
    with pytest.raises(ClientRequestException) as raised:
        bss_client(env, distributor).update_indirect_partner_account(
            reseller_fund_request(reseller.id, "abc")
        )
    assert (raised.value.status_code, raised.value.error_code) == (400, "CBC.0100")
    assert "amount" in raised.value.error_msg
