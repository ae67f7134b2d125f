"""Input rules of a personal real-name application (SPEC A.25), before any business check.

* ``identify_type`` 4 (bank card): ``verified_number`` is an 18-character resident ID (GB 11643 check
  character); ``bank_card_info`` is required — ``bank_account`` a Luhn-valid card number (``-`` allowed),
  ``areacode`` ``0086``, ``mobile`` a mainland mobile, ``verification_code`` up to 6 characters;
  exactly 1 attachment (the face photo).
* ``identify_type`` 0 (ID documents): ``verified_type`` 3 passport, 5 Hong Kong/Macau travel permit,
  6 Taiwan travel permit, 9 Hong Kong/Macau residence permit, 10 Taiwan residence permit — each with exactly
  3 attachments in the documented order (the SDK's own description asks 3 for 9 and 10 as well).
  Residence permits carry an 18-character number with the GB 11643 check (prefix 81/82, resp. 83);
  the other documents 5–32 letters and digits.
* ``verified_file_url``: at most 4 relative paths below the bucket's ``download/`` directory (no scheme,
  no leading ``/``, no ``..``), extension jpg/jpeg/bmp/png/gif/pdf (else ``CBC.99000100``).
* ``change_type``: absent or -1 (first authentication). ``xaccount_type`` required.

Every other violation is ``CBC.0100`` naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from partnerhub.errors import ApiError, invalid
from partnerhub.kit.phones import normalize_cn_mobile
from partnerhub.realname.checks import (
    attachment_path_problem,
    has_allowed_extension,
    is_valid_bank_account,
    is_valid_resident_id,
)
from partnerhub.realname.verifiers import IDENTIFY_BANK_CARD, IDENTIFY_DOCUMENTS

DOCUMENT_TYPES = (3, 5, 6, 9, 10)
RESIDENCE_PERMIT_PREFIXES = {9: ("81", "82"), 10: ("83",)}
DOCUMENT_ATTACHMENTS = 3
BANK_CARD_ATTACHMENTS = 1
MAX_ATTACHMENTS = 4
_TRAVEL_DOCUMENT = re.compile(r"^[A-Za-z0-9]{5,32}$")


@dataclass(frozen=True)
class BankCardInput:
    bank_account: str | None = None
    areacode: str | None = None
    mobile: str | None = None
    verification_code: str | None = None


@dataclass(frozen=True)
class PersonalApplication:
    """The request as received (every field may be missing)."""

    customer_id: str | None = None
    identify_type: int | None = None
    verified_type: int | None = None
    verified_file_url: list[str] | None = None
    name: str | None = None
    verified_number: str | None = None
    change_type: int | None = None
    xaccount_type: str | None = None
    bank_card_info: BankCardInput | None = None


@dataclass(frozen=True)
class ValidBankCard:
    bank_account: str
    mobile: str
    verification_code: str


@dataclass(frozen=True)
class ValidClaim:
    customer_id: str
    identify_type: int
    verified_type: int | None
    attachments: list[str]
    name: str
    verified_number: str
    xaccount_type: str
    bank_card: ValidBankCard | None


def _required(field: str, value: str | None, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise invalid(field, "required")
    if len(text) > max_length:
        raise invalid(field, "at most {maximum} characters", maximum=max_length)
    return text


def _attachments(urls: list[str] | None, expected: int) -> list[str]:
    if urls is None:
        raise invalid("verified_file_url", "required")
    if len(urls) > MAX_ATTACHMENTS:
        raise invalid("verified_file_url", "at most {maximum} files", maximum=MAX_ATTACHMENTS)
    for url in urls:
        problem = attachment_path_problem(url)
        if problem:
            raise invalid("verified_file_url", problem)
        if not has_allowed_extension(url):
            raise ApiError(
                "CBC.99000100", field="verified_file_url", detail="jpg, jpeg, bmp, png, gif or pdf"
            )
    if len(urls) != expected:
        raise invalid(
            "verified_file_url",
            "exactly {expected} file(s) for this kind of authentication",
            expected=expected,
        )
    return list(urls)


def _bank_card(info: BankCardInput | None) -> ValidBankCard:
    if info is None:
        raise invalid("bank_card_info", "required when identify_type is 4")
    account = _required("bank_card_info.bank_account", info.bank_account, 32)
    if not is_valid_bank_account(account):
        raise invalid("bank_card_info.bank_account", "not a valid bank card number")
    if (info.areacode or "").strip() != "0086":
        raise invalid("bank_card_info.areacode", "only 0086 is supported")
    mobile = normalize_cn_mobile(_required("bank_card_info.mobile", info.mobile, 20))
    if mobile is None:
        raise invalid("bank_card_info.mobile", "not a mainland China mobile number")
    code = _required("bank_card_info.verification_code", info.verification_code, 6)
    return ValidBankCard(account.replace("-", ""), mobile, code)


def _document_number(verified_type: int, number: str) -> str:
    prefixes = RESIDENCE_PERMIT_PREFIXES.get(verified_type)
    if prefixes is not None:
        upper = number.upper()
        if not upper.startswith(prefixes) or not is_valid_resident_id(upper):
            raise invalid("verified_number", "not a valid residence permit number")
        return upper
    if not _TRAVEL_DOCUMENT.match(number):
        raise invalid("verified_number", "5-32 letters and digits")
    return number.upper()


def validate(application: PersonalApplication) -> ValidClaim:
    customer_id = _required("customer_id", application.customer_id, 64)
    if application.identify_type not in (IDENTIFY_DOCUMENTS, IDENTIFY_BANK_CARD):
        raise invalid("identify_type", "0 (ID documents) or 4 (bank card)")
    name = _required("name", application.name, 255)
    number = _required("verified_number", application.verified_number, 32)
    xaccount_type = _required("xaccount_type", application.xaccount_type, 64)
    if application.change_type not in (None, -1):
        raise invalid("change_type", "only -1 (first authentication) is supported")
    if application.identify_type == IDENTIFY_BANK_CARD:
        attachments = _attachments(application.verified_file_url, BANK_CARD_ATTACHMENTS)
        if not is_valid_resident_id(number):
            raise invalid("verified_number", "not a valid resident ID number")
        bank_card = _bank_card(application.bank_card_info)
        return ValidClaim(
            customer_id, IDENTIFY_BANK_CARD, None, attachments, name, number.upper(), xaccount_type, bank_card
        )
    verified_type = application.verified_type
    if verified_type is None or verified_type not in DOCUMENT_TYPES:
        raise invalid("verified_type", "3, 5, 6, 9 or 10 when identify_type is 0")
    attachments = _attachments(application.verified_file_url, DOCUMENT_ATTACHMENTS)
    return ValidClaim(
        customer_id,
        IDENTIFY_DOCUMENTS,
        verified_type,
        attachments,
        name,
        _document_number(verified_type, number),
        xaccount_type,
        None,
    )
