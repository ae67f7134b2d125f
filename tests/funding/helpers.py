"""Helpers for money tests: top-ups, balances, SDK requests and SDK clients that send an idempotency key."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from huaweicloudsdkbss.v2 import (
    AdjustAccountReq,
    AdjustToIndirectPartnerReq,
    BssClient,
    ReclaimIndirectPartnerAccountReq,
    ReclaimIndirectPartnerAccountRequest,
    ReclaimToPartnerAccountBalancesReq,
    ReclaimToPartnerAccountRequest,
    UpdateCustomerAccountAmountRequest,
    UpdateIndirectPartnerAccountRequest,
)
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.http.http_handler import HttpHandler
from sqlalchemy import func, select

from partnerhub.db.session import session_scope
from partnerhub.funding.service import topup
from partnerhub.kit.money import parse_amount, to_decimal
from partnerhub.ledger.accounts import customer_funded, partner_cash
from partnerhub.ledger.models import LedgerTransfer
from partnerhub.ledger.service import balance_of
from partnerhub.ledger.verify import LedgerReport, verify_ledger
from tests.support import Env, PartnerHandle

ADJUST_PATH = "/v2/accounts/partner-accounts/adjust-amount"
RECLAIM_PATH = "/v2/accounts/partner-accounts/reclaim"
BATCH_PATH = "/v2/accounts/partner-accounts/batch-adjust"


def top_up(env: Env, partner: PartnerHandle, amount: str) -> None:
    with session_scope(env.ctx.sessions) as session:
        topup(
            session,
            env.ctx,
            partner_id=partner.id,
            amount_minor=parse_amount(amount, "amount", maximum=Decimal(10**9)),
        )


def partner_balance(env: Env, partner: PartnerHandle) -> Decimal:
    with session_scope(env.ctx.sessions) as session:
        return to_decimal(balance_of(session, partner_cash(partner.id)) or 0)


def customer_balance(env: Env, customer_id: str) -> Decimal | None:
    with session_scope(env.ctx.sessions) as session:
        minor = balance_of(session, customer_funded(customer_id))
    return None if minor is None else to_decimal(minor)


def transfer_count(env: Env) -> int:
    with session_scope(env.ctx.sessions) as session:
        return int(session.scalar(select(func.count()).select_from(LedgerTransfer)) or 0)


def ledger_report(env: Env) -> LedgerReport:
    with session_scope(env.ctx.sessions) as session:
        return verify_ledger(session)


def keyed_client(env: Env, partner: PartnerHandle, key: str) -> Any:
    """The official SDK client, sending ``X-Client-Token: key`` on every request (an unsigned header added
    after signing, through the SDK's own request-handler hook)."""

    def add_key(**kwargs: Any) -> None:
        kwargs["request"].header_params["X-Client-Token"] = key

    config = HttpConfig.get_default_config()
    config.timeout = (5, 60)
    return (
        BssClient.new_builder()
        .with_http_config(config)
        .with_credentials(GlobalCredentials(partner.access_key, partner.secret_key, partner.id))
        .with_http_handler(HttpHandler().add_request_handler(add_key))
        .with_endpoints([env.url])
        .build()
    )


def fund_request(customer_id: str, amount: Any, indirect_partner_id: str | None = None) -> Any:
    return UpdateCustomerAccountAmountRequest(
        body=AdjustAccountReq(customer_id=customer_id, amount=amount, indirect_partner_id=indirect_partner_id)
    )


def reclaim_request(customer_id: str, amount: Any, indirect_partner_id: str | None = None) -> Any:
    return ReclaimToPartnerAccountRequest(
        body=ReclaimToPartnerAccountBalancesReq(
            customer_id=customer_id, amount=amount, indirect_partner_id=indirect_partner_id
        )
    )


def reseller_fund_request(reseller_id: str, amount: Any) -> Any:
    return UpdateIndirectPartnerAccountRequest(
        body=AdjustToIndirectPartnerReq(indirect_partner_id=reseller_id, amount=amount)
    )


def reseller_reclaim_request(reseller_id: str, amount: Any) -> Any:
    return ReclaimIndirectPartnerAccountRequest(
        body=ReclaimIndirectPartnerAccountReq(indirect_partner_id=reseller_id, amount=amount)
    )
