"""Personal real-name authentication (SPEC A.25/A.26) and the operator's manual review.

Order of an application, chosen so a failed code check commits nothing but its own counter: validate the
input → the partner's ``xaccount_type`` → the customer is the caller's (else ``CBC.99000035``) → not
already verified or under review (``CBC.99007188``) → attempts left (``CBC.99007191``) → ID number not
over-used (``CBC.99007189``) → for a bank card, the scene-18 code (``REALNAME_ERRORS``) → the verifier.

A refusal by the verifier is an attempt too: it is recorded (result 1 不通过, customer ``verified_status`` 1)
and committed although the request answers the refusal's error. Approval sets ``verified_status`` 2, the
customer's ``real_name`` and ``customer_type`` 0 (personal); ID documents wait in review (status 0) for
``partnerhub realname review``.

Names, ID and card numbers are stored sealed with the master key (numbers also as a keyed hash, to count
customers per ID number); they are never logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from partnerhub.context import AppContext
from partnerhub.customers.models import Customer
from partnerhub.customers.repository import CustomerRepository
from partnerhub.errors import ApiError, Language, invalid, lookup
from partnerhub.kit.masking import mask_id_number, mask_name
from partnerhub.partners.repository import PartnerRepository
from partnerhub.partners.scope import owned_customer
from partnerhub.realname import validation
from partnerhub.realname.models import REVIEW_APPROVED, REVIEW_PENDING, REVIEW_REJECTED, RealnameApplication
from partnerhub.realname.repository import RealnameRepository
from partnerhub.realname.validation import PersonalApplication, ValidClaim
from partnerhub.realname.verifiers import IDENTIFY_BANK_CARD, Claim, Outcome, Refused, build_verifier
from partnerhub.verification.service import REALNAME_ERRORS, Scene, check_code

log = logging.getLogger("partnerhub.realname")

NUMBER_PURPOSE = "realname-id-number"
VERIFIED_UNDER_REVIEW = 0
VERIFIED_REJECTED = 1
VERIFIED_APPROVED = 2
PERSONAL = 0


@dataclass(frozen=True)
class ReviewState:
    review_result: int
    opinion: str | None


@dataclass(frozen=True)
class PendingReview:
    customer_id: str
    partner_id: str
    identify_type: int
    verified_type: int | None
    name: str
    verified_number: str
    attachments: list[str]
    submitted_at: datetime


def apply_personal(
    session: Session,
    ctx: AppContext,
    *,
    partner_id: str,
    application: PersonalApplication,
    language: Language,
) -> int:
    """Submit an application; returns ``is_review`` (0 decided at once, 1 waiting for manual review)."""
    claim = validation.validate(application)
    partner = PartnerRepository(session).get(partner_id)
    if partner is None or claim.xaccount_type != partner.xaccount_type:
        raise invalid("xaccount_type", "not this partner's platform identifier")
    owned = owned_customer(session, partner_id, claim.customer_id)
    if owned is None:
        raise ApiError("CBC.99000035", field="customer_id")
    customer = owned.customer
    if customer.verified_status in (VERIFIED_UNDER_REVIEW, VERIFIED_APPROVED):
        raise ApiError("CBC.99007188")
    applications = RealnameRepository(session)
    if applications.attempts_of(customer.id) >= ctx.settings.realname_max_attempts:
        raise ApiError("CBC.99007191")
    number_hash = ctx.master_key.keyed_hash(NUMBER_PURPOSE, claim.verified_number)
    if (
        applications.customers_with_number(number_hash, other_than=customer.id)
        >= ctx.settings.realname_max_customers_per_id
    ):
        raise ApiError("CBC.99007189")
    if claim.identify_type == IDENTIFY_BANK_CARD:
        assert claim.bank_card is not None
        # First write of the transaction: a wrong code commits only its failure counter.
        check_code(
            session,
            ctx,
            scene=Scene.BANK_CARD_REALNAME,
            target=claim.bank_card.mobile,
            partner_id=partner_id,
            customer_id=customer.id,
            code=claim.bank_card.verification_code,
            errors=REALNAME_ERRORS,
        )
    verifier = build_verifier(ctx.settings)
    bank = claim.bank_card
    try:
        outcome = verifier.verify(
            Claim(
                claim.identify_type,
                claim.verified_type,
                claim.name,
                claim.verified_number,
                bank.bank_account if bank else None,
                bank.mobile if bank else None,
                len(claim.attachments),
            )
        )
    except Refused as refusal:
        _record(
            session,
            ctx,
            partner_id,
            customer,
            claim,
            number_hash,
            REVIEW_REJECTED,
            opinion=lookup(refusal.code).message(language),
        )
        customer.verified_status = VERIFIED_REJECTED
        log.info("real-name application refused", extra={"customer_id": customer.id, "code": refusal.code})
        raise ApiError(refusal.code, keep_changes=True) from refusal
    if outcome is Outcome.APPROVED:
        _record(session, ctx, partner_id, customer, claim, number_hash, REVIEW_APPROVED)
        _approve(customer, claim.name)
        log.info("real-name application approved", extra={"customer_id": customer.id})
        return 0
    _record(session, ctx, partner_id, customer, claim, number_hash, REVIEW_PENDING)
    customer.verified_status = VERIFIED_UNDER_REVIEW
    log.info("real-name application waits for review", extra={"customer_id": customer.id})
    return 1


def _approve(customer: Customer, name: str) -> None:
    customer.verified_status = VERIFIED_APPROVED
    customer.real_name = name
    customer.customer_type = PERSONAL


def _record(
    session: Session,
    ctx: AppContext,
    partner_id: str,
    customer: Customer,
    claim: ValidClaim,
    number_hash: str,
    result: int,
    *,
    opinion: str | None = None,
) -> None:
    now = ctx.clock.now()
    seal = ctx.master_key.seal
    RealnameRepository(session).add(
        RealnameApplication(
            customer_id=customer.id,
            partner_id=partner_id,
            identify_type=claim.identify_type,
            verified_type=claim.verified_type,
            name_sealed=seal(claim.name),
            number_sealed=seal(claim.verified_number),
            number_hash=number_hash,
            bank_account_sealed=seal(claim.bank_card.bank_account) if claim.bank_card else None,
            attachments=json.dumps(claim.attachments, ensure_ascii=False),
            is_review=1 if result == REVIEW_PENDING else 0,
            review_result=result,
            opinion=opinion,
            created_at=now,
            decided_at=None if result == REVIEW_PENDING else now,
        )
    )


def review_state(session: Session, *, partner_id: str, customer_id: str | None) -> ReviewState | None:
    """The newest application's result, or None when the customer never applied.

    A customer that is not the caller's (missing or another partner's) answers ``CBC.5002``
    合作伙伴的客户不存在, the code SPEC A.26 lists for this operation.
    """
    if not customer_id:
        raise invalid("customer_id")
    if owned_customer(session, partner_id, customer_id) is None:
        raise ApiError("CBC.5002", field="customer_id")
    latest = RealnameRepository(session).latest_for(customer_id)
    if latest is None:
        return None
    return ReviewState(
        latest.review_result, latest.opinion if latest.review_result == REVIEW_REJECTED else None
    )


def decide_review(
    session: Session, ctx: AppContext, *, customer_id: str, approve: bool, opinion: str | None
) -> ReviewState:
    """The operator's decision on the customer's application under review (CLI ``realname review``)."""
    latest = RealnameRepository(session).latest_for(customer_id)
    if latest is None or latest.review_result != REVIEW_PENDING:
        raise ApiError("CBC.0404", detail="no real-name application under review for this customer")
    if not approve and not (opinion and opinion.strip()):
        raise invalid("opinion", "a rejection needs an opinion")
    customer = CustomerRepository(session).get(customer_id)
    assert customer is not None
    latest.decided_at = ctx.clock.now()
    latest.opinion = opinion.strip()[:1024] if opinion else None
    if approve:
        latest.review_result = REVIEW_APPROVED
        _approve(customer, ctx.master_key.open_sealed(latest.name_sealed))
    else:
        latest.review_result = REVIEW_REJECTED
        customer.verified_status = VERIFIED_REJECTED
    session.flush()
    return ReviewState(latest.review_result, latest.opinion)


def pending_reviews(session: Session, ctx: AppContext) -> Sequence[PendingReview]:
    """Applications waiting for an operator, oldest first, with name and number masked."""
    return [
        PendingReview(
            customer_id=row.customer_id,
            partner_id=row.partner_id,
            identify_type=row.identify_type,
            verified_type=row.verified_type,
            name=mask_name(ctx.master_key.open_sealed(row.name_sealed)) or "",
            verified_number=mask_id_number(ctx.master_key.open_sealed(row.number_sealed)) or "",
            attachments=json.loads(row.attachments),
            submitted_at=row.created_at,
        )
        for row in RealnameRepository(session).pending()
    ]
