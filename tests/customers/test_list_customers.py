"""List the partner's customers (SPEC A.4) through the official SDK: scope, filters, paging, masking."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from partnerhub.kit.clock import format_utc
from tests.customers.helpers import list_customers, list_error, listed_ids, set_customer
from tests.support import Env, PartnerHandle, make_customer, make_partner, signed_call

QUERY = "/v2/partners/sub-customers/query"


def make_customers(env: Env, partner: PartnerHandle, count: int, *, step_seconds: int = 60) -> list[str]:
    """Customers associated one after the other; returned oldest first."""
    made = []
    for _ in range(count):
        made.append(make_customer(env, partner))
        env.clock.advance(step_seconds)
    return made


def test_all_fields_of_a_customer(env: Env) -> None:
    partner = make_partner(env)
    customer_id = make_customer(
        env, partner, name="FullView01", mobile="13812345678", email="alice@example.com"
    )
    set_customer(
        env,
        customer_id,
        real_name="Acme Cloud Ltd",
        customer_type=1,
        verified_status=2,
        label="VIP",
        customer_level="V3",
        freeze_type="ACCOUNT_AND_RESOURCE",
    )
    listed = list_customers(env, partner)
    assert listed.count == 1
    info = listed.customer_infos[0]
    assert info.customer == "Acme Cloud Ltd"
    assert (info.account_name, info.customer_id) == ("FullView01", customer_id)
    assert info.associated_on == format_utc(env.clock.now())
    assert info.association_type == "2"
    assert info.label == "VIP"
    assert info.telephone == "138****5678"
    assert info.verified_status == "2"
    assert info.country_code == "0086"
    assert info.customer_type == 1
    assert info.is_frozen == 2
    assert (info.xaccount_id, info.xaccount_type) == (f"x-{customer_id}", "test_IDP")
    assert info.customer_level == "V3"
    assert info.email == "a***e@example.com"


def test_personal_data_is_masked_in_the_raw_body(env: Env) -> None:
    partner = make_partner(env)
    customer_id = make_customer(
        env, partner, name="masked01", mobile="13812345678", email="bob.smith@example.com"
    )
    set_customer(env, customer_id, real_name="张三丰", customer_type=0)
    raw = signed_call(env, partner, "POST", QUERY, {}).text
    assert "13812345678" not in raw and "bob.smith" not in raw and "张三丰" not in raw
    (info,) = list_customers(env, partner).customer_infos
    assert (info.telephone, info.customer) == ("138****5678", "张**")


def test_is_frozen_values(env: Env) -> None:
    partner = make_partner(env)
    ids = make_customers(env, partner, 3)
    set_customer(env, ids[1], freeze_type="ACCOUNT")
    set_customer(env, ids[2], freeze_type="ACCOUNT_AND_RESOURCE")
    frozen = {info.customer_id: info.is_frozen for info in list_customers(env, partner).customer_infos}
    assert frozen == {ids[0]: 0, ids[1]: 1, ids[2]: 2}


def test_only_the_callers_own_customers_are_listed(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    mine = make_customer(env, partner)
    theirs = make_customer(env, other)
    assert listed_ids(env, partner) == [mine]
    assert listed_ids(env, other) == [theirs]
    # Filtering by another partner's customer id finds nothing, like a missing id.
    assert list_customers(env, partner, customer_id=theirs).count == 0
    assert list_customers(env, partner, customer_id="0" * 32).count == 0


def test_reseller_sees_only_its_customers_and_distributor_needs_indirect_id(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller, sibling = (make_partner(env, "reseller", parent=distributor) for _ in range(2))
    own = make_customer(env, distributor)
    resold = make_customer(env, reseller)
    make_customer(env, sibling)
    assert listed_ids(env, distributor) == [own]
    assert listed_ids(env, distributor, indirect_partner_id=reseller.id) == [resold]
    assert listed_ids(env, reseller) == [resold]
    error = list_error(env, reseller, indirect_partner_id=sibling.id)
    assert (error.status_code, error.error_code) == (400, "CBC.99000037")
    foreign = make_partner(env, "reseller", parent=make_partner(env, "distributor"))
    assert list_error(env, distributor, indirect_partner_id=foreign.id).error_code == "CBC.99000037"


def test_ended_associations_are_not_listed(env: Env) -> None:
    from partnerhub.customers.models import Association
    from partnerhub.db.session import session_scope

    partner = make_partner(env)
    gone = make_customer(env, partner)
    kept = make_customer(env, partner)
    with session_scope(env.ctx.sessions) as session:
        association = session.query(Association).filter_by(active_customer_id=gone).one()
        association.active_customer_id = None
        association.ended_on = env.clock.now()
    assert listed_ids(env, partner) == [kept]


def test_newest_association_first_and_stable_ties(env: Env) -> None:
    partner = make_partner(env)
    ids = make_customers(env, partner, 3)
    assert listed_ids(env, partner) == list(reversed(ids))
    same_moment = sorted(make_customers(env, partner, 3, step_seconds=0))
    assert listed_ids(env, partner, limit=3) == same_moment


def test_paging_with_offset_and_limit(env: Env) -> None:
    partner = make_partner(env)
    newest_first = list(reversed(make_customers(env, partner, 12)))
    first_page = list_customers(env, partner)
    assert first_page.count == 12
    assert [info.customer_id for info in first_page.customer_infos] == newest_first[:10]
    assert listed_ids(env, partner, offset=10) == newest_first[10:]
    assert listed_ids(env, partner, offset=3, limit=4) == newest_first[3:7]
    beyond = list_customers(env, partner, offset=50)
    assert (beyond.count, beyond.customer_infos) == (12, [])


def test_limit_of_one_hundred_is_allowed(env: Env) -> None:
    partner = make_partner(env)
    make_customers(env, partner, 2)
    assert list_customers(env, partner, limit=100).count == 2


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": -1}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 40_000_001}, "offset"),
        ({"account_name": "has space"}, "account_name"),
        ({"customer": "two words"}, "customer"),
        ({"label": "a b"}, "label"),
        ({"account_name": "a" * 65}, "account_name"),
        ({"association_type": "3"}, "association_type"),
        ({"association_type": "x"}, "association_type"),
        ({"associated_on_begin": ""}, "associated_on_begin"),
        ({"associated_on_end": ""}, "associated_on_end"),
        ({"associated_on_begin": "2024-01-01"}, "associated_on_begin"),
        ({"associated_on_end": "2024-01-01T00:00:00+08:00"}, "associated_on_end"),
        ({"associated_on_end": "2024-13-01T00:00:00Z"}, "associated_on_end"),
    ],
)
def test_bad_filters_are_parameter_errors_naming_the_field(
    env: Env, filters: dict[str, Any], field: str
) -> None:
    error = list_error(env, make_partner(env), **filters)
    assert (error.status_code, error.error_code) == (400, "CBC.0100")
    assert field in error.error_msg


def test_account_name_is_fuzzy_and_case_insensitive(env: Env) -> None:
    partner = make_partner(env)
    alpha = make_customer(env, partner, name="AlphaStore")
    beta = make_customer(env, partner, name="beta-alpha")
    make_customer(env, partner, name="gamma")
    assert set(listed_ids(env, partner, account_name="alpha")) == {alpha, beta}
    assert listed_ids(env, partner, account_name="ALPHAS") == [alpha]
    assert listed_ids(env, partner, account_name="-alp") == [beta]
    assert listed_ids(env, partner, account_name="store") == [alpha]
    assert list_customers(env, partner, account_name="").count == 3


def test_like_wildcards_match_literally(env: Env) -> None:
    partner = make_partner(env)
    underscored = make_customer(env, partner, name="ab_cd")
    make_customer(env, partner, name="abxcd")
    assert listed_ids(env, partner, account_name="b_c") == [underscored]
    assert list_customers(env, partner, account_name="%").count == 0
    labelled = make_customer(env, partner, name="percent01")
    set_customer(env, labelled, label="50%off")
    assert listed_ids(env, partner, label="0%o") == [labelled]
    assert list_customers(env, partner, label="_").count == 0


def test_customer_real_name_is_fuzzy(env: Env) -> None:
    partner = make_partner(env)
    first, second = make_customer(env, partner), make_customer(env, partner)
    set_customer(env, first, real_name="北京云计算有限公司", customer_type=1)
    set_customer(env, second, real_name="Shanghai-Cloud", customer_type=1)
    assert listed_ids(env, partner, customer="云计算") == [first]
    assert listed_ids(env, partner, customer="shanghai") == [second]
    assert list_customers(env, partner, customer="nobody").count == 0


def test_label_is_fuzzy_and_case_sensitive(env: Env) -> None:
    partner = make_partner(env)
    upper, lower = make_customer(env, partner), make_customer(env, partner)
    set_customer(env, upper, label="GoldTier")
    set_customer(env, lower, label="goldtier")
    assert listed_ids(env, partner, label="Gold") == [upper]
    assert listed_ids(env, partner, label="gold") == [lower]
    assert listed_ids(env, partner, label="dTi") == [upper]


def test_association_type_filter(env: Env) -> None:
    partner = make_partner(env)
    referral = make_customer(env, partner, association_type=1)
    resale = make_customer(env, partner, association_type=2)
    assert listed_ids(env, partner, association_type="1") == [referral]
    assert listed_ids(env, partner, association_type="2") == [resale]
    assert list_customers(env, partner, association_type="").count == 2


def test_associated_on_range_is_inclusive_to_the_second(env: Env) -> None:
    partner = make_partner(env)
    start = env.clock.now().replace(microsecond=0) + timedelta(seconds=1)
    env.clock.set(start)
    early = make_customer(env, partner)
    env.clock.set(start + timedelta(hours=1, microseconds=500_000))
    middle = make_customer(env, partner)
    env.clock.set(start + timedelta(hours=2))
    late = make_customer(env, partner)
    hour = format_utc(start + timedelta(hours=1))
    assert listed_ids(env, partner, associated_on_begin=hour) == [late, middle]
    assert listed_ids(env, partner, associated_on_end=hour) == [middle, early]
    assert listed_ids(env, partner, associated_on_begin=hour, associated_on_end=hour) == [middle]
    assert listed_ids(
        env,
        partner,
        associated_on_begin=format_utc(start),
        associated_on_end=format_utc(start + timedelta(hours=2)),
    ) == [late, middle, early]


def test_customer_id_filter(env: Env) -> None:
    partner = make_partner(env)
    wanted = make_customer(env, partner)
    make_customer(env, partner)
    assert listed_ids(env, partner, customer_id=wanted) == [wanted]
    assert list_customers(env, partner, customer_id="").count == 2


def test_raw_empty_and_null_fields_mean_no_filter(env: Env) -> None:
    partner = make_partner(env)
    make_customers(env, partner, 2)
    body = {
        "account_name": "",
        "customer": None,
        "label": "",
        "association_type": None,
        "customer_id": "",
        "offset": None,
        "limit": None,
        "associated_on_begin": None,
        "indirect_partner_id": "",
    }
    response = signed_call(env, partner, "POST", QUERY, body)
    assert response.status_code == 200, response.text
    assert response.json()["count"] == 2 and len(response.json()["customer_infos"]) == 2
