"""Who is calling: a partner (AK/SK or token) or a customer (token)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SubjectKind(StrEnum):
    PARTNER = "partner"
    CUSTOMER = "customer"


@dataclass(frozen=True)
class Principal:
    kind: SubjectKind
    subject_id: str
    """The partner id or the customer id."""
    partner_kind: str | None
    """For partners: solution_provider | distributor | reseller."""
    rate_key: str
    """What rate limits count against: the access key, or the token's subject."""
    access_key: str | None = None

    @property
    def partner_id(self) -> str:
        if self.kind is not SubjectKind.PARTNER:
            raise PermissionError("not a partner principal")
        return self.subject_id
