"""Masking of personal data for lists, logs and exports."""

from __future__ import annotations

import re

_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_mobile(mobile: str | None) -> str | None:
    """``13812345678`` → ``138****5678``; short values keep only their last two characters."""
    if mobile is None or mobile == "":
        return mobile
    if len(mobile) >= 7:
        return f"{mobile[:3]}****{mobile[-4:]}"
    return "*" * (len(mobile) - 2) + mobile[-2:] if len(mobile) > 2 else "*" * len(mobile)


def mask_email(email: str | None) -> str | None:
    """``alice@example.com`` → ``a***e@example.com``."""
    if not email or "@" not in email:
        return email
    local, _, domain = email.partition("@")
    shown = local[0] + "***" + local[-1] if len(local) > 1 else local + "***"
    return f"{shown}@{domain}"


def mask_name(name: str | None) -> str | None:
    """``张三丰`` → ``张**``; keeps the first character only."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def mask_id_number(number: str | None) -> str | None:
    """Keep the first 3 and last 4 characters of an ID or card number."""
    if not number:
        return number
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def scrub_mobiles(text: str) -> str:
    """Mask every Chinese mobile number inside free text (a last line of defence for log lines)."""
    return _MOBILE_IN_TEXT.sub(r"\1****\2", text)
