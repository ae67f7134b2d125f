"""Pure checks of real-name inputs: ID numbers (GB 11643), bank cards (Luhn), attachment paths."""

from __future__ import annotations

import re
from datetime import date

_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_BANK_ACCOUNT = re.compile(r"^[0-9a-zA-Z][0-9a-zA-Z-]*$")
ATTACHMENT_EXTENSIONS = (".jpg", ".jpeg", ".bmp", ".png", ".gif", ".pdf")


def gb11643_check_digit(first17: str) -> str:
    """The check character (``0``–``9`` or ``X``) of an 18-character resident ID number."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("GB 11643 needs 17 digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _GB11643_WEIGHTS, strict=True))
    return _GB11643_CHECK[total % 11]


def is_valid_resident_id(number: str, today: date | None = None) -> bool:
    """An 18-character mainland resident ID: shape, a real birth date not in the future, check character.

    A lower-case ``x`` is accepted as ``X``. The same rule holds for the Hong Kong/Macau (81/82) and Taiwan
    (83) residence permits.
    """
    text = number.strip().upper()
    if not _ID_SHAPE.match(text):
        return False
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    if born > (today or date.today()) or born.year < 1900:
        return False
    return gb11643_check_digit(text[:17]) == text[17]


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by bank card numbers."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def is_valid_bank_account(account: str) -> bool:
    """``^[0-9a-zA-Z]`` then letters, digits or ``-`` (API rule); the digits: a 12–19 digit Luhn number."""
    if not _BANK_ACCOUNT.match(account):
        return False
    digits = account.replace("-", "")
    return 12 <= len(digits) <= 19 and luhn_valid(digits)


def attachment_path_problem(path: str) -> str | None:
    """Why a ``verified_file_url`` is not a relative path below the bucket's ``download/``, or None."""
    if not path or len(path) > 1024:
        return "must be a relative path of 1-1024 characters"
    if "://" in path or path.startswith("/") or "\\" in path:
        return "must be relative to the bucket's download/ directory"
    if any(part in ("", ".", "..") for part in path.split("/")):
        return "must not contain empty, '.' or '..' segments"
    return None


def has_allowed_extension(path: str) -> bool:
    return path.lower().endswith(ATTACHMENT_EXTENSIONS)
