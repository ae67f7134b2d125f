"""``partnerhub quota grant|list``: voucher quotas the platform grants and what a partner holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

from partnerhub.cli.common import JsonFlag, emit, fail, transaction
from partnerhub.errors import invalid
from partnerhub.kit.clock import format_utc
from partnerhub.kit.money import parse_amount, to_text
from partnerhub.partners.models import PartnerKind
from partnerhub.partners.service import find_partner, get_partner
from partnerhub.quotas.listing import list_quotas
from partnerhub.quotas.models import QuotaType
from partnerhub.quotas.schemas import ListQuotaCouponsRequest
from partnerhub.quotas.service import QuotaGrant, grant_quota

quota_app = typer.Typer(help="Voucher quotas granted by the platform.", no_args_is_help=True)


def parse_moment(value: str, field: str) -> datetime:
    """An ISO-8601 time; without an offset it is taken as UTC. CBC.0100 naming ``field`` otherwise."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise invalid(field, "use ISO-8601, e.g. 2027-01-01T00:00:00Z") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def split_option(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip()) if value else ()


@quota_app.command("grant")
def quota_grant(
    partner: Annotated[str, typer.Option(help="Partner id (a distributor or solution provider).")],
    amount: Annotated[str, typer.Option(help="Yuan, > 0, at most 2 decimals, e.g. 5000.00.")],
    quota_type: Annotated[
        int, typer.Option("--type", help="0 voucher quota (default), 1 cash-coupon quota.")
    ] = 0,
    effective: Annotated[str | None, typer.Option(help="ISO-8601 start (default: now).")] = None,
    expires: Annotated[
        str | None, typer.Option(help="ISO-8601 end (default: a year after the start).")
    ] = None,
    min_face: Annotated[str | None, typer.Option(help="Smallest face value a coupon may have.")] = None,
    max_face: Annotated[str | None, typer.Option(help="Largest face value a coupon may have.")] = None,
    service_types: Annotated[
        str | None, typer.Option(help="Comma-separated service type codes (default: any).")
    ] = None,
    product_ids: Annotated[
        str | None, typer.Option(help="Comma-separated product ids (default: any).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Grant a distributor or solution provider a voucher quota (platform:voucher → the new quota).

    Resellers get their quotas from their distributor (A.18), never from the platform."""
    with transaction(as_json) as (session, ctx):
        now = ctx.clock.now()
        start = parse_moment(effective, "effective") if effective else now
        end = (
            parse_moment(expires, "expires")
            if expires
            else start + timedelta(days=ctx.settings.quota_default_validity_days)
        )
        if quota_type not in (0, 1):
            raise invalid("type", "must be 0 or 1")
        grantee = find_partner(session, partner)  # an unknown id: grant_quota's own CBC.0100
        if grantee is not None and grantee.kind == PartnerKind.RESELLER.value:
            # A reseller's quotas come from its distributor (A.18): the platform grants it none.
            raise invalid("partner", "a reseller receives quotas from its distributor, not from the platform")
        maximum = ctx.settings.max_amount
        grant = QuotaGrant(
            partner_id=partner,
            amount_minor=parse_amount(amount, "amount", maximum=maximum),
            effective_time=start,
            expire_time=end,
            quota_type=QuotaType(quota_type),
            min_face_minor=parse_amount(min_face, "min-face", maximum=maximum) if min_face else None,
            max_face_minor=parse_amount(max_face, "max-face", maximum=maximum) if max_face else None,
            service_types=split_option(service_types),
            product_ids=split_option(product_ids),
        )
        quota = grant_quota(session, now, grant)
        data = {
            "quota_id": quota.id,
            "partner_id": partner,
            "quota_type": quota.quota_type,
            "amount": to_text(quota.quota_value_minor),
            "effective_time": format_utc(quota.effective_time),
            "expire_time": format_utc(quota.expire_time),
        }
    emit(
        data,
        as_json,
        f"granted quota {data['quota_id']} of {data['amount']} CNY to {partner} "
        f"({data['effective_time']} – {data['expire_time']})",
    )


@quota_app.command("list")
def quota_list(
    partner: Annotated[str, typer.Option(help="Partner id whose quotas to list.")],
    quota_type: Annotated[
        int | None, typer.Option("--type", help="Only 0 (voucher) or 1 (cash-coupon) quotas.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """The partner's quotas with their ledger balances, as the API lists them (A.17), newest first."""
    if quota_type not in (None, 0, 1):
        fail(invalid("type", "must be 0 or 1"), as_json)
    quotas: list[dict[str, Any]] = []
    with transaction(as_json) as (session, ctx):
        get_partner(session, partner)
        for wanted in (0, 1) if quota_type is None else (quota_type,):
            # 100 is the API's page size; a partner holding more quotas than that is not expected here.
            page = list_quotas(
                session, ctx.clock.now(), partner, ListQuotaCouponsRequest(quota_type=wanted, limit=100)
            )
            quotas += page["quotas"]
    text = "\n".join(
        f"{q['quota_id']}  type {q['quota_type']}  status {q['quota_status']}  balance {q['balance']} of "
        f"{q['quota_value']} {q['currency']}  until {q['expire_time']}"
        for q in quotas
    )
    emit({"quotas": quotas}, as_json, text or "no quotas")
