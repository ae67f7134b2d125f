"""Money and state actions on customers: fund, reclaim, batch funding, freeze and unfreeze.

Fund, reclaim and batch funding are sensitive actions (``console.actions``): a confirmation dialog, the
step-up code when it is on, and an idempotency key per form so a double submit moves money once. The rules
are the funding services' own (``funding.service``, ``funding.batch``): the console only parses the form.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from partnerhub.console import stepup
from partnerhub.console.actions import Done, Review, finish, notice, redirect, run_sensitive
from partnerhub.console.formatting import money
from partnerhub.console.listing import customer_row
from partnerhub.console.web import (
    PAGES,
    PREFIX,
    CheckedForm,
    ConsoleUser,
    CurrentUser,
    PageError,
    Translator,
    new_idempotency_key,
    translator,
)
from partnerhub.customers.freezing import freeze_customers, parse_batch, unfreeze_customers
from partnerhub.customers.models import FreezeType
from partnerhub.customers.repository import ListedCustomer
from partnerhub.errors import ApiError
from partnerhub.funding.batch import BatchItem, batch_fund
from partnerhub.funding.queries import customer_balances, partner_balances
from partnerhub.funding.service import check_fundable, fund_customer, reclaim_customer
from partnerhub.http.deps import Context, DbSession
from partnerhub.kit.money import parse_amount, to_decimal

router = APIRouter(include_in_schema=False)
CustomerIds = Annotated[list[str] | None, Query(alias="customer_id", max_length=64)]


def _customer(session: Session, user: ConsoleUser, customer_id: str) -> ListedCustomer:
    row = customer_row(session, user.principal, customer_id)
    if row is None:
        raise ApiError("CBC.99000035", field="customer_id")
    return row


def _balances(session: Session, user: ConsoleUser, customer_id: str) -> tuple[Decimal, Decimal | None]:
    cash = partner_balances(session, user.principal, None)[0]["amount"]
    funded = customer_balances(session, user.principal, [customer_id], None)
    return cash, (funded[0]["amount"] if funded else None)


def _money_form(
    request: Request,
    session: Session,
    user: ConsoleUser,
    kind: str,
    customer_id: str,
    *,
    error: str | None = None,
    amount: str = "",
    key: str | None = None,
    status: int = 200,
) -> Response:
    row = _customer(session, user, customer_id)
    cash, funded = _balances(session, user, customer_id)
    return PAGES.render(
        request,
        "customers/money.html",
        {
            "kind": kind,
            "customer": row.customer,
            "association_type": row.association.association_type,
            "cash": cash,
            "funded": funded,
            "error": error,
            "amount": amount or (f"{funded:.2f}" if kind == "reclaim" and funded else ""),
            "idempotency_key": key or new_idempotency_key(),
        },
        status=status,
    )


@router.get("/customers/{customer_id}/fund")
def fund_form(request: Request, customer_id: str, user: CurrentUser, session: DbSession) -> Response:
    return _money_form(request, session, user, "fund", customer_id)


@router.get("/customers/{customer_id}/reclaim")
def reclaim_form(request: Request, customer_id: str, user: CurrentUser, session: DbSession) -> Response:
    return _money_form(request, session, user, "reclaim", customer_id)


def _money_action(
    request: Request, form: CheckedForm, user: ConsoleUser, session: Session, ctx: Context, kind: str
) -> Response:
    tr = translator(request)
    customer_id, amount_text, key = (
        form.text("customer_id"),
        form.text("amount"),
        form.text("idempotency_key"),
    )
    try:
        row = _customer(session, user, customer_id)
        amount_minor = parse_amount(amount_text, "amount", maximum=ctx.settings.max_amount)
        if kind == "fund":
            check_fundable(session, user.partner_id, customer_id)
    except ApiError as exc:
        raise PageError(
            _money_form(
                request,
                session,
                user,
                kind,
                customer_id,
                error=tr.error(exc),
                amount=amount_text,
                key=key,
                status=exc.status,
            )
        ) from exc
    login = row.customer.domain_name
    shown = money(amount_minor)
    review = Review(
        operation=stepup.Sensitive.FUND if kind == "fund" else stepup.Sensitive.RECLAIM,
        title=tr.gettext("Fund a customer") if kind == "fund" else tr.gettext("Reclaim from a customer"),
        question=tr.gettext("Confirm adjustment?"),
        action=f"{PREFIX}/customers/{kind}",
        cancel=f"{PREFIX}/customers/{customer_id}/{kind}",
        summary=[(tr.gettext("Customer"), login), (tr.gettext("Amount"), shown)],
        fields=[("customer_id", customer_id), ("amount", amount_text)],
        confirm_label=tr.gettext("Fund") if kind == "fund" else tr.gettext("Reclaim"),
        danger=kind == "reclaim",
    )

    def execute() -> Done:
        if kind == "fund":
            moved = fund_customer(
                session,
                ctx,
                user.principal,
                customer_id=customer_id,
                amount_minor=amount_minor,
                idempotency_key=key or None,
            )
            text = tr.gettext(
                "Funded %(amount)s to %(login)s (transfer %(id)s).",
                amount=shown,
                login=login,
                id=moved.transaction_id,
            )
        else:
            moved = reclaim_customer(
                session,
                ctx,
                user.principal,
                customer_id=customer_id,
                amount_minor=amount_minor,
                idempotency_key=key or None,
            )
            text = tr.gettext(
                "Reclaimed %(amount)s from %(login)s (transfer %(id)s).",
                amount=shown,
                login=login,
                id=moved.transaction_id,
            )
        return Done(redirect=f"{PREFIX}/customers", flash=notice(text))

    payload = {"customer_id": customer_id, "amount_minor": amount_minor}
    return run_sensitive(
        request, session, ctx, user, form, review, execute, idempotent=(f"console.{kind}", payload)
    )


@router.post("/customers/fund")
def fund(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    return _money_action(request, form, user, session, ctx, "fund")


@router.post("/customers/reclaim")
def reclaim(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    return _money_action(request, form, user, session, ctx, "reclaim")


def _selected(session: Session, user: ConsoleUser, ids: list[str], limit: int) -> list[ListedCustomer]:
    chosen = list(dict.fromkeys(ids))
    if not chosen:
        raise ApiError("CBC.0100", field="customer_id", detail="tick at least one customer")
    if len(chosen) > limit:
        raise ApiError("CBC.0100", field="customer_id", detail="more customers than one batch may hold")
    rows = [customer_row(session, user.principal, customer_id) for customer_id in chosen]
    return [row for row in rows if row is not None]


def _batch_form(
    request: Request,
    session: Session,
    ctx: Context,
    user: ConsoleUser,
    ids: list[str],
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    tr = translator(request)
    rows: list[ListedCustomer] = []
    try:
        rows = _selected(session, user, ids, ctx.settings.batch_funding_max_items)
    except ApiError as exc:
        error = error or tr.error(exc)
        status = exc.status
    return PAGES.render(
        request,
        "customers/batch.html",
        {
            "rows": rows,
            "cash": partner_balances(session, user.principal, None)[0]["amount"],
            "error": error,
            "values": values or {"funding_type": "cash", "amount": ""},
            "idempotency_key": (values or {}).get("idempotency_key") or new_idempotency_key(),
        },
        status=status,
    )


@router.get("/customers/batch-fund")
def batch_form(
    request: Request, user: CurrentUser, session: DbSession, ctx: Context, customer_ids: CustomerIds = None
) -> Response:
    return _batch_form(request, session, ctx, user, customer_ids or [])


@router.post("/customers/batch-fund")
def batch(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    tr = translator(request)
    ids = form.values("customer_id")
    funding_type, amount_text, key = (
        form.text("funding_type") or "cash",
        form.text("amount"),
        form.text("idempotency_key"),
    )
    values = {"funding_type": funding_type, "amount": amount_text, "idempotency_key": key}
    try:
        rows = _selected(session, user, ids, ctx.settings.batch_funding_max_items)
        amount_minor = parse_amount(amount_text, "amount", maximum=ctx.settings.max_amount)
        if funding_type not in ("cash", "credit"):
            raise ApiError("CBC.0100", field="funding_type")
    except ApiError as exc:
        raise PageError(
            _batch_form(
                request, session, ctx, user, ids, error=tr.error(exc), values=values, status=exc.status
            )
        ) from exc
    names = {row.customer.id: row.customer.domain_name for row in rows}
    ordered = [customer_id for customer_id in dict.fromkeys(ids)]
    review = Review(
        operation=stepup.Sensitive.BATCH_FUND,
        title=tr.gettext("Batch funding"),
        question=tr.gettext("Confirm adjustment?"),
        action=f"{PREFIX}/customers/batch-fund",
        cancel=f"{PREFIX}/customers/batch-fund?" + "&".join(f"customer_id={cid}" for cid in ordered),
        summary=[
            (tr.gettext("Funding type"), _funding_type_label(tr, funding_type)),
            (tr.gettext("Number of customers"), str(len(ordered))),
            (tr.gettext("Amount each"), money(amount_minor)),
            (tr.gettext("Total"), money(amount_minor * len(ordered))),
        ],
        fields=[("customer_id", cid) for cid in ordered]
        + [("funding_type", funding_type), ("amount", amount_text)],
    )

    def execute() -> Done:
        outcome = batch_fund(
            session,
            ctx,
            user.principal,
            items=[BatchItem(cid, amount_text) for cid in ordered],
            atomic=False,
            dry_run=False,
            funding_type=funding_type,
            indirect_partner_id=None,
            idempotency_key=key or None,
        )
        funded = [
            {
                "login": names.get(item.customer_id, item.customer_id),
                "customer_id": item.customer_id,
                "amount": str(to_decimal(item.amount_minor)),
                "transfer_id": item.transfer_id,
            }
            for item in outcome.funded
        ]
        failed = [
            {
                "login": names.get(item_id, item_id),
                "customer_id": item_id,
                "code": error.code,
                "message": tr.error(error),
            }
            for item_id, error in outcome.failed
        ]
        text = tr.gettext(
            "Batch funding %(batch)s: %(ok)s funded, %(bad)s failed.",
            batch=outcome.batch_id,
            ok=len(funded),
            bad=len(failed),
        )
        kind = "success" if not failed else ("warning" if funded else "error")
        return Done(
            redirect=f"{PREFIX}/customers/batch-fund/result",
            flash=notice(text, kind=kind, batch={"id": outcome.batch_id, "funded": funded, "failed": failed}),
        )

    payload: dict[str, Any] = {
        "customer_ids": ordered,
        "amount_minor": amount_minor,
        "funding_type": funding_type,
    }
    return run_sensitive(
        request, session, ctx, user, form, review, execute, idempotent=("console.batch_fund", payload)
    )


@router.get("/customers/batch-fund/result")
def batch_result(request: Request, user: CurrentUser) -> Response:
    if not user.flash or "batch" not in user.flash:
        return redirect(f"{PREFIX}/customers")
    return PAGES.render(request, "customers/batch_result.html", {"batch": user.flash["batch"]})


def _funding_type_label(tr: Translator, value: str) -> str:
    return tr.gettext("Cash balance") if value == "cash" else tr.gettext("Credit")


# Freeze / unfreeze: not money, no step-up (the policy's list has no such operation); a reason is required.


@router.get("/customers/{customer_id}/freeze")
def freeze_form(request: Request, customer_id: str, user: CurrentUser, session: DbSession) -> Response:
    return _freeze_page(request, session, user, customer_id)


def _freeze_page(
    request: Request,
    session: Session,
    user: ConsoleUser,
    customer_id: str,
    *,
    error: str | None = None,
    reason: str = "",
    status: int = 200,
) -> Response:
    row = _customer(session, user, customer_id)
    return PAGES.render(
        request,
        "customers/freeze.html",
        {
            "customer": row.customer,
            "frozen": row.customer.freeze_type,
            "error": error,
            "reason": reason,
            "types": [FreezeType.ACCOUNT.value, FreezeType.ACCOUNT_AND_RESOURCE.value],
        },
        status=status,
    )


@router.post("/customers/freeze")
def freeze(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    tr = translator(request)
    customer_id, reason = form.text("customer_id"), form.text("reason")
    row = _customer(session, user, customer_id)
    unfreezing = row.customer.freeze_type is not None
    change = unfreeze_customers if unfreezing else freeze_customers
    try:
        freeze_type = row.customer.freeze_type if unfreezing else (form.text("freeze_type") or None)
        batch_request = parse_batch(
            [customer_id],
            reason,
            None,
            freeze_type,
            type_field="unfreeze_type" if unfreezing else "freeze_type",
        )
        failures = change(session, ctx, user.principal, batch_request)
        if failures:
            raise failures[0].error
    except ApiError as exc:
        raise PageError(
            _freeze_page(
                request, session, user, customer_id, error=tr.error(exc), reason=reason, status=exc.status
            )
        ) from exc
    login = row.customer.domain_name
    text = (
        tr.gettext("%(login)s is active again.", login=login)
        if unfreezing
        else tr.gettext("%(login)s is frozen.", login=login)
    )
    return finish(session, user, Done(redirect=f"{PREFIX}/customers/{customer_id}", flash=notice(text)))
