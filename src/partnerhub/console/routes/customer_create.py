"""Create a customer: check the login name and mobile, send the registration code, create — the API's rules.

One form, three buttons (``intent``): ``check`` runs check-identity for the login name and the mobile,
``send_code`` sends the registration code (scene 29) to the mobile, ``create`` creates the customer with the
code. Every refusal is the API's own code and message. The password is never echoed back into the page.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from partnerhub.console.actions import Done, finish, notice
from partnerhub.console.web import (
    PAGES,
    PREFIX,
    CheckedForm,
    ConsoleUser,
    CurrentUser,
    Form,
    PageError,
    translator,
)
from partnerhub.customers.creation import create_customer
from partnerhub.customers.identity import AVAILABLE, check_user_identity
from partnerhub.customers.schemas import CreateCustomerRequest
from partnerhub.errors import ApiError
from partnerhub.http.deps import Context, DbSession
from partnerhub.kit.masking import mask_mobile
from partnerhub.kit.phones import CHINA_COUNTRY_CODE, normalize_cn_mobile
from partnerhub.verification.sending import SMS_RECEIVER, SendRequest, partner_send

router = APIRouter(include_in_schema=False)
KEPT_FIELDS = ("domain_name", "mobile_phone", "xaccount_id", "association_type", "close_marketing")


def _page(request: Request, values: dict[str, Any], *, status: int = 200) -> Response:
    defaults: dict[str, Any] = {"error": None, "notice": None, "checks": [], "form": {}}
    return PAGES.render(request, "customers/new.html", {**defaults, **values}, status=status)


def _kept(form: Form) -> dict[str, str]:
    return {name: form.text(name) for name in KEPT_FIELDS}


@router.get("/customers/new")
def new_customer_form(request: Request, user: CurrentUser) -> Response:
    return _page(
        request,
        {"form": {"association_type": "2", "xaccount_id": f"console-{secrets.token_hex(6)}"}},
    )


@router.post("/customers/new")
def new_customer(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    tr = translator(request)
    intent = form.text("intent") or "create"
    kept = _kept(form)
    try:
        if intent == "check":
            return _page(request, {"form": kept, "checks": _checks(session, ctx, form, tr.gettext)})
        if intent == "send_code":
            mobile = form.text("mobile_phone")
            partner_send(
                session,
                ctx,
                user.principal,
                SendRequest(receiver_type=SMS_RECEIVER, mobile_phone=mobile, scene=29, lang=tr.language),
            )
            shown = mask_mobile(normalize_cn_mobile(mobile) or mobile)
            return _page(
                request, {"form": kept, "notice": tr.gettext("A code was sent to %(where)s.", where=shown)}
            )
        created = create_customer(session, ctx, user.principal, _create_request(form, user))
    except ApiError as exc:
        page = _page(request, {"form": kept, "error": tr.error(exc)}, status=exc.status)
        if exc.keep_changes:  # a counted wrong code: commit the counter with the page
            return page
        raise PageError(page) from exc
    return finish(
        session,
        user,
        Done(
            redirect=f"{PREFIX}/customers/{created.domain_id}",
            flash=notice(tr.gettext("Customer %(login)s was created.", login=created.domain_name)),
        ),
    )


def _create_request(form: Form, user: ConsoleUser) -> CreateCustomerRequest:
    mobile = form.text("mobile_phone")
    password = form.raw("password")
    return CreateCustomerRequest(
        domain_name=form.text("domain_name") or None,
        mobile_phone=mobile or None,
        verification_code=form.text("verification_code") or None,
        xaccount_id=form.text("xaccount_id"),
        xaccount_type=user.xaccount_type,
        password=password or None,
        cooperation_type="1" if form.text("association_type") == "1" else None,
        is_close_market_ms="true" if form.flag("close_marketing") else "false",
    )


def _checks(session: Any, ctx: Any, form: Form, gettext: Any) -> list[tuple[str, str, bool]]:
    """(what, verdict, ok) for the login name and the mobile given; the API's check-identity answers."""
    results: list[tuple[str, str, bool]] = []
    name, mobile = form.text("domain_name"), form.text("mobile_phone")
    if not name and not mobile:
        raise ApiError(
            "CBC.0100", field="domain_name", detail="enter a login name or a mobile number to check"
        )
    if name:
        found = check_user_identity(
            session, search_type="name", search_value=name, mobile_cap=ctx.settings.mobile_registration_cap
        )
        ok = found.check_result == AVAILABLE
        results.append((gettext("Login name"), gettext("available") if ok else gettext("already in use"), ok))
    if mobile:
        national = normalize_cn_mobile(mobile)
        if national is None:
            raise ApiError("CBC.5017", field="mobile_phone")
        found = check_user_identity(
            session,
            search_type="mobile",
            search_value=f"{CHINA_COUNTRY_CODE}-{national}",
            mobile_cap=ctx.settings.mobile_registration_cap,
        )
        ok = found.check_result == AVAILABLE
        remaining = found.mobile_remain_available_num or 0
        results.append(
            (
                gettext("Mobile"),
                gettext("%(n)s more customers may register with it", n=remaining)
                if ok
                else gettext("registration limit reached"),
                ok,
            )
        )
    return results
