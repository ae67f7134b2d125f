"""Partner API routes that read money (SPEC A.9–A.12)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from partnerhub.funding.queries import (
    Page,
    account_changes,
    adjust_records,
    customer_balances,
    partner_balances,
)
from partnerhub.funding.schemas import (
    ListCustomersBalancesDetailResponse,
    ListPartnerAccountChangeRecordsResponse,
    ListPartnerAdjustRecordsResponse,
    ListPartnerBalancesResponse,
    QueryCustomersBalancesReq,
)
from partnerhub.http.deps import Context, DbSession, PartnerCaller, reads_only
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute, json_response
from partnerhub.ledger.accounts import Asset

router = APIRouter(route_class=ApiRoute, tags=["funding records"])

Offset = Annotated[int, Query(ge=0, le=2_147_483_647, description="0-based offset (default 0).")]
Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1-100 (default 10).")]
IndirectPartner = Annotated[
    str | None,
    Query(max_length=64, description="A distributor reading one of its own resellers (else CBC.99000037)."),
]


def _drop_none(record: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in record.items() if value is not None}


@router.get(
    "/v3/accounts/partner-accounts/adjust-records",
    name="list_partner_adjust_records",
    response_model=ListPartnerAdjustRecordsResponse,
    responses=error_responses("CBC.99000037"),
    summary="Fundings and reclaims the partner made, customers and (for distributors) resellers (A.9)",
)
@reads_only
def list_adjust_records(
    caller: PartnerCaller,
    session: DbSession,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    operation_type: Annotated[
        str | None,
        Query(
            max_length=64,
            description="SOURCE_OPERATION_BEADJUST | SOURCE_OPERATION_BERETRIEVE | "
            "SOURCE_OPERATION_BEUNBIND; absent or empty: all.",
        ),
    ] = None,
    operation_time_begin: Annotated[
        str | None, Query(max_length=20, description="UTC yyyy-MM-ddTHH:mm:ssZ")
    ] = None,
    operation_time_end: Annotated[
        str | None, Query(max_length=20, description="UTC yyyy-MM-ddTHH:mm:ssZ")
    ] = None,
    trans_id: Annotated[str | None, Query(max_length=128)] = None,
    offset: Offset = 0,
    limit: Limit = 10,
    indirect_partner_id: IndirectPartner = None,
) -> Response:
    total, records = adjust_records(
        session,
        caller,
        indirect_partner_id=indirect_partner_id,
        customer_id=customer_id,
        operation_type=operation_type,
        begin=operation_time_begin,
        end=operation_time_end,
        trans_id=trans_id,
        page=Page(offset, limit),
    )
    return json_response({"records": [_drop_none(record) for record in records], "total_count": total})


@router.get(
    "/v2/accounts/partner-accounts/balances",
    name="list_partner_balances",
    response_model=ListPartnerBalancesResponse,
    responses=error_responses("CBC.99000037"),
    summary="The partner's cash balance, or a reseller's for its distributor (A.10)",
    description="One account: `account_type` 1 (cash). partnerhub keeps no credit, bonus or deposit accounts "
    "and no earmarked money, so `designated_amount` and `credit_amount` are 0.",
)
@reads_only
def list_balances(
    caller: PartnerCaller, session: DbSession, indirect_partner_id: IndirectPartner = None
) -> Response:
    return json_response({"account_balances": partner_balances(session, caller, indirect_partner_id)})


@router.get(
    "/v2/accounts/partner-accounts/account-change-records",
    name="list_partner_account_change_records",
    response_model=ListPartnerAccountChangeRecordsResponse,
    responses=error_responses("CBC.99000037"),
    summary="Income and expense of the partner's cash account (A.11)",
    description="`trade_time_begin`/`trade_time_end` are UTC+8 dates `YYYY-MM-DD`, both inclusive (defaults: "
    "a year ago today / today). `change_amount` is the magnitude; `type` 1 = income, 2 = expense. "
    "`BALANCE_TYPE_CREDIT` lists nothing: partnerhub keeps no credit accounts.",
)
@reads_only
def list_account_change_records(
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    balance_type: Annotated[
        str | None, Query(description="Required: BALANCE_TYPE_DEBIT (cash) | BALANCE_TYPE_CREDIT.")
    ] = None,
    trade_type: Annotated[str | None, Query(max_length=20)] = None,
    trade_time_begin: Annotated[str | None, Query(max_length=10)] = None,
    trade_time_end: Annotated[str | None, Query(max_length=10)] = None,
    offset: Offset = 0,
    limit: Limit = 10,
    indirect_partner_id: IndirectPartner = None,
) -> Response:
    total, records = account_changes(
        session,
        caller,
        ctx.clock,
        indirect_partner_id=indirect_partner_id,
        balance_type=balance_type,
        trade_type=trade_type,
        begin=trade_time_begin,
        end=trade_time_end,
        page=Page(offset, limit),
    )
    return json_response(
        {
            "total_count": total,
            "currency": Asset.CNY.value,
            "records": [_drop_none(record) for record in records],
        }
    )


@router.post(
    "/v2/accounts/customer-accounts/balances/batch-query",
    name="list_customers_balances_detail",
    response_model=ListCustomersBalancesDetailResponse,
    responses=error_responses("CBC.99000037"),
    summary="Partner-funded balances of the partner's resale customers (A.12)",
    description="Referral, foreign and unknown customers are left out silently. 1-100 customers per call.",
)
@reads_only
def list_customers_balances(
    body: QueryCustomersBalancesReq, caller: PartnerCaller, session: DbSession
) -> Response:
    balances = customer_balances(
        session, caller, [info.customer_id for info in body.customer_infos], body.indirect_partner_id
    )
    return json_response({"customer_balances": balances})
