"""Wire models of the real-name operations (field names as the BSS API spells them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class BankCardInfo(_Wire):
    bank_account: str | None = Field(default=None, description="Card number, Luhn-valid; `-` allowed.")
    areacode: str | None = Field(default=None, description="Only `0086`.")
    mobile: str | None = Field(default=None, description="The card's reserved mainland mobile (max 20).")
    verification_code: str | None = Field(
        default=None, description="From send-verification-code with `scene` 18 and this `customer_id`."
    )


class PersonalRealnameRequest(_Wire):
    customer_id: str | None = None
    identify_type: int | None = Field(
        default=None, description="0 ID documents (manual review), 4 bank card."
    )
    verified_type: int | None = Field(
        default=None,
        description="identify_type 0 only: 3 passport, 5/6 travel permits, 9/10 residence permits.",
    )
    verified_file_url: list[str] | None = Field(
        default=None, description="Relative paths below `download/`: 1 for a bank card, 3 for ID documents."
    )
    name: str | None = None
    verified_number: str | None = None
    change_type: int | None = Field(default=None, description="-1 first authentication (the only value).")
    xaccount_type: str | None = Field(default=None, description="The partner's platform identifier.")
    bank_card_info: BankCardInfo | None = None


class PersonalRealnameResponse(_Wire):
    is_review: int = Field(description="0 decided at once, 1 waiting for manual review.")


class ReviewResultResponse(_Wire):
    review_result: int | None = Field(
        default=None,
        description="0 under review, 1 rejected, 2 approved; absent when the customer never applied.",
    )
    opinion: str | None = Field(default=None, description="Only when rejected.")
