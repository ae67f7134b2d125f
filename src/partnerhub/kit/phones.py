"""Mobile numbers, validated with ``phonenumbers`` (mainland China only, as the API demands)."""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

CHINA_COUNTRY_CODE = "0086"
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalize_cn_mobile(text: str) -> str | None:
    """The 11-digit national number of a valid mainland-China mobile, or None.

    Accepts ``13800000000`` and the same with ``+86``/``0086``/``86`` in front; nothing else.
    """
    raw = text.strip()
    if not raw or len(raw) > 32 or not raw.lstrip("+").isdigit():
        return None
    if raw.startswith("0086"):
        raw = "+86" + raw[4:]
    try:
        number = phonenumbers.parse(raw, "CN")
    except NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return None
    national = str(number.national_number)
    return national if len(national) == 11 else None


def parse_prefixed_mobile(text: str) -> str | None:
    """``0086-13800000000`` (check-identity's format) → ``13800000000``; None when not a valid CN mobile."""
    country, sep, national = text.partition("-")
    if not sep or len(country) != 4 or not country.isdigit() or not national.isdigit():
        return None
    if country != CHINA_COUNTRY_CODE:
        return None
    return normalize_cn_mobile(national)
