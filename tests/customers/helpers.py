"""SDK calls for the customer operations, shared by the customer tests."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkbss.v2 import (
    CreateCustomerV2Req,
    CreateSubCustomerRequest,
    ListSubCustomersRequest,
    QuerySubCustomerListReq,
)
from huaweicloudsdkbssintl.v2 import (
    BssintlClient,
    FreezeSubCustomersReq,
    FreezeSubCustomersRequest,
    UnfreezeSubCustomersReq,
    UnfreezeSubCustomersRequest,
)
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig

from partnerhub.customers.models import Association, Customer
from partnerhub.db.session import session_scope
from partnerhub.kit.ids import new_id
from partnerhub.partners.models import Partner
from tests.support import Env, PartnerHandle, bss_client

STRONG_PASSWORD = "Cust#2026pass"


def platform_of(env: Env, partner: PartnerHandle) -> str:
    """The partner's ``xaccount_type`` (the platform id the operator assigned)."""
    with session_scope(env.ctx.sessions) as session:
        found = session.get(Partner, partner.id)
        assert found is not None
        return found.xaccount_type


def create(env: Env, partner: PartnerHandle, **fields: Any) -> Any:
    """``create_sub_customer`` with a fresh xaccount id and the partner's platform unless given."""
    fields.setdefault("xaccount_type", platform_of(env, partner))
    fields.setdefault("xaccount_id", f"x-{new_id()}")
    request = CreateSubCustomerRequest(body=CreateCustomerV2Req(**fields))
    return bss_client(env, partner).create_sub_customer(request)


def create_error(env: Env, partner: PartnerHandle, **fields: Any) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as raised:
        create(env, partner, **fields)
    return raised.value


def list_customers(env: Env, partner: PartnerHandle, **filters: Any) -> Any:
    request = ListSubCustomersRequest(body=QuerySubCustomerListReq(**filters))
    return bss_client(env, partner).list_sub_customers(request)


def list_error(env: Env, partner: PartnerHandle, **filters: Any) -> ClientRequestException:
    with pytest.raises(ClientRequestException) as raised:
        list_customers(env, partner, **filters)
    return raised.value


def listed_ids(env: Env, partner: PartnerHandle, **filters: Any) -> list[str]:
    return [info.customer_id for info in list_customers(env, partner, **filters).customer_infos]


def intl_client(env: Env, partner: PartnerHandle) -> Any:
    """The international SDK, which alone has freeze/unfreeze."""
    config = HttpConfig.get_default_config()
    config.timeout = (5, 30)
    credentials = GlobalCredentials(partner.access_key, partner.secret_key, partner.id)
    return (
        BssintlClient.new_builder()
        .with_http_config(config)
        .with_credentials(credentials)
        .with_endpoints([env.url])
        .build()
    )


def freeze(env: Env, partner: PartnerHandle, customer_ids: list[str], **fields: Any) -> Any:
    fields.setdefault("reason", "Arrears")
    request = FreezeSubCustomersRequest(body=FreezeSubCustomersReq(customer_ids=customer_ids, **fields))
    return intl_client(env, partner).freeze_sub_customers(request)


def unfreeze(env: Env, partner: PartnerHandle, customer_ids: list[str], **fields: Any) -> Any:
    fields.setdefault("reason", "Paid")
    request = UnfreezeSubCustomersRequest(body=UnfreezeSubCustomersReq(customer_ids=customer_ids, **fields))
    return intl_client(env, partner).unfreeze_sub_customers(request)


def stored_customer(env: Env, customer_id: str) -> Customer:
    with session_scope(env.ctx.sessions) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        return customer


def active_association(env: Env, customer_id: str) -> Association:
    with session_scope(env.ctx.sessions) as session:
        association = session.query(Association).filter_by(active_customer_id=customer_id).one()
        return association


def set_customer(env: Env, customer_id: str, **values: Any) -> None:
    """Change stored customer fields directly (real name, label, type... have no API of their own here)."""
    with session_scope(env.ctx.sessions) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        for name, value in values.items():
            setattr(customer, name, value)


def set_partner_status(env: Env, partner: PartnerHandle, status: str) -> None:
    with session_scope(env.ctx.sessions) as session:
        found = session.get(Partner, partner.id)
        assert found is not None
        found.status = status
