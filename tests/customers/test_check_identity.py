"""Check customer registration info (SPEC A.1) through the official SDK."""

from __future__ import annotations

import pytest
from huaweicloudsdkbss.v2 import CheckSubcustomerUserReq, CheckUserIdentityRequest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from tests.support import Env, PartnerHandle, bss_client, make_customer, make_partner


def check(env: Env, partner: PartnerHandle, search_type: str, value: str) -> object:
    request = CheckUserIdentityRequest(
        body=CheckSubcustomerUserReq(search_type=search_type, search_value=value)
    )
    return bss_client(env, partner).check_user_identity(request)


def check_error(
    env: Env, partner: PartnerHandle, search_type: str | None, value: str | None
) -> ClientRequestException:
    request = CheckUserIdentityRequest(
        body=CheckSubcustomerUserReq(search_type=search_type, search_value=value)
    )
    with pytest.raises(ClientRequestException) as raised:
        bss_client(env, partner).check_user_identity(request)
    return raised.value


def test_free_name_is_available_and_taken_name_is_not(env: Env) -> None:
    partner = make_partner(env)
    make_customer(env, partner, name="TakenName01")
    assert check(env, partner, "name", "freename01").check_result == "available"
    # Login names are unique case-insensitively, and customers and partners share one namespace.
    assert check(env, partner, "name", "takenname01").check_result == "used_by_user"
    assert check(env, partner, "name", partner.login).check_result == "used_by_user"


def test_name_taken_by_another_partners_customer_is_still_used(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    make_customer(env, other, name="elsewhere01")
    assert check(env, partner, "name", "elsewhere01").check_result == "used_by_user"


@pytest.mark.parametrize(
    "name", ["abcd", "a" * 33, "1abcde", "12345", "op_abcde", "shadow_abcde", "ab cde", "_abcde"]
)
def test_invalid_names_are_parameter_errors(env: Env, name: str) -> None:
    error = check_error(env, make_partner(env), "name", name)
    assert error.status_code == 400 and error.error_code == "CBC.0100"


def test_email_available_used_and_invalid(env: Env) -> None:
    partner = make_partner(env)
    make_customer(env, partner, email="Used@Example.com")
    assert check(env, partner, "email", "free@example.com").check_result == "available"
    assert check(env, partner, "email", "used@example.com").check_result == "used_by_user"
    assert check_error(env, partner, "email", "no-at-sign").error_code == "CBC.0100"


def test_mobile_counts_down_to_the_registration_cap(env: Env) -> None:
    partner = make_partner(env)
    cap = env.ctx.settings.mobile_registration_cap
    first = check(env, partner, "mobile", "0086-13912345678")
    assert (first.check_result, first.mobile_remain_available_num) == ("available", cap)
    for used in range(1, cap + 1):
        make_customer(env, partner, mobile="13912345678")
        result = check(env, partner, "mobile", "0086-13912345678")
        assert result.mobile_remain_available_num == cap - used
    assert result.check_result == "used_by_user"
    other = check(env, partner, "mobile", "0086-13912345679")
    assert other.mobile_remain_available_num == cap


def test_mobile_field_absent_for_other_search_types(env: Env) -> None:
    result = check(env, make_partner(env), "name", "freename02")
    assert result.mobile_remain_available_num is None


@pytest.mark.parametrize(
    "value",
    [
        "13912345678",
        "0086-12345678901",
        "0001-13912345678",
        "86-13912345678",
        "0086-1391234567",
        "0086-139123456789",
        "0086-abc",
    ],
)
def test_invalid_mobiles_are_parameter_errors(env: Env, value: str) -> None:
    error = check_error(env, make_partner(env), "mobile", value)
    assert error.status_code == 400 and error.error_code == "CBC.0100"
    assert "search_value" in error.error_msg


@pytest.mark.parametrize(
    ("search_type", "value", "field"),
    [
        (None, "abcdef", "search_type"),
        ("phone", "abcdef", "search_type"),
        ("name", None, "search_value"),
        ("name", "", "search_value"),
        ("email", "a" * 60 + "@x.com", "search_value"),
    ],
)
def test_missing_or_bad_fields_name_the_field(
    env: Env, search_type: str | None, value: str | None, field: str
) -> None:
    error = check_error(env, make_partner(env), search_type, value)
    assert error.error_code == "CBC.0100"
    assert field in error.error_msg


def test_customer_token_cannot_call_partner_operations(env: Env) -> None:
    partner = make_partner(env)
    make_customer(env, partner, name="custlogin01", password="Cust#2026pass")
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": "custlogin01", "password": "Cust#2026pass"}},
            }
        }
    }
    token = env.http.post("/v3/auth/tokens", json=body).headers["x-subject-token"]
    response = env.http.post(
        "/v2/partners/sub-customers/users/check-identity",
        json={"search_type": "name", "search_value": "abcdef"},
        headers={"X-Auth-Token": token},
    )
    assert response.status_code == 403
    assert response.json()["error_code"] == "CBC.0151"
