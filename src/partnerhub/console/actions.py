"""Sensitive actions: review in a confirmation dialog, step-up code when the partner turned it on, run once.

Every action that moves money, reveals personal data or changes access posts its form to one URL with an
``intent``:

* ``review`` (the first submit): the inputs are parsed by the action's own rules and the confirmation page
  is shown — a ``<dialog>`` ("Confirm adjustment?") that repeats what will happen; with step-up on, the same
  dialog holds the verification-code field and its "Send code" button;
* ``send_code``: a step-up code goes to the partner's own mobile or e-mail; the dialog is shown again;
* ``confirm``: step-up is checked (and its code consumed) first, then the action runs — for money, at most
  once per form: the form carries an idempotency key (``idempotency/`` with the partner's scope), and a second
  submit of the same form replays the first result instead of moving money again.

A refusal shows the dialog again with the registry's message in the user's language; the transaction rolls
back (a failed step-up attempt is committed: it counts).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from partnerhub.console import stepup
from partnerhub.console.sessions import set_flash
from partnerhub.console.web import PAGES, ConsoleUser, Form, PageError, translator
from partnerhub.context import AppContext
from partnerhub.errors import ApiError
from partnerhub.idempotency.service import StoredResponse, claim, complete, fingerprint, validate_key

REVIEW, SEND_CODE, CONFIRM = "review", "send_code", "confirm"


@dataclass
class Review:
    """What the confirmation dialog shows and resubmits."""

    operation: stepup.Sensitive
    title: str
    question: str
    action: str
    cancel: str
    summary: list[tuple[str, str]] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    """Hidden inputs carried to the next submit (a name may repeat, e.g. several customer ids)."""
    confirm_label: str = ""
    danger: bool = False


@dataclass(frozen=True)
class Done:
    """A finished action: where to go next and what that page says once."""

    redirect: str
    flash: dict[str, Any]


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def finish(session: Session, user: ConsoleUser, done: Done) -> Response:
    set_flash(session, user.session_hash, done.flash)
    return redirect(done.redirect)


def notice(text: str, *, kind: str = "success", **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "text": text, **extra}


def confirm_page(
    request: Request,
    review: Review,
    *,
    step_up: bool,
    idempotency_key: str | None,
    error: str | None = None,
    sent_to: str | None = None,
    status: int = 200,
) -> Response:
    return PAGES.render(
        request,
        "confirm.html",
        {
            "review": review,
            "step_up": step_up,
            "idempotency_key": idempotency_key,
            "error": error,
            "sent_to": sent_to,
        },
        status=status,
    )


def run_sensitive(
    request: Request,
    session: Session,
    ctx: AppContext,
    user: ConsoleUser,
    form: Form,
    review: Review,
    execute: Callable[[], Done | Response],
    *,
    idempotent: tuple[str, Mapping[str, Any]] | None = None,
) -> Response:
    """Run the intent the form asks for. ``idempotent``: (operation name, the parsed inputs) for money."""
    tr = translator(request)
    intent = form.text("intent") or REVIEW
    needs_code = stepup.needed(session, ctx, user.partner_id)
    key = form.text("idempotency_key") if idempotent else None
    if idempotent and key:
        try:
            validate_key(key)
        except ApiError as exc:
            raise PageError(
                confirm_page(
                    request, review, step_up=needs_code, idempotency_key=None, error=tr.error(exc), status=400
                )
            ) from exc

    def again(error: ApiError, *, keep: bool = False) -> PageError:
        page = confirm_page(
            request,
            review,
            step_up=needs_code,
            idempotency_key=key,
            error=tr.error(error),
            status=error.status,
        )
        return PageError(page, keep_changes=keep)

    if intent == SEND_CODE and needs_code:
        try:
            sent_to = stepup.send(session, ctx, user.partner_id, tr.language)
        except ApiError as exc:
            raise again(exc) from exc
        return confirm_page(request, review, step_up=True, idempotency_key=key, sent_to=sent_to)
    if intent != CONFIRM:
        return confirm_page(request, review, step_up=needs_code, idempotency_key=key)

    record = (
        (idempotent[0], key, fingerprint(idempotent[0], dict(idempotent[1]))) if idempotent and key else None
    )
    if record is not None:
        try:
            stored = _peek(session, ctx, user.partner_id, *record)
        except ApiError as exc:
            raise again(exc) from exc
        if stored is not None:
            return _replay(session, user, stored)
    if needs_code:
        try:
            stepup.require(session, ctx, user.partner_id, review.operation, form.text("verification_code"))
        except ApiError as exc:
            raise again(exc, keep=exc.keep_changes) from exc
    try:
        if record is not None:
            stored = _claim(session, ctx, user.partner_id, *record)
            if stored is not None:
                return _replay(session, user, stored)
        outcome = execute()
    except ApiError as exc:
        raise again(exc) from exc
    if not isinstance(outcome, Done):
        return outcome
    if record is not None:
        body = json.dumps({"redirect": outcome.redirect, "flash": outcome.flash}, ensure_ascii=False)
        complete(session, partner_id=user.partner_id, key=record[1], status_code=200, body=body.encode())
    return finish(session, user, outcome)


def _claim(
    session: Session, ctx: AppContext, partner_id: str, operation: str, key: str, print_: str
) -> StoredResponse | None:
    return claim(
        session,
        partner_id=partner_id,
        key=key,
        operation=operation,
        request_fingerprint=print_,
        now=ctx.clock.now(),
        retention=timedelta(hours=ctx.settings.idempotency_retention_hours),
    )


def _peek(
    session: Session, ctx: AppContext, partner_id: str, operation: str, key: str, print_: str
) -> StoredResponse | None:
    """The stored result of this form's first submit, without claiming its key (a savepoint undoes that)."""
    with session.begin_nested() as savepoint:
        stored = _claim(session, ctx, partner_id, operation, key, print_)
        savepoint.rollback()
    return stored


def _replay(session: Session, user: ConsoleUser, stored: StoredResponse) -> Response:
    first = json.loads(stored.body)
    return finish(session, user, Done(redirect=first["redirect"], flash=first["flash"]))
