"""Reading request bodies: the one place JSON enters the program, and what it refuses there.

Numbers parse as ``int`` (no fraction or exponent) or ``Decimal`` (floats never enter the program), and each
is bounded *before* any conversion: a literal longer than ``MAX_NUMBER_CHARS`` or a value whose magnitude
lies outside 10^±``MAX_EXPONENT`` becomes an ``OutOfRange`` marker instead. Converting
``Decimal("1E+10000000")`` to ``int`` is super-linear in the exponent (seconds for a 21-byte body) and
Python refuses integer literals past 4,300 digits with a ``ValueError``; neither may reach a model. No field
of the API needs more than 18 significant digits.

After parsing, one walk over the value refuses (``CBC.0100`` naming the field) out-of-range numbers, NUL
characters (PostgreSQL text refuses them, no store keeps them faithfully) and unpaired UTF-16 surrogates
(``"\\ud800"`` decodes to a ``str`` that no UTF-8 encoder, database driver or log line can write).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import simplejson

from partnerhub.errors import invalid

MAX_NUMBER_CHARS = 40
MAX_EXPONENT = 30
_SURROGATE = re.compile("[\ud800-\udfff]")


class OutOfRange:
    """Stands in for a number too long or too large to convert safely; refused by ``screen``."""

    __slots__ = ()


_OUT_OF_RANGE = OutOfRange()


def _parse_int(literal: str) -> int | OutOfRange:
    return _OUT_OF_RANGE if len(literal) > MAX_NUMBER_CHARS else int(literal)


def _parse_decimal(literal: str) -> Decimal | OutOfRange:
    if len(literal) > MAX_NUMBER_CHARS:
        return _OUT_OF_RANGE
    try:
        value = Decimal(literal)  # stores digits and exponent as given: cheap whatever the exponent
    except InvalidOperation:  # pragma: no cover - the JSON scanner only hands over valid number literals
        return _OUT_OF_RANGE
    if value and not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        return _OUT_OF_RANGE
    return value


def parse_json(body: bytes) -> Any:
    """The body as JSON with bounded numbers; raises ``json.JSONDecodeError`` for anything not JSON."""
    if not body:
        return None
    try:
        return simplejson.loads(body, parse_float=_parse_decimal, parse_int=_parse_int)
    except simplejson.JSONDecodeError as exc:  # FastAPI turns the stdlib error into a 400
        raise json.JSONDecodeError(exc.msg, exc.doc, exc.pos) from exc
    except (UnicodeDecodeError, RecursionError) as exc:  # not UTF-8, or nested beyond reason
        raise json.JSONDecodeError(type(exc).__name__, "", 0) from exc


def _check_text(text: str, where: str) -> None:
    if "\x00" in text:
        raise invalid(where, "must not contain NUL characters")
    if _SURROGATE.search(text):
        raise invalid(where, "must not contain unpaired UTF-16 surrogates")


def _child(where: str, key: str) -> str:
    return key if where == "body" else f"{where}.{key}"


def screen(value: Any, where: str = "body") -> None:
    """Refuse out-of-range numbers, NUL characters and lone surrogates anywhere in ``value``."""
    if isinstance(value, str):
        _check_text(value, where)
    elif isinstance(value, OutOfRange):
        raise invalid(where, "number out of range")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, where)
            screen(item, _child(where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            screen(item, f"{where}[{index}]")


def screen_query(pairs: list[tuple[str, str]]) -> None:
    for key, value in pairs:
        printable = _SURROGATE.sub("", key.replace("\x00", ""))
        _check_text(key, printable or "query")
        _check_text(value, printable or "query")


def is_json_media_type(content_type: str | None) -> bool:
    """``application/json`` or ``application/*+json`` (what FastAPI parses as JSON), parameters ignored."""
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))
