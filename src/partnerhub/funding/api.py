"""Partner API routes that move money (SPEC A.7, A.8, A.23, A.24) and partnerhub's batch funding.

Every route here accepts an ``X-Client-Token`` idempotency key (see ``partnerhub.idempotency``) and is a
sensitive operation for step-up (``partnerhub.stepup``): with ``step_up_api`` on, a first execution needs
``X-Verification-Code``; a replay of a stored response does not. A batch dry run moves nothing and needs none.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from partnerhub.funding.batch import BatchItem, batch_fund
from partnerhub.funding.schemas import (
    AdjustAccountReq,
    AdjustToIndirectPartnerReq,
    BatchAdjustReq,
    BatchAdjustResponse,
    ReclaimIndirectPartnerAccountReq,
    ReclaimToPartnerAccountBalancesReq,
    TransferIdResponse,
    TransIdResponse,
)
from partnerhub.funding.service import fund_customer, fund_reseller, reclaim_customer, reclaim_reseller
from partnerhub.http.deps import Context, DbSession, PartnerCaller, RequestLanguage
from partnerhub.http.errors import error_responses
from partnerhub.http.responses import ApiRoute
from partnerhub.idempotency.http import ClientToken, run_once
from partnerhub.kit.money import parse_amount, to_decimal
from partnerhub.stepup.api import STEP_UP_CODES, StepUp
from partnerhub.stepup.policy import Sensitive

router = APIRouter(route_class=ApiRoute, tags=["funding"])

CUSTOMER_CODES = ("CBC.0409", "CBC.5021", "CBC.99000035", "CBC.99000037", "CBC.99005003", *STEP_UP_CODES)
RESELLER_CODES = ("CBC.0409", "CBC.99000037", "CBC.99005003", *STEP_UP_CODES)

BATCH_DESCRIPTION = """
partnerhub's API for the console's 批量拨款 (batch funding): up to 100 `{customer_id, amount}` items
(setting `PARTNERHUB_BATCH_FUNDING_MAX_ITEMS`), each checked by the same rules as `adjust-amount`.

* `mode: partial` (default) — HTTP 200; funded items are in `adjust_results` with their `transfer_id`,
  failed ones in `error_details` (`id` = the customer id) with the code `adjust-amount` would have answered.
* `mode: atomic` — all or nothing: the first failing item answers its error (field `adjust_infos[i].…`)
  and no money moves.
* `dry_run: true` — every check, including the running balance, but nothing moves and no ids are issued;
  `X-Client-Token` is ignored for dry runs.

**Funding type (拨款类型).** partnerhub funds customers from the partner's **cash** account (`account_type`
1, what the operator tops up and resellers receive). The console also knows funding from a **credit**
line (`account_type` 2): money the platform lends the partner up to a limit and bills later. partnerhub
does not keep credit lines — they need limits, repayment and overdue rules that belong to the platform's
billing — so `funding_type: credit` answers 501 `CBC.0501`, and `list_partner_balances` shows only the
cash account.
"""


@router.post(
    "/v2/accounts/partner-accounts/adjust-amount",
    name="update_customer_account_amount",
    response_model=TransferIdResponse,
    responses=error_responses(*CUSTOMER_CODES, "CBC.8214"),
    summary="Fund a resale customer from the partner's cash (A.7)",
    description="Referral customers: CBC.5021. Frozen customers: CBC.8214. With `indirect_partner_id` a "
    "distributor funds its reseller's customer from the reseller's cash.",
)
def adjust_amount(
    body: AdjustAccountReq,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    amount_minor = parse_amount(body.amount, "amount", maximum=ctx.settings.max_amount)

    def execute(key: str | None) -> tuple[Any, int]:
        moved = fund_customer(
            session,
            ctx,
            caller,
            customer_id=body.customer_id,
            amount_minor=amount_minor,
            indirect_partner_id=body.indirect_partner_id,
            idempotency_key=key,
        )
        return {"transfer_id": moved.transaction_id}, 200

    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=client_token,
        operation="update_customer_account_amount",
        payload=body.model_dump(),
        execute=execute,
        guard=step_up.guard(session, ctx, caller, Sensitive.FUND),
    )


@router.post(
    "/v2/accounts/partner-accounts/reclaim",
    name="reclaim_to_partner_account",
    response_model=TransIdResponse,
    responses=error_responses(*CUSTOMER_CODES, "CBC.99000047"),
    summary="Reclaim money from a resale customer's partner-funded account (A.8)",
    description="At most what the account holds (CBC.99005003); a customer never funded has no such "
    "account (CBC.99000047). Frozen customers may be reclaimed from.",
)
def reclaim(
    body: ReclaimToPartnerAccountBalancesReq,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    amount_minor = parse_amount(body.amount, "amount", maximum=ctx.settings.max_amount)

    def execute(key: str | None) -> tuple[Any, int]:
        moved = reclaim_customer(
            session,
            ctx,
            caller,
            customer_id=body.customer_id,
            amount_minor=amount_minor,
            indirect_partner_id=body.indirect_partner_id,
            idempotency_key=key,
        )
        return {"trans_id": moved.transaction_id}, 200

    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=client_token,
        operation="reclaim_to_partner_account",
        payload=body.model_dump(),
        execute=execute,
        guard=step_up.guard(session, ctx, caller, Sensitive.RECLAIM),
    )


@router.post(
    "/v2/accounts/partner-accounts/indirect-partner-adjust",
    name="update_indirect_partner_account",
    response_model=TransferIdResponse,
    responses=error_responses(*RESELLER_CODES),
    summary="Fund one of the distributor's cloud resellers (A.23)",
    description="Distributors only (others: 403 CBC.0151); only its own resellers (CBC.99000037).",
)
def indirect_partner_adjust(
    body: AdjustToIndirectPartnerReq,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    amount_minor = parse_amount(body.amount, "amount", maximum=ctx.settings.max_amount)

    def execute(key: str | None) -> tuple[Any, int]:
        moved = fund_reseller(
            session,
            ctx,
            caller,
            reseller_id=body.indirect_partner_id,
            amount_minor=amount_minor,
            idempotency_key=key,
        )
        return {"transfer_id": moved.transaction_id}, 200

    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=client_token,
        operation="update_indirect_partner_account",
        payload=body.model_dump(),
        execute=execute,
        guard=step_up.guard(session, ctx, caller, Sensitive.RESELLER_FUND),
    )


@router.post(
    "/v2/accounts/partner-accounts/indirect-partner-reclaim",
    name="reclaim_indirect_partner_account",
    response_model=TransIdResponse,
    responses=error_responses(*RESELLER_CODES),
    summary="Reclaim money from one of the distributor's cloud resellers (A.24)",
    description="At most the reseller's cash balance (CBC.99005003). Distributors only (others: 403 "
    "CBC.0151); only its own resellers (CBC.99000037).",
)
def indirect_partner_reclaim(
    body: ReclaimIndirectPartnerAccountReq,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    amount_minor = parse_amount(body.amount, "amount", maximum=ctx.settings.max_amount)

    def execute(key: str | None) -> tuple[Any, int]:
        moved = reclaim_reseller(
            session,
            ctx,
            caller,
            reseller_id=body.indirect_partner_id,
            amount_minor=amount_minor,
            idempotency_key=key,
        )
        return {"trans_id": moved.transaction_id}, 200

    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=client_token,
        operation="reclaim_indirect_partner_account",
        payload=body.model_dump(),
        execute=execute,
        guard=step_up.guard(session, ctx, caller, Sensitive.RESELLER_RECLAIM),
    )


@router.post(
    "/v2/accounts/partner-accounts/batch-adjust",
    name="batch_update_customer_account_amount",
    response_model=BatchAdjustResponse,
    responses=error_responses(*CUSTOMER_CODES, "CBC.8214", "CBC.0501"),
    summary="Fund many resale customers at once (partnerhub; the console's batch funding)",
    description=BATCH_DESCRIPTION,
)
def batch_adjust(
    body: BatchAdjustReq,
    caller: PartnerCaller,
    session: DbSession,
    ctx: Context,
    language: RequestLanguage,
    step_up: StepUp,
    client_token: ClientToken = None,
) -> Response:
    items = [BatchItem(item.customer_id, item.amount) for item in body.adjust_infos]

    def execute(key: str | None) -> tuple[Any, int]:
        outcome = batch_fund(
            session,
            ctx,
            caller,
            items=items,
            atomic=body.mode == "atomic",
            dry_run=body.dry_run,
            funding_type=body.funding_type,
            indirect_partner_id=body.indirect_partner_id,
            idempotency_key=key,
        )
        results = []
        for funded in outcome.funded:
            result: dict[str, Any] = {
                "customer_id": funded.customer_id,
                "amount": to_decimal(funded.amount_minor),
            }
            if funded.transfer_id is not None:
                result["transfer_id"] = funded.transfer_id
            results.append(result)
        return {
            "batch_id": outcome.batch_id,
            "mode": body.mode,
            "dry_run": outcome.dry_run,
            "success_count": len(outcome.funded),
            "fail_count": len(outcome.failed),
            "adjust_results": results,
            "error_details": [error.as_detail(language, item_id) for item_id, error in outcome.failed],
        }, 200

    return run_once(
        session,
        ctx,
        partner_id=caller.partner_id,
        key=None if body.dry_run else client_token,
        operation="batch_update_customer_account_amount",
        payload=body.model_dump(),
        execute=execute,
        guard=None if body.dry_run else step_up.guard(session, ctx, caller, Sensitive.BATCH_FUND),
    )
