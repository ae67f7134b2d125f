"""Money at the edge: ``Decimal`` yuan in requests and responses, integer minor units (fen) everywhere else.

Requests carry amounts as JSON numbers (parsed as ``Decimal`` by ``ApiRoute``, or ``int`` when they have no
fraction) or as numeric strings (``"10.50"``). An amount must be finite, greater than zero, have at most two
decimal places and not exceed a configured maximum. Floats are refused outright: they cannot represent most
decimal amounts, so a float reaching this parser is a programming error upstream, never a value to round.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import WithJsonSchema

from partnerhub.errors import invalid

MINOR_PER_MAJOR = 100
"""Fen per yuan: every asset partnerhub keeps has two decimal places."""
_CENT = Decimal("0.01")
_NUMERIC_STRING = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def parse_amount(value: object, field: str, *, maximum: Decimal) -> int:
    """The amount in minor units, or CBC.0100 naming ``field``.

    ``10``, ``10.5``, ``10.50``, ``"10.50"`` and ``10.500`` are all accepted (the value has no more than two
    significant decimals); ``10.005``, ``0``, ``-1``, ``"abc"``, ``true``, ``NaN`` and floats are not.
    """
    amount = _as_decimal(value, field)
    if not amount.is_finite():
        raise invalid(field, "must be a finite number")
    if amount <= 0:
        raise invalid(field, "must be greater than 0")
    if amount > maximum:
        raise invalid(field, "must not exceed {maximum}", maximum=maximum)
    try:
        cents = amount.quantize(_CENT)
    except InvalidOperation as exc:  # unreachable below the maximum, kept as a guard
        raise invalid(field, "is not a valid amount") from exc
    if cents != amount:
        raise invalid(field, "must have at most 2 decimal places")
    return int(cents * MINOR_PER_MAJOR)


def _as_decimal(value: object, field: str) -> Decimal:
    if value is None:
        raise invalid(field, "is required")
    if isinstance(value, bool | float):
        raise invalid(field, "must be a decimal number or a numeric string")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("-") and _NUMERIC_STRING.match(text[1:]):
            raise invalid(field, "must be greater than 0")
        if not _NUMERIC_STRING.match(text):
            raise invalid(field, "must be a number such as 10.50")
        return Decimal(text)
    raise invalid(field, "must be a decimal number or a numeric string")


def to_decimal(minor: int) -> Decimal:
    """Minor units as a two-place ``Decimal``: 1050 → ``Decimal("10.50")``."""
    return Decimal(minor).scaleb(-2)


def to_text(minor: int) -> str:
    """Minor units as the API's string form: 1050 → ``"10.50"``."""
    return f"{to_decimal(minor):.2f}"


WireAmount = Annotated[
    Decimal, WithJsonSchema({"type": "number", "description": "Yuan with at most two decimal places."})
]
"""A response amount: written as a JSON number (never a string, never a float in between), documented so."""
