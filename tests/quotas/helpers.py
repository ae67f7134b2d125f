"""Shared helpers of the voucher tests: quotas granted directly, SDK calls, the CLI, and the ledger check."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from huaweicloudsdkbss.v2 import (
    CreatePartnerCouponsReq,
    CreatePartnerCouponsRequest,
    ListIssuedPartnerCouponsRequest,
    ListQuotaCouponsRequest,
    QueryCouponQuotasReqExt,
    ReclaimPartnerCouponsReq,
    ReclaimPartnerCouponsRequest,
)
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from sqlalchemy import update
from typer.testing import CliRunner

import partnerhub.cli as cli_module
import partnerhub.cli.common as cli_common
from partnerhub.config import Settings
from partnerhub.context import AppContext
from partnerhub.customers.models import Association, Customer
from partnerhub.db.session import session_scope
from partnerhub.kit.clock import format_utc
from partnerhub.ledger.accounts import (
    PLATFORM_CASH,
    TransferKind,
    customer_funded,
    new_transaction_id,
    partner_cash,
)
from partnerhub.ledger.service import balance_of, transfer
from partnerhub.ledger.verify import verify_ledger
from partnerhub.quotas.models import QuotaType
from partnerhub.quotas.service import QuotaGrant, grant_quota
from tests.support import Env, PartnerHandle, bss_client

runner = CliRunner()


def assert_books_balance(env: Env) -> None:
    """What ``partnerhub ledger verify`` checks: assets sum to zero, each balance equals its transfers."""
    with session_scope(env.ctx.sessions) as session:
        report = verify_ledger(session)
    assert report.ok, report.problems


@pytest.fixture(autouse=True)
def books_balance_after_each_scenario(env: Env) -> Iterator[None]:
    """Every voucher test ends with ``partnerhub ledger verify``'s checks (before the tables are emptied)."""
    yield
    assert_books_balance(env)


def grant(
    env: Env,
    partner: PartnerHandle,
    amount: str = "1000.00",
    *,
    effective: datetime | None = None,
    expires: datetime | None = None,
    min_face: int | None = None,
    max_face: int | None = None,
    service_types: tuple[str, ...] = (),
    product_ids: tuple[str, ...] = (),
    quota_type: QuotaType = QuotaType.VOUCHER,
) -> str:
    """A quota granted by the platform (what ``partnerhub quota grant`` does), valid from now for a year."""
    now = env.clock.now()
    start = effective or now
    with session_scope(env.ctx.sessions) as session:
        quota = grant_quota(
            session,
            now,
            QuotaGrant(
                partner_id=partner.id,
                amount_minor=int(Decimal(amount) * 100),
                effective_time=start,
                expire_time=expires or start.replace(year=start.year + 1),
                quota_type=quota_type,
                min_face_minor=min_face,
                max_face_minor=max_face,
                service_types=service_types,
                product_ids=product_ids,
            ),
        )
        return quota.id


def issue(
    env: Env,
    partner: PartnerHandle,
    quota_id: str,
    customer_ids: list[str],
    face_value: Decimal | str = Decimal("100.00"),
    **fields: Any,
) -> Any:
    body = CreatePartnerCouponsReq(
        quota_id=quota_id, customer_ids=customer_ids, face_value=face_value, **fields
    )
    return bss_client(env, partner).create_partner_coupons(CreatePartnerCouponsRequest(body=body))


def issue_one(env: Env, partner: PartnerHandle, quota_id: str, customer_id: str, face: str = "100.00") -> str:
    response = issue(env, partner, quota_id, [customer_id], Decimal(face))
    assert not response.error_details, response.error_details
    return str(response.coupon_infos[0].coupon_id)


def sdk_error(call: Callable[[], Any]) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as raised:
        call()
    return raised.value


def reclaim(env: Env, partner: PartnerHandle, coupon_id: str, indirect_partner_id: str | None = None) -> Any:
    body = ReclaimPartnerCouponsReq(coupon_id=coupon_id, indirect_partner_id=indirect_partner_id)
    return bss_client(env, partner).reclaim_partner_coupons(ReclaimPartnerCouponsRequest(body=body))


def quotas_of(env: Env, partner: PartnerHandle, **filters: Any) -> Any:
    body = QueryCouponQuotasReqExt(**filters)
    return bss_client(env, partner).list_quota_coupons(ListQuotaCouponsRequest(body=body))


def quota_of(env: Env, partner: PartnerHandle, quota_id: str, **filters: Any) -> Any:
    listed = quotas_of(env, partner, quota_ids=[quota_id], **filters).quotas
    assert len(listed) == 1
    return listed[0]


def coupons_of(env: Env, partner: PartnerHandle, **filters: Any) -> Any:
    return bss_client(env, partner).list_issued_partner_coupons(ListIssuedPartnerCouponsRequest(**filters))


def coupon_of(env: Env, partner: PartnerHandle, coupon_id: str) -> Any:
    listed = coupons_of(env, partner, coupon_id=coupon_id).user_coupons
    assert len(listed) == 1
    return listed[0]


def set_association_type(env: Env, customer_id: str, association_type: int) -> None:
    with session_scope(env.ctx.sessions) as session:
        session.execute(
            update(Association)
            .where(Association.active_customer_id == customer_id)
            .values(association_type=association_type)
        )


def freeze(env: Env, customer_id: str) -> None:
    with session_scope(env.ctx.sessions) as session:
        session.execute(update(Customer).where(Customer.id == customer_id).values(freeze_type="ACCOUNT"))


def fund_customer(env: Env, partner: PartnerHandle, customer_id: str, minor: int) -> None:
    """Put partner-funded cash on a customer's account the way top-up and funding do (through the ledger)."""
    now = env.clock.now()
    with session_scope(env.ctx.sessions) as session:
        transfer(
            session,
            debit=PLATFORM_CASH,
            credit=partner_cash(partner.id),
            amount_minor=minor,
            kind=TransferKind.TOPUP,
            transaction_id=new_transaction_id("RC", now),
            at=now,
            operator="test",
        )
        transfer(
            session,
            debit=partner_cash(partner.id),
            credit=customer_funded(customer_id),
            amount_minor=minor,
            kind=TransferKind.FUND_CUSTOMER,
            transaction_id=new_transaction_id("AD", now),
            at=now,
            operator="test",
        )


def cash_of(env: Env, customer_id: str) -> int:
    with session_scope(env.ctx.sessions) as session:
        return balance_of(session, customer_funded(customer_id)) or 0


def utc(moment: datetime) -> str:
    return format_utc(moment)


@pytest.fixture
def cli(env: Env, monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str]]:
    """Run the operator CLI against the live server's database, on the test's business clock."""
    monkeypatch.setenv("PARTNERHUB_DATABASE_URL", env.ctx.settings.resolved_database_url())
    monkeypatch.setenv("PARTNERHUB_DATA_DIR", str(env.ctx.settings.data_dir))
    opened = cli_common.open_context

    def on_test_clock(settings: Settings | None = None) -> AppContext:
        return dataclasses.replace(opened(settings), clock=env.clock)

    monkeypatch.setattr(cli_common, "open_context", on_test_clock)

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli_module.app, list(args))
        return result.exit_code, result.output

    return run
