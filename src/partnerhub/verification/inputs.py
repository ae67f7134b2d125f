"""Input rules shared by code sending and mobile binding (each answers CBC.0100 naming its field)."""

from __future__ import annotations

from partnerhub.errors import invalid
from partnerhub.kit.phones import normalize_cn_mobile

LANGUAGES = ("zh-cn", "en-us")
MAX_CODE_LENGTH = 6


def mobile(field: str, value: str | None) -> str:
    """The 11-digit mainland mobile (``13800000000``, also with ``+86``/``0086`` in front)."""
    if value is None or not value.strip():
        raise invalid(field, "required")
    normalized = normalize_cn_mobile(value)
    if normalized is None:
        raise invalid(field, "not a mainland China mobile number")
    return normalized


def language(value: str | None) -> str:
    """Absent, null or "" → zh-cn."""
    if not value:
        return "zh-cn"
    wanted = value.strip().lower()
    if wanted not in LANGUAGES:
        raise invalid("lang", "zh-cn or en-us")
    return wanted


def code(field: str, value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise invalid(field, "required")
    if len(text) > MAX_CODE_LENGTH:
        raise invalid(field, "at most {maximum} characters", maximum=MAX_CODE_LENGTH)
    return text
