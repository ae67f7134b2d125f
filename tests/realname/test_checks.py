"""The pure real-name checks: GB 11643 resident ID numbers, Luhn card numbers, attachment paths."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.realname.checks import (
    attachment_path_problem,
    gb11643_check_digit,
    has_allowed_extension,
    is_valid_bank_account,
    is_valid_resident_id,
    luhn_valid,
)


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x", "320106198508151235"])
def test_published_example_ids_are_valid(number: str) -> None:
    assert is_valid_resident_id(number)


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character
        "11010519491331002X",  # month 13
        "11010519490230002X",  # 30 February (check digit irrelevant: the date fails first)
        "1101051949123100",  # too short
        "11010519491231002Y",
        "",
    ],
)
def test_invalid_ids_are_refused(number: str) -> None:
    assert not is_valid_resident_id(number)


def test_birth_dates_before_1900_or_in_the_future_are_refused() -> None:
    assert not is_valid_resident_id("440524188001010014")  # a correct check character, born 1880
    base = "11010520300101001"
    assert not is_valid_resident_id(base + gb11643_check_digit(base), today=date(2026, 1, 1))
    assert is_valid_resident_id(base + gb11643_check_digit(base), today=date(2031, 1, 1))


@given(
    region=st.integers(min_value=110000, max_value=659999),
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_exactly_one_check_character_makes_an_id_valid(region: int, born: date, sequence: int) -> None:
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    valid = [char for char in "0123456789X" if is_valid_resident_id(first17 + char)]
    assert valid == [gb11643_check_digit(first17)]


@pytest.mark.parametrize("digits", ["79927398713", "4539578763621486", "6222020200000000006"])
def test_luhn_accepts_valid_numbers(digits: str) -> None:
    assert luhn_valid(digits)


@pytest.mark.parametrize("digits", ["79927398710", "4539578763621487", "12a4", ""])
def test_luhn_refuses_invalid_numbers(digits: str) -> None:
    assert not luhn_valid(digits)


@given(st.text(alphabet="0123456789", min_size=11, max_size=18), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_breaks_luhn(digits: str, delta: int) -> None:
    check = next(d for d in "0123456789" if luhn_valid(digits + d))
    number = digits + check
    changed = number[:-3] + str((int(number[-3]) + delta) % 10) + number[-2:]
    assert not luhn_valid(changed)


@pytest.mark.parametrize(
    ("account", "valid"),
    [
        ("6222020200000000006", True),
        ("6222-0202-0000-0000-006", True),
        ("-6222020200000000006", False),  # must start with a letter or digit
        ("6222020200000000007", False),  # Luhn
        ("62220202", False),  # too short for a card
        ("6222 0202 0000 0000 006", False),  # spaces are not allowed
    ],
)
def test_bank_account_rule(account: str, valid: bool) -> None:
    assert is_valid_bank_account(account) is valid


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("abc023.jpg", True),
        ("test/abc023.JPG", True),
        ("/abc.jpg", False),
        ("https://bucket.obs.example.com/download/abc.jpg", False),
        ("a/../b.jpg", False),
        ("a//b.jpg", False),
        ("a\\b.jpg", False),
        ("", False),
    ],
)
def test_attachment_paths(path: str, ok: bool) -> None:
    assert (attachment_path_problem(path) is None) is ok


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("a.jpeg", True),
        ("a.PDF", True),
        ("a.gif", True),
        ("a.exe", False),
        ("a.jpg.txt", False),
        ("jpg", False),
    ],
)
def test_attachment_extensions(path: str, ok: bool) -> None:
    assert has_allowed_extension(path) is ok
