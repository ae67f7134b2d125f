"""The amount parser and formatter at the API edge (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.errors import ApiError
from partnerhub.kit.money import parse_amount, to_decimal, to_text

MAX = Decimal("100000000")


@pytest.mark.parametrize(
    ("value", "minor"),
    [
        (Decimal("10.50"), 1050),
        (Decimal("10.5"), 1050),
        (Decimal("10.500"), 1050),
        (10, 1000),
        ("0.01", 1),
        (" 7.25 ", 725),
        (Decimal("1E+2"), 10000),
        (MAX, 10_000_000_000),
    ],
)
def test_accepted_amounts(value: object, minor: int) -> None:
    assert parse_amount(value, "amount", maximum=MAX) == minor


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (0, "greater than 0"),
        (Decimal("0.00"), "greater than 0"),
        (-1, "greater than 0"),
        ("-1.00", "greater than 0"),
        (Decimal("0.001"), "2 decimal places"),
        (Decimal("1.005"), "2 decimal places"),
        ("1.005", "2 decimal places"),
        ("abc", "number"),
        ("", "number"),
        ("1e3", "number"),
        ("NaN", "number"),
        (Decimal("NaN"), "finite"),
        (Decimal("Infinity"), "finite"),
        (Decimal("1E+999999"), "exceed"),
        (MAX + Decimal("0.01"), "exceed"),
        (1.5, "decimal number"),
        (True, "decimal number"),
        (None, "required"),
        ([1], "decimal number"),
    ],
)
def test_refused_amounts_name_the_field(value: object, reason: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse_amount(value, "items[0].amount", maximum=MAX)
    assert raised.value.code == "CBC.0100"
    assert raised.value.field == "items[0].amount"
    assert reason in (raised.value.detail or "")


def test_formatting() -> None:
    assert to_decimal(1050) == Decimal("10.50") and str(to_decimal(1050)) == "10.50"
    assert str(to_decimal(0)) == "0.00"
    assert to_text(5) == "0.05"
    assert to_text(-1234) == "-12.34"


@given(st.integers(min_value=1, max_value=10_000_000_000))
def test_minor_units_round_trip_through_text_and_decimal(minor: int) -> None:
    assert parse_amount(to_text(minor), "amount", maximum=MAX) == minor
    assert parse_amount(to_decimal(minor), "amount", maximum=MAX) == minor


@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=20))
def test_parts_sum_exactly(parts: list[int]) -> None:
    total = sum(to_decimal(part) for part in parts)
    assert parse_amount(total, "amount", maximum=Decimal(10**12)) == sum(parts)
