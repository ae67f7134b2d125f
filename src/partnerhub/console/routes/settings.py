"""Settings: the verification-code (step-up) toggle, access keys (the secret shown once), language, password.

Turning the toggle, creating and revoking keys are sensitive actions (confirmation dialog, a step-up code
while step-up is on). Changing the password needs the current password (checked, and throttled, by the
password-login service) and, with step-up on, a code — typed into the same form, never carried in a page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from partnerhub.auth.passwords import authenticate_password
from partnerhub.auth.principals import SubjectKind
from partnerhub.console import stepup
from partnerhub.console.account import change_password
from partnerhub.console.actions import Done, Review, finish, notice, run_sensitive
from partnerhub.console.web import (
    PAGES,
    PREFIX,
    CheckedForm,
    ConsoleUser,
    CurrentUser,
    PageError,
    client_ip,
    translator,
)
from partnerhub.errors import ApiError
from partnerhub.http.deps import Context, DbSession
from partnerhub.kit.clock import format_utc
from partnerhub.partners.keys import create_own_key, own_keys, revoke_own_key

router = APIRouter(include_in_schema=False)
PARTNERS = frozenset({SubjectKind.PARTNER})


def _settings_page(
    request: Request, session: Session, ctx: Context, user: ConsoleUser, *, status: int = 200, **values: Any
) -> Response:
    keys = [
        {
            "access_key": key.access_key,
            "status": key.status,
            "created_at": format_utc(key.created_at),
            "revoked_at": format_utc(key.revoked_at) if key.revoked_at else None,
        }
        for key in own_keys(session, user.partner_id)
    ]
    defaults: dict[str, Any] = {
        "keys": keys,
        "password_error": None,
        "password_notice": None,
        "sent_to": None,
        "step_up_on": stepup.needed(session, ctx, user.partner_id),
    }
    return PAGES.render(request, "settings/index.html", {**defaults, **values}, status=status)


@router.get("/settings")
def settings_page(request: Request, user: CurrentUser, session: DbSession, ctx: Context) -> Response:
    return _settings_page(request, session, ctx, user)


@router.post("/settings/step-up")
def toggle_step_up(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    tr = translator(request)
    turn_on = form.text("required") == "on"
    review = Review(
        operation=stepup.Sensitive.SETTINGS_CHANGE,
        title=tr.gettext("Verification codes"),
        question=tr.gettext("Ask for a verification code before every sensitive operation?")
        if turn_on
        else tr.gettext("Stop asking for verification codes before sensitive operations?"),
        action=f"{PREFIX}/settings/step-up",
        cancel=f"{PREFIX}/settings",
        fields=[("required", "on" if turn_on else "off")],
        confirm_label=tr.gettext("Turn on") if turn_on else tr.gettext("Turn off"),
        danger=not turn_on,
    )

    def execute() -> Done:
        stepup.set_required(session, ctx, user.partner_id, turn_on, client_ip(request))
        text = (
            tr.gettext("Verification codes are on.") if turn_on else tr.gettext("Verification codes are off.")
        )
        return Done(redirect=f"{PREFIX}/settings", flash=notice(text))

    return run_sensitive(request, session, ctx, user, form, review, execute)


@router.post("/settings/keys/create")
def create_key(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    tr = translator(request)
    review = Review(
        operation=stepup.Sensitive.KEY_CREATE,
        title=tr.gettext("Create an access key"),
        question=tr.gettext("Create a new access key (AK/SK) for the API?"),
        action=f"{PREFIX}/settings/keys/create",
        cancel=f"{PREFIX}/settings",
        confirm_label=tr.gettext("Create"),
    )

    def execute() -> Response:
        issued = create_own_key(session, ctx, partner_id=user.partner_id, ip=client_ip(request))
        return PAGES.render(request, "settings/new_key.html", {"issued": issued})

    return run_sensitive(request, session, ctx, user, form, review, execute)


@router.post("/settings/keys/revoke")
def revoke_key(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    tr = translator(request)
    access_key = form.text("access_key")
    review = Review(
        operation=stepup.Sensitive.KEY_REVOKE,
        title=tr.gettext("Revoke an access key"),
        question=tr.gettext("Revoke access key %(key)s? Requests signed with it will fail.", key=access_key),
        action=f"{PREFIX}/settings/keys/revoke",
        cancel=f"{PREFIX}/settings",
        fields=[("access_key", access_key)],
        confirm_label=tr.gettext("Revoke"),
        danger=True,
    )

    def execute() -> Done:
        revoke_own_key(session, ctx, partner_id=user.partner_id, access_key=access_key, ip=client_ip(request))
        return Done(
            redirect=f"{PREFIX}/settings",
            flash=notice(tr.gettext("Access key %(key)s is revoked.", key=access_key)),
        )

    return run_sensitive(request, session, ctx, user, form, review, execute)


@router.post("/settings/password")
def password(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    tr = translator(request)
    if form.text("intent") == "send_code":
        try:
            sent_to = stepup.send(session, ctx, user.partner_id, tr.language)
        except ApiError as exc:
            raise PageError(
                _settings_page(request, session, ctx, user, password_error=tr.error(exc), status=exc.status)
            ) from exc
        return _settings_page(request, session, ctx, user, sent_to=sent_to)
    new, repeated = form.raw("new_password"), form.raw("confirm_password")
    try:
        if new != repeated:
            raise ApiError("CBC.99100403", field="confirm_password")
        # The current password first, in its own short transaction (before this request's one begins).
        authenticate_password(
            ctx,
            name=user.account_name,
            password=form.raw("current_password"),
            client_address=client_ip(request),
            kinds=PARTNERS,
        )
        stepup.require(
            session, ctx, user.partner_id, stepup.Sensitive.PASSWORD_CHANGE, form.text("verification_code")
        )
    except ApiError as exc:
        page = _settings_page(request, session, ctx, user, password_error=tr.error(exc), status=exc.status)
        raise PageError(page, keep_changes=exc.keep_changes) from exc
    try:
        change_password(session, ctx, partner_id=user.partner_id, password=new, ip=client_ip(request))
    except ApiError as exc:
        raise PageError(
            _settings_page(request, session, ctx, user, password_error=tr.error(exc), status=exc.status)
        ) from exc
    return finish(
        session,
        user,
        Done(redirect=f"{PREFIX}/settings", flash=notice(tr.gettext("Your password was changed."))),
    )
