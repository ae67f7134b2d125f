"""Vouchers (coupons): the issued list (reclaimed ones included), issuing from a quota, reclaim, records.

Issuing and reclaiming are sensitive actions with an idempotency key; the rules are ``coupons.service``'s
(face value and validity within the quota, resale customers only, per-customer failures reported).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from partnerhub.console import stepup
from partnerhub.console.actions import Done, Review, notice, run_sensitive
from partnerhub.console.formatting import day_end_utc, day_start_utc, money
from partnerhub.console.listing import (
    csv_response,
    customer_row,
    day,
    export_url,
    offset_of,
    page_info,
    pages_of,
)
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
from partnerhub.coupons.listing import list_coupon_records, list_issued_coupons
from partnerhub.coupons.schemas import (
    CreatePartnerCouponsRequest,
    ListCouponRecordsQuery,
    ListIssuedCouponsQuery,
)
from partnerhub.coupons.service import issue_coupons, parse_issue, reclaim_coupon
from partnerhub.errors import ApiError
from partnerhub.http.deps import Context, DbSession
from partnerhub.kit.money import to_decimal
from partnerhub.quotas.listing import list_quotas
from partnerhub.quotas.schemas import ListQuotaCouponsRequest

router = APIRouter(include_in_schema=False)
Small = Annotated[str | None, Query(max_length=64)]
CustomerIds = Annotated[list[str] | None, Query(alias="customer_id", max_length=64)]


def _names(session: Session, user: ConsoleUser, ids: list[str]) -> dict[str, str]:
    names = {}
    for customer_id in dict.fromkeys(ids):
        row = customer_row(session, user.principal, customer_id)
        if row is not None:
            names[customer_id] = row.customer.domain_name
    return names


@router.get("/vouchers")
def issued_vouchers(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    ctx: Context,
    status: Small = None,
    customer_id: Small = None,
    offset: Small = None,
) -> Response:
    tr = translator(request)
    limit = ctx.settings.console_page_size
    params = {"status": status or "", "customer_id": customer_id or ""}
    coupons: list[dict[str, Any]] = []
    total, start, error = 0, 0, None
    try:
        start = offset_of(offset)
        found = list_issued_coupons(
            session,
            ctx.clock.now(),
            user.partner_id,
            ListIssuedCouponsQuery(
                status=status or None, customer_id=customer_id or None, offset=start, limit=limit
            ),
        )
        coupons, total = found["user_coupons"], found["total_count"]
    except ApiError as exc:
        error = tr.error(exc)
    return PAGES.render(
        request,
        "vouchers/issued.html",
        {
            "coupons": coupons,
            "names": _names(session, user, [coupon["customer_id"] for coupon in coupons]),
            "filters": params,
            "error": error,
            "page": page_info(f"{PREFIX}/vouchers", params, offset=start, limit=limit, total=total),
            "export": export_url(f"{PREFIX}/vouchers/export.csv", params),
        },
        status=400 if error else 200,
    )


@router.get("/vouchers/export.csv")
def export_vouchers(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    ctx: Context,
    status: Small = None,
    customer_id: Small = None,
) -> Response:
    tr = translator(request)

    def fetch(offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
        found = list_issued_coupons(
            session,
            ctx.clock.now(),
            user.partner_id,
            ListIssuedCouponsQuery(
                status=status or None, customer_id=customer_id or None, offset=offset, limit=limit
            ),
        )
        return found["total_count"], found["user_coupons"]

    rows = [
        row for row in pages_of(fetch, maximum=ctx.settings.console_export_max_rows) if isinstance(row, dict)
    ]
    return csv_response(
        "vouchers.csv",
        [
            tr.gettext("Voucher"),
            tr.gettext("Customer ID"),
            tr.gettext("Status"),
            tr.gettext("Face value"),
            tr.gettext("Balance"),
            tr.gettext("Currency"),
            tr.gettext("Effective (UTC)"),
            tr.gettext("Expires (UTC)"),
        ],
        (
            [
                row["coupon_id"],
                row["customer_id"],
                row["status"],
                f"{row['face_value']:.2f}",
                f"{row['balance']:.2f}",
                "CNY",
                row["effective_time"],
                row["expire_time"],
            ]
            for row in rows
        ),
    )


def _usable_quotas(session: Session, ctx: Context, user: ConsoleUser) -> list[dict[str, Any]]:
    found = list_quotas(
        session, ctx.clock.now(), user.partner_id, ListQuotaCouponsRequest(quota_status_list=[0], limit=100)
    )
    quotas: list[dict[str, Any]] = found["quotas"]
    return quotas


def _issue_form(
    request: Request,
    session: Session,
    ctx: Context,
    user: ConsoleUser,
    ids: list[str],
    *,
    values: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    return PAGES.render(
        request,
        "vouchers/issue.html",
        {
            "quotas": _usable_quotas(session, ctx, user),
            "customers": _names(session, user, ids),
            "values": values or {},
            "error": error,
            "idempotency_key": (values or {}).get("idempotency_key") or new_idempotency_key(),
        },
        status=status,
    )


@router.get("/vouchers/issue")
def issue_form(
    request: Request, user: CurrentUser, session: DbSession, ctx: Context, customer_ids: CustomerIds = None
) -> Response:
    return _issue_form(request, session, ctx, user, customer_ids or [])


def _issue_request(values: dict[str, str], ids: list[str]) -> CreatePartnerCouponsRequest:
    valid_day, expire_day = day(values["valid_from"], "valid_time"), day(values["valid_until"], "expire_time")
    codes = [code.strip() for code in values["service_types"].replace("，", ",").split(",") if code.strip()]
    return CreatePartnerCouponsRequest(
        quota_id=values["quota_id"],
        customer_ids=ids,
        face_value=values["face_value"],
        valid_time=day_start_utc(valid_day) if valid_day else None,
        expire_time=day_end_utc(expire_day) if expire_day else None,
        cloud_service_types=codes or None,
        memo=values["memo"] or None,
    )


@router.post("/vouchers/issue")
def issue(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    tr = translator(request)
    ids = list(dict.fromkeys(form.values("customer_id")))
    fields = (
        "quota_id",
        "face_value",
        "valid_from",
        "valid_until",
        "service_types",
        "memo",
        "idempotency_key",
    )
    values = {name: form.text(name) for name in fields}
    try:
        body = _issue_request(values, ids)
        parsed = parse_issue(body, ctx.settings.max_amount)
    except ApiError as exc:
        raise PageError(
            _issue_form(
                request, session, ctx, user, ids, values=values, error=tr.error(exc), status=exc.status
            )
        ) from exc
    names = _names(session, user, ids)
    review = Review(
        operation=stepup.Sensitive.COUPON_ISSUE,
        title=tr.gettext("Issue vouchers"),
        question=tr.gettext("Issue these vouchers?"),
        action=f"{PREFIX}/vouchers/issue",
        cancel=f"{PREFIX}/vouchers/issue?" + "&".join(f"customer_id={cid}" for cid in ids),
        summary=[
            (tr.gettext("Quota"), parsed.quota_id[:12] + "…"),
            (tr.gettext("Customers"), ", ".join(names.get(cid, cid) for cid in ids)),
            (tr.gettext("Face value"), money(parsed.face_minor)),
            (tr.gettext("Total"), money(parsed.face_minor * len(ids))),
        ],
        fields=[("customer_id", cid) for cid in ids] + [(name, values[name]) for name in fields[:-1]],
    )

    def execute() -> Done:
        result = issue_coupons(session, ctx.clock.now(), user.principal, user.partner_id, parsed)
        failed = [f"{names.get(cid, cid)}: {tr.error(error)}" for cid, error in result.failed]
        text = tr.gettext("%(ok)s vouchers issued, %(bad)s failed.", ok=len(result.issued), bad=len(failed))
        if failed:
            text += " " + "; ".join(failed)
        kind = "success" if not failed else ("warning" if result.issued else "error")
        return Done(redirect=f"{PREFIX}/vouchers", flash=notice(text, kind=kind))

    payload = {
        "quota_id": parsed.quota_id,
        "customer_ids": ids,
        "face_minor": parsed.face_minor,
        "valid": values["valid_from"],
        "until": values["valid_until"],
        "types": parsed.service_types,
        "memo": parsed.memo,
    }
    return run_sensitive(
        request, session, ctx, user, form, review, execute, idempotent=("console.coupon_issue", payload)
    )


@router.post("/vouchers/reclaim")
def reclaim(
    request: Request, form: CheckedForm, user: CurrentUser, session: DbSession, ctx: Context
) -> Response:
    tr = translator(request)
    coupon_id = form.text("coupon_id")
    found = (
        list_issued_coupons(
            session,
            ctx.clock.now(),
            user.partner_id,
            ListIssuedCouponsQuery(coupon_id=coupon_id or None, limit=1),
        )["user_coupons"]
        if coupon_id and len(coupon_id) <= 64
        else []
    )
    if not found:
        raise ApiError("CBC.0100", field="coupon_id", detail="no such coupon")
    coupon = found[0]
    login = _names(session, user, [coupon["customer_id"]]).get(coupon["customer_id"], coupon["customer_id"])
    review = Review(
        operation=stepup.Sensitive.COUPON_RECLAIM,
        title=tr.gettext("Reclaim a voucher"),
        question=tr.gettext("Reclaim this voucher's remaining balance?"),
        action=f"{PREFIX}/vouchers/reclaim",
        cancel=f"{PREFIX}/vouchers",
        summary=[
            (tr.gettext("Customer"), login),
            (tr.gettext("Face value"), money(coupon["face_value"])),
            (tr.gettext("Remaining balance"), money(coupon["balance"])),
        ],
        fields=[("coupon_id", coupon_id)],
        confirm_label=tr.gettext("Reclaim"),
        danger=True,
    )

    def execute() -> Done:
        amount = reclaim_coupon(session, ctx.clock.now(), user.principal, user.partner_id, coupon_id)
        text = tr.gettext(
            "Reclaimed %(amount)s from the voucher of %(login)s.", amount=money(amount), login=login
        )
        dialog = {
            "title": tr.gettext("Voucher reclaimed"),
            "label": tr.gettext("Amount actually reclaimed"),
            "amount": str(to_decimal(amount)),
        }
        return Done(redirect=f"{PREFIX}/vouchers", flash=notice(text, dialog=dialog))

    return run_sensitive(
        request,
        session,
        ctx,
        user,
        form,
        review,
        execute,
        idempotent=("console.coupon_reclaim", {"coupon_id": coupon_id}),
    )


@router.get("/vouchers/records")
def voucher_records(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    ctx: Context,
    operation: Small = None,
    offset: Small = None,
    export: Small = None,
) -> Response:
    tr = translator(request)
    limit = ctx.settings.console_page_size
    params = {"operation": operation or ""}

    def query(start: int, size: int) -> ListCouponRecordsQuery:
        return ListCouponRecordsQuery(
            operation_types=[operation] if operation else None, offset=start, limit=size
        )

    if export:

        def fetch(start: int, size: int) -> tuple[int, list[dict[str, Any]]]:
            found = list_coupon_records(session, user.partner_id, query(start, size))
            return found["total_count"], found["records"]

        rows = [
            row
            for row in pages_of(fetch, maximum=ctx.settings.console_export_max_rows)
            if isinstance(row, dict)
        ]
        return csv_response(
            "voucher-records.csv",
            [
                tr.gettext("Time (UTC)"),
                tr.gettext("Operation"),
                tr.gettext("Voucher"),
                tr.gettext("Customer ID"),
                tr.gettext("Amount"),
                tr.gettext("Currency"),
                tr.gettext("Quota"),
            ],
            (
                [
                    row["operation_time"],
                    row["operation_type"],
                    row["coupon_id"],
                    row["customer_id"],
                    f"{row['operation_amount']:.2f}",
                    "CNY",
                    row["quota_id"],
                ]
                for row in rows
            ),
        )
    records: list[dict[str, Any]] = []
    total, start, error = 0, 0, None
    try:
        start = offset_of(offset)
        found = list_coupon_records(session, user.partner_id, query(start, limit))
        records, total = found["records"], found["total_count"]
    except ApiError as exc:
        error = tr.error(exc)
    return PAGES.render(
        request,
        "vouchers/records.html",
        {
            "records": records,
            "names": _names(session, user, [record["customer_id"] for record in records]),
            "filters": params,
            "error": error,
            "page": page_info(f"{PREFIX}/vouchers/records", params, offset=start, limit=limit, total=total),
            "export": export_url(f"{PREFIX}/vouchers/records", {**params, "export": "1"}),
        },
        status=400 if error else 200,
    )
