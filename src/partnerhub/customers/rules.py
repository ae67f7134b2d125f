"""Pure rules for login names, e-mail addresses and passwords (SPEC A.1, A.3)."""

from __future__ import annotations

import re

_CHECK_NAME = re.compile(r"^[a-zA-Z-][a-zA-Z0-9_-]{4,31}$")
_CREATE_NAME = re.compile(r"^[a-zA-Z_-][a-zA-Z0-9_-]{4,31}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_RESERVED_PREFIXES = ("op_", "shadow_")


def _allowed(name: str) -> bool:
    return not name.lower().startswith(_RESERVED_PREFIXES) and not name.isdigit()


def is_valid_check_name(name: str) -> bool:
    """check-identity's rule: 5–32 chars, starts with a letter or ``-``."""
    return bool(_CHECK_NAME.match(name)) and _allowed(name)


def is_valid_login_name(name: str) -> bool:
    """create-customer's rule: 5–32 chars of ``[a-zA-Z0-9_-]``, not starting with a digit."""
    return bool(_CREATE_NAME.match(name)) and _allowed(name)


def is_valid_email(email: str) -> bool:
    return len(email) <= 64 and bool(_EMAIL.match(email))


def password_problem(password: str, *, login_name: str, mobile: str | None) -> str | None:
    """Why a password is refused, or None.

    8-32 characters, 2 of 4 classes, not the login name or its reverse, not containing the mobile.
    """
    if not 8 <= len(password) <= 32:
        return "length must be 8-32"
    classes = [
        any(c.isupper() and c.isascii() for c in password),
        any(c.islower() and c.isascii() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    if sum(classes) < 2:
        return "needs at least two of: upper case, lower case, digit, special character"
    lowered = password.lower()
    if lowered in (login_name.lower(), login_name.lower()[::-1]):
        return "must differ from the login name and its reverse"
    if mobile and mobile in password:
        return "must not contain the mobile number"
    return None
