"""Sensitive console actions over HTTP: the confirmation step, step-up codes, a double submit moving money
once, and the services' own refusals shown as pages."""

from __future__ import annotations

from sqlalchemy import select

from partnerhub.audit.models import AuditEvent
from partnerhub.db.session import session_scope
from partnerhub.ledger.verify import verify_ledger
from tests.console.helpers import cash_of, funded_of, give_cash, set_step_up, signed_in
from tests.support import Env, make_customer, make_partner, sent_code


def _actions(env: Env, partner_id: str) -> list[str]:
    with session_scope(env.ctx.sessions) as session:
        return list(
            session.scalars(select(AuditEvent.action).where(AuditEvent.partner_id == partner_id)).all()
        )


def test_funding_asks_for_confirmation_and_a_double_submit_moves_money_once(env: Env) -> None:
    partner = make_partner(env)
    give_cash(env, partner, 500)
    customer = make_customer(env, partner)
    browser = signed_in(env, partner)
    browser.get(f"/console/customers/{customer}/fund")
    key = browser.idempotency_key()
    review = browser.post(
        "/console/customers/fund", {"customer_id": customer, "amount": "12.30", "idempotency_key": key}
    )
    assert review.status_code == 200 and "Confirm adjustment?" in review.text and "12.30 CNY" in review.text
    assert cash_of(env, partner.id) == 500_00  # reviewing moves nothing
    form = {"customer_id": customer, "amount": "12.30", "idempotency_key": key, "intent": "confirm"}
    first = browser.post("/console/customers/fund", form)
    second = browser.post("/console/customers/fund", form)
    assert first.status_code == second.status_code == 303
    assert funded_of(env, customer) == 12_30 and cash_of(env, partner.id) == 487_70
    page = browser.get("/console/customers")
    assert "Funded 12.30 CNY" in page.text
    with session_scope(env.ctx.sessions) as session:
        assert verify_ledger(session).ok


def test_refusals_are_the_services_own_messages(env: Env) -> None:
    partner = make_partner(env)
    give_cash(env, partner, 10)
    referral = make_customer(env, partner, association_type=1)
    resale = make_customer(env, partner)
    browser = signed_in(env, partner, language="zh-CN")
    browser.get(f"/console/customers/{resale}/fund")
    referral_page = browser.post(
        "/console/customers/fund", {"customer_id": referral, "amount": "1", "idempotency_key": "console-a"}
    )
    assert referral_page.status_code == 400 and "顾问销售模式下不能给客户调账和回收" in referral_page.text
    too_much = browser.post(
        "/console/customers/fund",
        {"customer_id": resale, "amount": "20.00", "idempotency_key": "console-b", "intent": "confirm"},
    )
    assert too_much.status_code == 400 and "余额不足" in too_much.text
    bad_amount = browser.post("/console/customers/fund", {"customer_id": resale, "amount": "1.234"})
    assert bad_amount.status_code == 400 and "amount" in bad_amount.text
    foreign = make_partner(env)
    foreign_customer = make_customer(env, foreign)
    assert browser.get(f"/console/customers/{foreign_customer}").status_code == 400
    assert cash_of(env, partner.id) == 10_00


def test_with_step_up_on_a_funding_needs_the_code_sent_to_the_partner(env: Env) -> None:
    partner = make_partner(env, mobile="13700001111")
    give_cash(env, partner, 100)
    customer = make_customer(env, partner)
    set_step_up(env, partner, True)
    browser = signed_in(env, partner)
    browser.get(f"/console/customers/{customer}/fund")
    form = {"customer_id": customer, "amount": "5.00", "idempotency_key": browser.idempotency_key()}
    review = browser.post("/console/customers/fund", form)
    assert 'name="verification_code"' in review.text and "Send code" in review.text
    no_code = browser.post("/console/customers/fund", {**form, "intent": "confirm"})
    assert no_code.status_code == 403 and "needs a step-up verification code" in no_code.text
    sent = browser.post("/console/customers/fund", {**form, "intent": "send_code"})
    assert "137****1111" in sent.text
    wrong = browser.post(
        "/console/customers/fund", {**form, "intent": "confirm", "verification_code": "000000"}
    )
    assert wrong.status_code == 403 and funded_of(env, customer) == 0
    code = sent_code(env, "13700001111")
    if code == "000000":  # one in a million: the wrong guess was right and consumed it; ask again
        browser.post("/console/customers/fund", {**form, "intent": "send_code"})
        code = sent_code(env, "13700001111")
    done = browser.post("/console/customers/fund", {**form, "intent": "confirm", "verification_code": code})
    assert done.status_code == 303 and funded_of(env, customer) == 5_00
    assert _actions(env, partner.id).count("step_up.failed") >= 2


def test_batch_funding_reports_each_customer(env: Env) -> None:
    partner = make_partner(env)
    give_cash(env, partner, 100)
    good = [make_customer(env, partner, name=f"batch-good-{index}") for index in range(2)]
    referral = make_customer(env, partner, name="batch-referral", association_type=1)
    browser = signed_in(env, partner)
    page = browser.get(
        "/console/customers/batch-fund", params=[("customer_id", cid) for cid in [*good, referral]]
    )
    assert page.status_code == 200
    form = {
        "customer_id": [*good, referral],
        "funding_type": "cash",
        "amount": "10",
        "idempotency_key": browser.idempotency_key(),
    }
    review = browser.post("/console/customers/batch-fund", form)
    assert "Confirm adjustment?" in review.text and "30.00 CNY" in review.text
    done = browser.post("/console/customers/batch-fund", {**form, "intent": "confirm"})
    assert done.status_code == 303 and done.headers["location"] == "/console/customers/batch-fund/result"
    result = browser.get("/console/customers/batch-fund/result")
    assert "batch-good-0" in result.text and "batch-referral" in result.text and "CBC.5021" in result.text
    assert [funded_of(env, cid) for cid in good] == [10_00, 10_00] and funded_of(env, referral) == 0


def test_changing_the_password_needs_the_current_one_and_is_audited(env: Env) -> None:
    partner = make_partner(env)
    browser = signed_in(env, partner)
    browser.get("/console/settings")
    form = {"current_password": partner.password, "new_password": "Fresh#Pass2027", "intent": "confirm"}
    differ = browser.post("/console/settings/password", {**form, "confirm_password": "Other#Pass2027"})
    assert differ.status_code == 400 and "confirmation differ" in differ.text
    wrong = browser.post(
        "/console/settings/password",
        {**form, "current_password": "Nope#Pass2027", "confirm_password": "Fresh#Pass2027"},
    )
    assert wrong.status_code == 401 and "Incorrect login name or password." in wrong.text
    weak = browser.post(
        "/console/settings/password", {**form, "new_password": "short", "confirm_password": "short"}
    )
    assert weak.status_code == 400 and "Invalid password" in weak.text
    done = browser.post("/console/settings/password", {**form, "confirm_password": "Fresh#Pass2027"})
    assert done.status_code == 303
    assert "partner.password" in _actions(env, partner.id)
    fresh = signed_in(env, partner.__class__(**{**partner.__dict__, "password": "Fresh#Pass2027"}))
    assert fresh.get("/console/").status_code == 200


def test_access_keys_are_the_partners_own_and_revoking_is_audited(env: Env) -> None:
    partner = make_partner(env)
    other = make_partner(env)
    browser = signed_in(env, partner)
    browser.get("/console/settings")
    assert partner.access_key in browser.last.text and other.access_key not in browser.last.text  # type: ignore[union-attr]
    foreign = browser.post(
        "/console/settings/keys/revoke", {"access_key": other.access_key, "intent": "confirm"}
    )
    assert foreign.status_code == 404 and "No such access key" in foreign.text
    created = browser.post("/console/settings/keys/create", {"intent": "confirm"})
    assert created.status_code == 200 and 'id="new-secret-key"' in created.text
    revoked = browser.post(
        "/console/settings/keys/revoke", {"access_key": partner.access_key, "intent": "confirm"}
    )
    assert revoked.status_code == 303
    actions = _actions(env, partner.id)
    assert actions.count("access_key.created") == 2 and actions.count("access_key.revoked") == 1
    assert _actions(env, other.id) == ["access_key.created"]  # its own creation by the test, nothing else


def test_turning_step_up_off_needs_a_code_while_it_is_on(env: Env) -> None:
    partner = make_partner(env, mobile="13700002222")
    browser = signed_in(env, partner)
    browser.get("/console/settings")
    on = browser.post("/console/settings/step-up", {"required": "on", "intent": "confirm"})
    assert on.status_code == 303
    refused = browser.post("/console/settings/step-up", {"required": "off", "intent": "confirm"})
    assert refused.status_code == 403
    browser.post("/console/settings/step-up", {"required": "off", "intent": "send_code"})
    code = sent_code(env, "13700002222")
    off = browser.post(
        "/console/settings/step-up", {"required": "off", "intent": "confirm", "verification_code": code}
    )
    assert off.status_code == 303
    assert _actions(env, partner.id).count("settings.changed") == 2
