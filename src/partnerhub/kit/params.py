"""Parsing request values the partner operations share: ids, id lists, UTC times, paging, fuzzy filters.

Every refusal is ``CBC.0100`` naming the field. Absent/null and ``""`` are told apart where the API
distinguishes them (SPEC 0.1); callers pass what they received.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from partnerhub.errors import invalid
from partnerhub.kit.clock import parse_utc

MAX_ID_LENGTH = 64
MAX_TIME_LENGTH = 20
MAX_PAGE = 100
DEFAULT_PAGE = 10
MAX_OFFSET = 2_147_483_647


@dataclass(frozen=True)
class TimeRange:
    """Inclusive bounds; None = unbounded."""

    begin: datetime | None = None
    end: datetime | None = None


def time_value(value: str | None, field: str) -> datetime | None:
    """Absent/null → None; ``""`` or anything not ``yyyy-MM-ddTHH:mm:ssZ`` → CBC.0100."""
    if value is None:
        return None
    if not value or len(value) > MAX_TIME_LENGTH:
        raise invalid(field, "use UTC yyyy-MM-ddTHH:mm:ssZ")
    try:
        return parse_utc(value)
    except ValueError as exc:
        raise invalid(field, "use UTC yyyy-MM-ddTHH:mm:ssZ") from exc


def time_range(begin: str | None, end: str | None, prefix: str) -> TimeRange:
    return TimeRange(time_value(begin, f"{prefix}_begin"), time_value(end, f"{prefix}_end"))


def page(offset: int | None, limit: int | None, *, max_offset: int = MAX_OFFSET) -> tuple[int, int]:
    """(offset, limit): defaults 0 and 10; offset 0..max_offset, limit 1–100."""
    chosen_offset = 0 if offset is None else offset
    chosen_limit = DEFAULT_PAGE if limit is None else limit
    if not 0 <= chosen_offset <= max_offset:
        raise invalid("offset", "must be between {low} and {high}", low=0, high=max_offset)
    if not 1 <= chosen_limit <= MAX_PAGE:
        raise invalid("limit", "must be between {low} and {high}", low=1, high=MAX_PAGE)
    return chosen_offset, chosen_limit


def required_id(value: str | None, field: str) -> str:
    if not value:
        raise invalid(field, "is required")
    if len(value) > MAX_ID_LENGTH:
        raise invalid(field, "at most {maximum} characters", maximum=MAX_ID_LENGTH)
    return value


def id_list(values: Sequence[str] | None, field: str, *, maximum: int, required: bool) -> list[str]:
    """A list of distinct, non-empty ids of at most ``maximum`` items; absent/null/[] → [] unless required."""
    items = list(values or [])
    if required and not items:
        raise invalid(field, "must name at least one item")
    if len(items) > maximum:
        raise invalid(field, "may hold at most {maximum} items", maximum=maximum)
    for item in items:
        if not item or len(item) > MAX_ID_LENGTH:
            raise invalid(field, "items must be 1-{maximum} characters", maximum=MAX_ID_LENGTH)
    if len(set(items)) != len(items):
        raise invalid(field, "items must be distinct")
    return items


def code_list(values: Sequence[str] | None, field: str, *, maximum: int = 10) -> list[str]:
    """Service type codes or product ids: at most ``maximum`` non-empty codes without commas; duplicates
    collapse (order kept)."""
    items = list(values or [])
    if len(items) > maximum:
        raise invalid(field, "may hold at most {maximum} items", maximum=maximum)
    for item in items:
        if not item or len(item) > MAX_ID_LENGTH or "," in item:
            raise invalid(field, "items must be 1-{maximum} characters without commas", maximum=MAX_ID_LENGTH)
    return list(dict.fromkeys(items))


def optional_text(value: str | None, field: str, *, maximum: int) -> str | None:
    """Absent/null → None (not set); ``""`` → ``""``; longer than ``maximum`` → CBC.0100."""
    if value is not None and len(value) > maximum:
        raise invalid(field, "at most {maximum} characters", maximum=maximum)
    return value


def fuzzy(value: str | None, field: str, *, maximum: int = MAX_ID_LENGTH) -> str | None:
    """A contains-filter: absent, null and ``""`` are no filter; whitespace is refused (the API has none)."""
    if not value:
        return None
    if any(character.isspace() for character in value):
        raise invalid(field, "must not contain spaces")
    if len(value) > maximum:
        raise invalid(field, "at most {maximum} characters", maximum=maximum)
    return value
