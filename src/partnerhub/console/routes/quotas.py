"""Voucher quotas: the partner's own quotas; for distributors, issuing quota to cloud resellers ("Add cloud
resellers", "Reselect quota", amount, confirm), the issued quotas with reclaim, and the quota records.

The rules are ``quotas.service``'s; issuing and reclaiming are sensitive actions with an idempotency key.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from partnerhub.console import stepup
from partnerhub.console.actions import Done, Review, notice, run_sensitive
from partnerhub.console.formatting import money
from partnerhub.console.listing import csv_response, export_url, offset_of, page_info, pages_of
from partnerhub.console.web import (
    PAGES,
    PREFIX,
    CheckedForm,
    ConsoleUser,
    CurrentUser,
    PageError,
    new_idempotency_key,
    translator,
)
from partnerhub.errors import ApiError
from partnerhub.http.deps import Context, DbSession
from partnerhub.kit.money import parse_amount, to_decimal
from partnerhub.partners.resellers import list_resellers
from partnerhub.partners.schemas import QueryIndirectPartnersReq
from partnerhub.quotas.listing import list_issued_quotas, list_quota_records, list_quotas
from partnerhub.quotas.schemas import (
    ListCouponQuotasRecordsQuery,
    ListIssuedCouponQuotasQuery,
    ListQuotaCouponsRequest,
)
from partnerhub.quotas.service import issue_to_resellers, reclaim_from_resellers, require_distributor

router = APIRouter(include_in_schema=False)
Small = Annotated[str | None, Query(max_length=64)]


@router.get("/quotas")
def my_quotas(
    request: Request, user: CurrentUser, session: DbSession, ctx: Context, offset: Small = None
) -> Response:
    tr = translator(request)
    limit = ctx.settings.console_page_size
    quotas: list[dict[str, Any]] = []
    total, start, error = 0, 0, None
    try:
        start = offset_of(offset)
        found = list_quotas(
            session, ctx.clock.now(), user.partner_id, ListQuotaCouponsRequest(offset=start, limit=limit)
        )
        quotas, total = found["quotas"], found["total_count"]
    except ApiError as exc:
        error = tr.error(exc)
    return PAGES.render(
        request,
        "quotas/list.html",
        {
            "quotas": quotas,
            "error": error,
            "page": page_info(f"{PREFIX}/quotas", {}, offset=start, limit=limit, total=total),
        },
    )


def _issue_page(
    request: Request,
    session: Session,
    ctx: Context,
    user: ConsoleUser,
    *,
    quota_id: str | None,
    search: str = "",
    ticked: list[str] | None = None,
    amount: str = "",
    key: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    tr = translator(request)
    require_distributor(user.principal)
    quotas = list_quotas(
        session, ctx.clock.now(), user.partner_id, ListQuotaCouponsRequest(quota_status_list=[0], limit=100)
    )["quotas"]
    chosen = next((quota for quota in quotas if quota["quota_id"] == quota_id), None)
    resellers = []
    if chosen is not None:
        try:
            found = list_resellers(
                session, user.principal, QueryIndirectPartnersReq(account_name=search or None, limit=100)
            )
            resellers = list(found.rows)
        except ApiError as exc:
            error = error or tr.error(exc)
    return PAGES.render(
        request,
        "quotas/issue.html",
        {
            "quotas": quotas,
            "chosen": chosen,
            "resellers": resellers,
            "search": search,
            "ticked": set(ticked or []),
            "amount": amount,
            "error": error,
            "idempotency_key": key or new_idempotency_key(),
        },
        status=status,
    )


@router.get("/quotas/issue")
def issue_form(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    ctx: Context,
    quota_id: Small = None,
    search: Small = None,
) -> Response:
    return _issue_page(request, session, ctx, user, quota_id=quota_id, search=search or "")


@router.post("/quotas/issue")
def issue(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    tr = translator(request)
    quota_id, amount_text, key = form.text("quota_id"), form.text("amount"), form.text("idempotency_key")
    reseller_ids = list(dict.fromkeys(form.values("reseller_id")))
    try:
        require_distributor(user.principal)
        if not reseller_ids:
            raise ApiError("CBC.0100", field="indirect_partner_ids", detail="add at least one cloud reseller")
        amount_minor = parse_amount(amount_text, "quota_amount", maximum=ctx.settings.max_amount)
        found = list_resellers(session, user.principal, QueryIndirectPartnersReq(limit=100))
        names = {row.id: row.account_name for row in found.rows}
    except ApiError as exc:
        raise PageError(
            _issue_page(
                request,
                session,
                ctx,
                user,
                quota_id=quota_id,
                ticked=reseller_ids,
                amount=amount_text,
                key=key,
                error=tr.error(exc),
                status=exc.status,
            )
        ) from exc
    review = Review(
        operation=stepup.Sensitive.QUOTA_ISSUE,
        title=tr.gettext("Issue voucher quota"),
        question=tr.gettext("Issue this quota to the cloud resellers?"),
        action=f"{PREFIX}/quotas/issue",
        cancel=f"{PREFIX}/quotas/issue?quota_id={quota_id}",
        summary=[
            (tr.gettext("Quota"), quota_id[:12] + "…"),
            (tr.gettext("Cloud resellers"), ", ".join(names.get(rid, rid) for rid in reseller_ids)),
            (tr.gettext("Amount each"), money(amount_minor)),
            (tr.gettext("Total"), money(amount_minor * len(reseller_ids))),
        ],
        fields=[("quota_id", quota_id), ("amount", amount_text)]
        + [("reseller_id", rid) for rid in reseller_ids],
    )

    def execute() -> Done:
        result = issue_to_resellers(
            session, ctx.clock.now(), user.principal, quota_id, reseller_ids, amount_minor
        )
        failed = [f"{names.get(rid, rid)}: {tr.error(error)}" for rid, error in result.failed]
        text = tr.gettext(
            "Quota issued to %(ok)s cloud resellers, %(bad)s failed.", ok=len(result.done), bad=len(failed)
        )
        if failed:
            text += " " + "; ".join(failed)
        kind = "success" if not failed else ("warning" if result.done else "error")
        return Done(redirect=f"{PREFIX}/quotas/issued", flash=notice(text, kind=kind))

    payload = {"quota_id": quota_id, "resellers": reseller_ids, "amount_minor": amount_minor}
    return run_sensitive(
        request, session, ctx, user, form, review, execute, idempotent=("console.quota_issue", payload)
    )


@router.get("/quotas/issued")
def issued_quotas(
    request: Request, user: CurrentUser, session: DbSession, ctx: Context, offset: Small = None
) -> Response:
    tr = translator(request)
    require_distributor(user.principal)
    limit = ctx.settings.console_page_size
    quotas: list[dict[str, Any]] = []
    total, start, error = 0, 0, None
    try:
        start = offset_of(offset)
        found = list_issued_quotas(
            session, ctx.clock.now(), user.partner_id, ListIssuedCouponQuotasQuery(offset=start, limit=limit)
        )
        quotas, total = found["quotas"], found["total_count"]
    except ApiError as exc:
        error = tr.error(exc)
    return PAGES.render(
        request,
        "quotas/issued.html",
        {
            "quotas": quotas,
            "error": error,
            "page": page_info(f"{PREFIX}/quotas/issued", {}, offset=start, limit=limit, total=total),
        },
    )


@router.post("/quotas/reclaim")
def reclaim(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    tr = translator(request)
    require_distributor(user.principal)
    quota_id = form.text("quota_id")
    found = (
        list_issued_quotas(
            session,
            ctx.clock.now(),
            user.partner_id,
            ListIssuedCouponQuotasQuery(quota_id=quota_id or None, limit=1),
        )["quotas"]
        if quota_id and len(quota_id) <= 64
        else []
    )
    if not found:
        raise ApiError("CBC.99000012", field="quota_id")
    quota = found[0]
    review = Review(
        operation=stepup.Sensitive.QUOTA_RECLAIM,
        title=tr.gettext("Reclaim a voucher quota"),
        question=tr.gettext("Reclaim this quota's remaining balance?"),
        action=f"{PREFIX}/quotas/reclaim",
        cancel=f"{PREFIX}/quotas/issued",
        summary=[
            (tr.gettext("Cloud reseller"), quota["indirect_partner_account_name"]),
            (tr.gettext("Quota amount"), money(quota["quota_value"])),
            (tr.gettext("Remaining balance"), money(quota["balance"])),
        ],
        fields=[("quota_id", quota_id)],
        confirm_label=tr.gettext("Reclaim"),
        danger=True,
    )

    def execute() -> Done:
        result = reclaim_from_resellers(session, ctx.clock.now(), user.principal, [quota_id], None)
        if result.failed:
            raise result.failed[0][1]
        amount = result.done[0].amount_minor
        text = tr.gettext(
            "Reclaimed %(amount)s of voucher quota from %(reseller)s.",
            amount=money(amount),
            reseller=quota["indirect_partner_account_name"],
        )
        dialog = {
            "title": tr.gettext("Quota reclaimed"),
            "label": tr.gettext("Quota amount actually reclaimed"),
            "amount": str(to_decimal(amount)),
        }
        return Done(redirect=f"{PREFIX}/quotas/issued", flash=notice(text, dialog=dialog))

    return run_sensitive(
        request,
        session,
        ctx,
        user,
        form,
        review,
        execute,
        idempotent=("console.quota_reclaim", {"quota_id": quota_id}),
    )


@router.get("/quotas/records")
def quota_records(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    ctx: Context,
    operation: Small = None,
    offset: Small = None,
    export: Small = None,
) -> Response:
    tr = translator(request)
    require_distributor(user.principal)
    limit = ctx.settings.console_page_size
    params = {"operation": operation or ""}

    def fetch(start: int, size: int) -> tuple[int, list[dict[str, Any]]]:
        found = list_quota_records(
            session,
            user.partner_id,
            ListCouponQuotasRecordsQuery(operation_type=operation or None, offset=start, limit=size),
        )
        return found["total_count"], found["records"]

    if export:
        rows = [
            row
            for row in pages_of(fetch, maximum=ctx.settings.console_export_max_rows)
            if isinstance(row, dict)
        ]
        return csv_response(
            "quota-records.csv",
            [
                tr.gettext("Time (UTC)"),
                tr.gettext("Operation"),
                tr.gettext("Cloud reseller"),
                tr.gettext("Quota"),
                tr.gettext("Amount"),
                tr.gettext("Currency"),
            ],
            (
                [
                    row["operation_time"],
                    row["operation_type"],
                    row["indirect_partner_account_name"],
                    row["quota_id"],
                    f"{row['amount']:.2f}",
                    "CNY",
                ]
                for row in rows
            ),
        )
    records: list[dict[str, Any]] = []
    total, start, error = 0, 0, None
    try:
        start = offset_of(offset)
        total, records = fetch(start, limit)
    except ApiError as exc:
        error = tr.error(exc)
    return PAGES.render(
        request,
        "quotas/records.html",
        {
            "records": records,
            "filters": params,
            "error": error,
            "page": page_info(f"{PREFIX}/quotas/records", params, offset=start, limit=limit, total=total),
            "export": export_url(f"{PREFIX}/quotas/records", {**params, "export": "1"}),
        },
    )
