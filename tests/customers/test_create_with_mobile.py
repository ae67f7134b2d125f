"""Create a customer with a mobile number (SPEC A.3): the registration code (scene 29) and the mobile cap.

Codes are sent with the official SDK and read back from the outbox (``tests.support.sent_code``).
"""

from __future__ import annotations

from datetime import timedelta

from huaweicloudsdkbss.v2 import (
    CheckSubcustomerUserReq,
    CheckUserIdentityRequest,
    SendVerificationCodeV2Req,
    SendVerificationMessageCodeRequest,
)

from tests.customers.helpers import STRONG_PASSWORD, create, create_error, list_customers, stored_customer
from tests.support import Env, PartnerHandle, bss_client, make_customer, make_partner, sent_code

MOBILE = "13912345678"


def send(env: Env, partner: PartnerHandle, mobile: str = MOBILE) -> str:
    """Send a registration code to ``mobile`` and return it, past the resend cool-down of the last one."""
    env.clock.advance(timedelta(seconds=env.ctx.settings.code_resend_cooldown_seconds + 1))
    request = SendVerificationMessageCodeRequest(
        body=SendVerificationCodeV2Req(receiver_type=1, mobile_phone=mobile, scene=29)
    )
    assert bss_client(env, partner).send_verification_message_code(request).status_code == 204
    return sent_code(env, mobile)


def remaining(env: Env, partner: PartnerHandle, mobile: str = MOBILE) -> int:
    request = CheckUserIdentityRequest(
        body=CheckSubcustomerUserReq(search_type="mobile", search_value=f"0086-{mobile}")
    )
    result: int = bss_client(env, partner).check_user_identity(request).mobile_remain_available_num
    return result


def test_create_with_mobile_and_code(env: Env) -> None:
    partner = make_partner(env)
    code = send(env, partner)
    created = create(
        env,
        partner,
        domain_name="withmobile01",
        mobile_phone=MOBILE,
        verification_code=code,
        password=STRONG_PASSWORD,
    )
    row = stored_customer(env, created.domain_id)
    assert (row.mobile, row.mobile_country) == (MOBILE, "0086")
    (info,) = list_customers(env, partner).customer_infos
    assert (info.telephone, info.country_code) == ("139****5678", "0086")


def test_prefixed_mobile_is_stored_as_the_national_number(env: Env) -> None:
    partner = make_partner(env)
    code = send(env, partner)
    created = create(
        env, partner, domain_name="prefixed01", mobile_phone=f"+86{MOBILE}", verification_code=code
    )
    assert stored_customer(env, created.domain_id).mobile == MOBILE


def test_a_code_is_single_use(env: Env) -> None:
    partner = make_partner(env)
    code = send(env, partner)
    create(env, partner, domain_name="single01", mobile_phone=MOBILE, verification_code=code)
    error = create_error(env, partner, domain_name="single02", mobile_phone=MOBILE, verification_code=code)
    assert (error.status_code, error.error_code) == (400, "CBC.99004010")


def test_wrong_code_creates_nothing_and_the_right_code_still_works(env: Env) -> None:
    partner = make_partner(env)
    code = send(env, partner)
    wrong = "000000" if code != "000000" else "111111"
    error = create_error(
        env, partner, domain_name="wrongcode01", mobile_phone=MOBILE, verification_code=wrong
    )
    assert (error.status_code, error.error_code) == (400, "CBC.99004010")
    assert list_customers(env, partner).count == 0
    assert create(
        env, partner, domain_name="wrongcode01", mobile_phone=MOBILE, verification_code=code
    ).domain_id


def test_more_than_three_failures_invalidate_the_code(env: Env) -> None:
    partner = make_partner(env)
    code = send(env, partner)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(env.ctx.settings.code_max_failed_checks):
        assert (
            create_error(
                env, partner, domain_name="tries01", mobile_phone=MOBILE, verification_code=wrong
            ).error_code
            == "CBC.99004010"
        )
    error = create_error(env, partner, domain_name="tries01", mobile_phone=MOBILE, verification_code=code)
    assert error.error_code == "CBC.99004009"


def test_expired_code(env: Env) -> None:
    partner = make_partner(env)
    code = send(env, partner)
    env.clock.advance(timedelta(minutes=env.ctx.settings.code_lifetime_minutes, seconds=1))
    error = create_error(env, partner, domain_name="expired01", mobile_phone=MOBILE, verification_code=code)
    assert (error.status_code, error.error_code) == (400, "CBC.99004008")


def test_code_is_bound_to_the_mobile_and_the_partner(env: Env) -> None:
    partner, other = make_partner(env), make_partner(env)
    code = send(env, partner)
    assert (
        create_error(
            env, partner, domain_name="bound01", mobile_phone="13912345679", verification_code=code
        ).error_code
        == "CBC.99004010"
    )
    assert (
        create_error(
            env, other, domain_name="bound01", mobile_phone=MOBILE, verification_code=code
        ).error_code
        == "CBC.99004010"
    )


def test_distributor_registers_a_mobile_customer_for_its_reseller(env: Env) -> None:
    distributor = make_partner(env, "distributor")
    reseller = make_partner(env, "reseller", parent=distributor)
    code = send(env, distributor)
    created = create(
        env,
        distributor,
        domain_name="resold01",
        mobile_phone=MOBILE,
        verification_code=code,
        indirect_partner_id=reseller.id,
    )
    assert [info.customer_id for info in list_customers(env, reseller).customer_infos] == [created.domain_id]


def test_registrations_count_down_the_mobile_cap(env: Env) -> None:
    partner = make_partner(env)
    cap = env.ctx.settings.mobile_registration_cap
    for _ in range(cap - 1):
        make_customer(env, partner, mobile=MOBILE)
    assert remaining(env, partner) == 1
    create(env, partner, domain_name="lastslot01", mobile_phone=MOBILE, verification_code=send(env, partner))
    assert remaining(env, partner) == 0
    error = create_error(
        env, partner, domain_name="overcap02", mobile_phone=MOBILE, verification_code=send(env, partner)
    )
    assert (error.status_code, error.error_code) == (400, "CBC.99000030")
