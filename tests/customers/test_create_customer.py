"""Create a customer (SPEC A.3) through the official SDK: fields, defaults, uniqueness, scope, races.

The paths that need a real verification code (a mobile number given) are in test_create_with_mobile.py.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from partnerhub.customers import creation
from partnerhub.customers.repository import CustomerRepository
from partnerhub.customers.rules import is_valid_login_name
from tests.customers.helpers import (
    STRONG_PASSWORD,
    active_association,
    create,
    create_error,
    list_customers,
    platform_of,
    set_partner_status,
    stored_customer,
)
from tests.support import Env, make_customer, make_partner, signed_call

PATH = "/v2/partners/sub-customers"


def test_create_without_mobile_returns_the_new_account(env: Env) -> None:
    partner = make_partner(env)
    response = create(env, partner, domain_name="NewCust01", password=STRONG_PASSWORD, xaccount_id="user-1")
    assert response.status_code == 200
    assert response.domain_name == "NewCust01"
    assert len(response.domain_id) == 32
    row = stored_customer(env, response.domain_id)
    assert (row.domain_name, row.domain_name_key, row.xaccount_id) == ("NewCust01", "newcust01", "user-1")
    assert row.mobile is None and row.mobile_country is None
    assert row.password_hash is not None and STRONG_PASSWORD not in row.password_hash
    assert row.owner_partner_id == partner.id and row.close_marketing is False
    association = active_association(env, response.domain_id)
    assert (association.partner_id, association.association_type) == (partner.id, 2)
    assert association.associated_on == env.clock.now()


def test_customer_and_association_show_in_the_list(env: Env) -> None:
    partner = make_partner(env)
    created = create(env, partner, domain_name="listed01")
    listed = list_customers(env, partner)
    assert listed.count == 1
    info = listed.customer_infos[0]
    assert (info.customer_id, info.account_name, info.association_type) == (
        created.domain_id,
        "listed01",
        "2",
    )


def test_mobile_absent_is_null_and_empty_string_is_kept(env: Env) -> None:
    partner = make_partner(env)
    absent = create(env, partner, domain_name="nomobile01")
    empty = create(env, partner, domain_name="emptymobile01", mobile_phone="")
    assert stored_customer(env, absent.domain_id).mobile is None
    assert stored_customer(env, empty.domain_id).mobile == ""
    # An explicit JSON null behaves like an absent field.
    body = {
        "domain_name": "nullmobile01",
        "mobile_phone": None,
        "verification_code": None,
        "xaccount_id": "x-null",
        "xaccount_type": platform_of(env, partner),
    }
    response = signed_call(env, partner, "POST", PATH, body)
    assert response.status_code == 200, response.text
    assert stored_customer(env, response.json()["domain_id"]).mobile is None


def test_empty_mobile_needs_no_code(env: Env) -> None:
    partner = make_partner(env)
    assert create(env, partner, domain_name="emptymobile02", mobile_phone="").status_code == 200


@pytest.mark.parametrize("value", [None, ""])
def test_absent_or_empty_name_gets_a_random_valid_32_character_name(env: Env, value: str | None) -> None:
    partner = make_partner(env)
    response = create(env, partner, domain_name=value)
    assert len(response.domain_name) == 32
    assert is_valid_login_name(response.domain_name)
    assert stored_customer(env, response.domain_id).domain_name == response.domain_name


@pytest.mark.parametrize(
    "name",
    [
        "abcd",
        "a" * 33,
        "1abcde",
        "12345678",
        "op_abcde",
        "OP_abcde",
        "shadow_abcde",
        "ab cde",
        "abc.de",
        "名字abcde",
    ],
)
def test_bad_login_names_are_refused(env: Env, name: str) -> None:
    error = create_error(env, make_partner(env), domain_name=name)
    assert (error.status_code, error.error_code) == (400, "CBC.99000031")


@pytest.mark.parametrize("name", ["_abcde", "-abcde", "abcde", "a" * 32, "Ab_c-9"])
def test_good_login_names_are_accepted(env: Env, name: str) -> None:
    assert create(env, make_partner(env), domain_name=name).domain_name == name


def test_duplicate_login_name_case_insensitive_and_shared_with_partners(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    create(env, partner, domain_name="TakenName")
    for name in ("TakenName", "takenname"):
        error = create_error(env, partner, domain_name=name)
        assert (error.status_code, error.error_code) == (400, "CBC.99000038")
    # Another partner's customer and a partner's own login are in the same namespace.
    assert create_error(env, other, domain_name="TAKENNAME").error_code == "CBC.99000038"
    assert create_error(env, partner, domain_name=other.login).error_code == "CBC.99000038"


def test_duplicate_xaccount_id_per_partner(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    create(env, partner, domain_name="first01", xaccount_id="same-user")
    error = create_error(env, partner, domain_name="second01", xaccount_id="same-user")
    assert (error.status_code, error.error_code) == (400, "CBC.99000039")
    # xaccount ids are the partner platform's user ids: another partner may use the same one.
    assert create(env, other, domain_name="third01", xaccount_id="same-user").status_code == 200


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Ab1#", "too short"),
        ("Abcdef1#" * 4 + "x", "too long (33)"),
        ("abcdefghij", "one class only: lower case"),
        ("ABCDEFGHIJ", "one class only: upper case"),
        ("1234567890", "one class only: digits"),
        ("#$%^&*()!@", "one class only: special"),
        ("Weakname01", "equals the login name"),
        ("10emankaeW", "equals the reversed login name"),
        ("weakNAME01", "equals the login name ignoring case"),
    ],
)
def test_weak_passwords_are_refused(env: Env, password: str, rule: str) -> None:
    error = create_error(env, make_partner(env), domain_name="Weakname01", password=password)
    assert (error.status_code, error.error_code) == (400, "CBC.99000036"), rule


@pytest.mark.parametrize("mobile", ["13800138000", "+8613800138000"])
def test_password_must_not_contain_the_mobile(env: Env, mobile: str) -> None:
    error = create_error(
        env,
        make_partner(env),
        domain_name="pwmobile01",
        mobile_phone=mobile,
        verification_code="000000",
        password="Pw#13800138000",
    )
    assert (error.status_code, error.error_code) == (400, "CBC.99000036")


@pytest.mark.parametrize("password", ["abcdefg1", "ABCDEFG#", "Abcdefgh", "12345678#", "A" * 31 + "1"])
def test_passwords_with_two_classes_are_accepted(env: Env, password: str) -> None:
    assert create(env, make_partner(env), domain_name="goodpass01", password=password).status_code == 200


def test_empty_password_is_a_parameter_error_and_absent_means_none(env: Env) -> None:
    partner = make_partner(env)
    error = create_error(env, partner, domain_name="nopass01", password="")
    assert (error.status_code, error.error_code) == (400, "CBC.0100")
    assert "password" in error.error_msg
    created = create(env, partner, domain_name="nopass02")
    assert stored_customer(env, created.domain_id).password_hash is None


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"xaccount_id": ""}, "xaccount_id"),
        ({"xaccount_id": "x" * 129}, "xaccount_id"),
        ({"xaccount_type": ""}, "xaccount_type"),
        ({"xaccount_type": "x" * 65}, "xaccount_type"),
        ({"xaccount_type": "someone_else_IDP"}, "xaccount_type"),
        ({"is_close_market_ms": "yes"}, "is_close_market_ms"),
        ({"is_close_market_ms": "TRUE"}, "is_close_market_ms"),
        ({"verification_code": ""}, "verification_code"),
    ],
)
def test_bad_fields_are_parameter_errors_naming_the_field(
    env: Env, fields: dict[str, Any], named: str
) -> None:
    error = create_error(env, make_partner(env), domain_name="badfield01", **fields)
    assert (error.status_code, error.error_code) == (400, "CBC.0100")
    assert named in error.error_msg


def test_missing_xaccount_fields_are_parameter_errors(env: Env) -> None:
    partner = make_partner(env)
    for missing in ("xaccount_id", "xaccount_type"):
        body = {"domain_name": "missing01", "xaccount_id": "u1", "xaccount_type": platform_of(env, partner)}
        del body[missing]
        response = signed_call(env, partner, "POST", PATH, body)
        assert response.status_code == 400
        assert response.json()["error_code"] == "CBC.0100" and missing in response.json()["error_msg"]


def test_longest_xaccount_fields_are_accepted(env: Env) -> None:
    partner = make_partner(env)
    assert create(env, partner, domain_name="longx01", xaccount_id="x" * 128).status_code == 200


@pytest.mark.parametrize(("value", "stored"), [(None, False), ("", False), ("false", False), ("true", True)])
def test_close_marketing_string_booleans(env: Env, value: str | None, stored: bool) -> None:
    created = create(env, make_partner(env), domain_name="market01", is_close_market_ms=value)
    assert stored_customer(env, created.domain_id).close_marketing is stored


@pytest.mark.parametrize("value", [True, False, None])
def test_include_association_result_answers_the_final_result(env: Env, value: bool | None) -> None:
    partner = make_partner(env)
    created = create(env, partner, domain_name="assoc01", include_association_result=value)
    assert listed_partner(env, created.domain_id) == partner.id


def test_include_association_result_empty_string_means_false_and_junk_is_refused(env: Env) -> None:
    partner = make_partner(env)
    body = {
        "domain_name": "assoc02",
        "xaccount_id": "u2",
        "xaccount_type": platform_of(env, partner),
        "include_association_result": "",
    }
    assert signed_call(env, partner, "POST", PATH, body).status_code == 200
    body.update(domain_name="assoc03", xaccount_id="u3", include_association_result="maybe")
    response = signed_call(env, partner, "POST", PATH, body)
    assert response.status_code == 400 and "include_association_result" in response.json()["error_msg"]


@pytest.mark.parametrize(("cooperation", "expected"), [("1", "1"), ("2", "2"), ("9", "2"), (None, "2")])
def test_cooperation_type_one_creates_a_referral_customer(
    env: Env, cooperation: str | None, expected: str
) -> None:
    partner = make_partner(env)
    create(env, partner, domain_name="coop01", cooperation_type=cooperation)
    (info,) = list_customers(env, partner).customer_infos
    assert info.association_type == expected


def test_distributor_creates_a_customer_for_its_own_reseller(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    created = create(env, distributor, domain_name="forreseller01", indirect_partner_id=reseller.id)
    assert active_association(env, created.domain_id).partner_id == reseller.id
    assert stored_customer(env, created.domain_id).owner_partner_id == distributor.id
    under_reseller = list_customers(env, distributor, indirect_partner_id=reseller.id)
    assert [info.customer_id for info in under_reseller.customer_infos] == [created.domain_id]
    assert list_customers(env, reseller).count == 1
    assert list_customers(env, distributor).count == 0


def test_distributor_cannot_act_for_a_foreign_reseller(env: Env) -> None:
    distributor, other = make_partner(env, "distributor"), make_partner(env, "distributor")
    foreign = make_partner(env, "reseller", parent=other)
    for indirect in (foreign.id, "0" * 32, other.id):
        error = create_error(env, distributor, domain_name="foreign01", indirect_partner_id=indirect)
        assert (error.status_code, error.error_code) == (400, "CBC.99000037")


@pytest.mark.parametrize("kind", ["solution_provider", "reseller"])
def test_only_distributors_may_name_a_reseller(env: Env, kind: str) -> None:
    distributor = make_partner(env, "distributor")
    sibling = make_partner(env, "reseller", parent=distributor)
    caller = make_partner(env, kind, parent=distributor if kind == "reseller" else None)
    error = create_error(env, caller, domain_name="notmine01", indirect_partner_id=sibling.id)
    assert error.error_code == "CBC.99000037"


def test_restricted_partner_cannot_take_customers(env: Env) -> None:
    partner = make_partner(env)
    set_partner_status(env, partner, "restricted")
    error = create_error(env, partner, domain_name="restricted01")
    assert (error.status_code, error.error_code) == (400, "CBC.50010085")


@pytest.mark.parametrize(("status", "code"), [("restricted", "CBC.50010086"), ("exiting", "CBC.50010065")])
def test_reseller_of_a_restricted_or_exiting_distributor(env: Env, status: str, code: str) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    set_partner_status(env, distributor, status)
    assert create_error(env, reseller, domain_name="blocked01").error_code == code


@pytest.mark.parametrize("mobile", ["1380013800", "23800138000", "1380013800a", "+1 2025550100", "0" * 33])
def test_invalid_mobile_is_refused(env: Env, mobile: str) -> None:
    error = create_error(
        env, make_partner(env), domain_name="badmobile01", mobile_phone=mobile, verification_code="123456"
    )
    assert (error.status_code, error.error_code) == (400, "CBC.5017")


def test_mobile_without_code_names_the_code(env: Env) -> None:
    error = create_error(env, make_partner(env), domain_name="nocode01", mobile_phone="13800138000")
    assert (error.status_code, error.error_code) == (400, "CBC.0100")
    assert "verification_code" in error.error_msg


def test_mobile_cap_is_checked_before_the_code(env: Env) -> None:
    partner = make_partner(env)
    for _ in range(env.ctx.settings.mobile_registration_cap):
        make_customer(env, partner, mobile="13800138000")
    error = create_error(
        env, partner, domain_name="overcap01", mobile_phone="13800138000", verification_code="000000"
    )
    assert (error.status_code, error.error_code) == (400, "CBC.99000030")


def test_duplicates_are_checked_before_the_code(env: Env) -> None:
    partner = make_partner(env)
    make_customer(env, partner, name="dupbeforecode")
    error = create_error(
        env, partner, domain_name="dupbeforecode", mobile_phone="13800138000", verification_code="000000"
    )
    assert error.error_code == "CBC.99000038"


@pytest.mark.parametrize(("skip", "code"), [("name", "CBC.99000038"), ("xaccount", "CBC.99000039")])
def test_unique_violation_at_insert_is_the_operation_code_not_a_500(
    env: Env, monkeypatch: pytest.MonkeyPatch, skip: str, code: str
) -> None:
    """What a lost race looks like: the pre-checks saw nothing, the database constraint fires."""
    partner = make_partner(env)
    create(env, partner, domain_name="racer01", xaccount_id="race-user")
    if skip == "name":
        monkeypatch.setattr(creation, "login_name_taken", lambda session, name: False)
        fields = {"domain_name": "RACER01", "xaccount_id": "other-user"}
    else:
        monkeypatch.setattr(CustomerRepository, "xaccount_taken", lambda self, *args: False)
        fields = {"domain_name": "racer02", "xaccount_id": "race-user"}
    error = create_error(env, partner, **fields)
    assert (error.status_code, error.error_code) == (400, code)
    assert list_customers(env, partner).count == 1


def test_concurrent_creates_of_one_name_give_one_account(env: Env) -> None:
    partner = make_partner(env)
    outcomes: list[Any] = []
    barrier = threading.Barrier(6)

    def attempt(index: int) -> None:
        barrier.wait()
        try:
            outcomes.append(
                create(env, partner, domain_name="samename01", xaccount_id=f"user-{index}").status_code
            )
        except ClientRequestException as exc:
            outcomes.append((exc.status_code, exc.error_code))

    threads = [threading.Thread(target=attempt, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(200) == 1
    assert sorted(map(str, outcomes)) == sorted(["200"] + [str((400, "CBC.99000038"))] * 5)
    assert list_customers(env, partner).count == 1


def listed_partner(env: Env, customer_id: str) -> str:
    return active_association(env, customer_id).partner_id
