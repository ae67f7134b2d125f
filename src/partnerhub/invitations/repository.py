"""Queries on reseller invitations (the only place that builds them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from partnerhub.invitations.models import InvitationStatus, ResellerInvitation


class InvitationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, invitation: ResellerInvitation) -> None:
        self.session.add(invitation)
        self.session.flush()

    def of_distributor(
        self, distributor_id: str, invitation_id: str, *, lock: bool = False
    ) -> ResellerInvitation | None:
        """The invitation when it is this distributor's, else None (another's behaves as missing)."""
        statement = select(ResellerInvitation).where(
            ResellerInvitation.id == invitation_id, ResellerInvitation.distributor_id == distributor_id
        )
        if lock:
            statement = statement.with_for_update()
        return self.session.scalars(statement.execution_options(populate_existing=True)).one_or_none()

    def by_token_hash(self, token_hash: str, *, lock: bool = False) -> ResellerInvitation | None:
        """``lock``: row-lock it for the transaction, so concurrent registrations of one link queue."""
        statement = select(ResellerInvitation).where(ResellerInvitation.token_hash == token_hash)
        if lock:
            statement = statement.with_for_update()
        return self.session.scalars(statement.execution_options(populate_existing=True)).one_or_none()

    def list(
        self, distributor_id: str, status: InvitationStatus | None, now: datetime, *, offset: int, limit: int
    ) -> Sequence[ResellerInvitation]:
        """Newest first."""
        return self.session.scalars(
            select(ResellerInvitation)
            .where(*_conditions(distributor_id, status, now))
            .order_by(ResellerInvitation.created_at.desc(), ResellerInvitation.id)
            .offset(offset)
            .limit(limit)
        ).all()

    def count(self, distributor_id: str, status: InvitationStatus | None, now: datetime) -> int:
        statement = select(func.count()).select_from(ResellerInvitation)
        return int(self.session.scalar(statement.where(*_conditions(distributor_id, status, now))) or 0)

    def count_code(self, invitation_id: str, cap: int) -> bool:
        """Count one more registration code for the link; False once it reached ``cap``."""
        result = self.session.execute(
            update(ResellerInvitation)
            .where(ResellerInvitation.id == invitation_id, ResellerInvitation.codes_sent < cap)
            .values(codes_sent=ResellerInvitation.codes_sent + 1)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    def mark_used(self, invitation_id: str, reseller_id: str, now: datetime) -> bool:
        """Pending and unexpired → used, in one conditional update; False when it no longer was."""
        result = self.session.execute(
            update(ResellerInvitation)
            .where(
                ResellerInvitation.id == invitation_id,
                ResellerInvitation.status == InvitationStatus.PENDING.value,
                ResellerInvitation.expires_at > now,
            )
            .values(status=InvitationStatus.USED.value, used_at=now, reseller_id=reseller_id)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1


def _conditions(
    distributor_id: str, status: InvitationStatus | None, now: datetime
) -> list[ColumnElement[bool]]:
    conditions = [ResellerInvitation.distributor_id == distributor_id]
    if status is InvitationStatus.PENDING:
        conditions += [
            ResellerInvitation.status == InvitationStatus.PENDING.value,
            ResellerInvitation.expires_at > now,
        ]
    elif status is InvitationStatus.EXPIRED:
        conditions += [
            ResellerInvitation.status == InvitationStatus.PENDING.value,
            ResellerInvitation.expires_at <= now,
        ]
    elif status is not None:
        conditions.append(ResellerInvitation.status == status.value)
    return conditions
