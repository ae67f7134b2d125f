"""A distributor's list of its cloud resellers (SPEC A.22).

Only the caller's own resellers are listed; ``indirect_partner_id`` narrows to one of them (another
distributor's reseller simply is not in the list). Mobile and e-mail are masked: the list is a list, and the
full values are personal data. Partners that are not distributors have no resellers to list: CBC.0151.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from partnerhub.auth.principals import Principal
from partnerhub.errors import ApiError
from partnerhub.kit import params
from partnerhub.kit.clock import format_utc
from partnerhub.kit.masking import mask_email, mask_mobile
from partnerhub.partners.models import Partner, PartnerKind
from partnerhub.partners.repository import PartnerRepository, ResellerQuery
from partnerhub.partners.schemas import IndirectPartnerInfo, QueryIndirectPartnersReq

MAX_OFFSET = 40_000_000


@dataclass(frozen=True)
class ResellerPage:
    rows: Sequence[Partner]
    count: int


def list_resellers(session: Session, caller: Principal, request: QueryIndirectPartnersReq) -> ResellerPage:
    if caller.partner_kind != PartnerKind.DISTRIBUTOR.value:
        raise ApiError("CBC.0151")
    offset, limit = params.page(request.offset, request.limit, max_offset=MAX_OFFSET)
    begin = params.time_value(request.associated_on_begin, "associated_on_begin")
    end = params.time_value(request.associated_on_end, "associated_on_end")
    query = ResellerQuery(
        distributor_id=caller.partner_id,
        account_name=params.fuzzy(request.account_name, "account_name"),
        associated_from=begin,
        associated_before=end + timedelta(seconds=1) if end else None,  # the end is inclusive to the second
        reseller_id=request.indirect_partner_id or None,
    )
    partners = PartnerRepository(session)
    return ResellerPage(
        partners.resellers(query, offset=offset, limit=limit), partners.count_resellers(query)
    )


def reseller_information(partner: Partner) -> IndirectPartnerInfo:
    return IndirectPartnerInfo(
        indirect_partner_id=partner.id,
        mobile_phone=mask_mobile(partner.mobile),
        email=mask_email(partner.email),
        account_name=partner.account_name,
        name=partner.name,
        associated_on=format_utc(partner.associated_on) if partner.associated_on else None,
    )
