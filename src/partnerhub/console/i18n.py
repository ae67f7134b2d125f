"""The console's two languages: Babel message catalogs, and which one a request gets.

Catalogs live in ``console/locale/<locale>/LC_MESSAGES/messages.po`` (committed); the compiled ``.mo`` files
are built by ``make install`` (``pybabel compile``). A catalog whose ``.mo`` is missing or older than its
``.po`` is compiled in memory at startup instead, so a checkout without the build step still shows both
languages. Source strings are English; ``en_US`` is an (almost) empty catalog that keeps them.

Which language: the user's choice (the ``partnerhub_language`` cookie, set from any page), then the browser's
``Accept-Language``, then ``PARTNERHUB_DEFAULT_LANGUAGE``.
"""

from __future__ import annotations

import io
from functools import cache
from gettext import GNUTranslations, NullTranslations
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from partnerhub.errors import Language

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LANGUAGE_COOKIE = "partnerhub_language"
LANGUAGES: dict[Language, str] = {"zh-cn": "zh_CN", "en-us": "en_US"}
"""The console's language code → the Babel locale of its catalog."""
LANGUAGE_NAMES: dict[Language, str] = {"zh-cn": "中文", "en-us": "English"}


@cache
def translations(language: Language) -> NullTranslations:
    """The compiled catalog of ``language`` (loaded once per process)."""
    folder = LOCALE_DIR / LANGUAGES[language] / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return GNUTranslations(handle)
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=LANGUAGES[language])
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return GNUTranslations(buffer)


def parse_language(value: str | None) -> Language | None:
    wanted = (value or "").strip().lower().replace("_", "-")
    if wanted in ("zh-cn", "zh", "zh-hans", "zh-hans-cn"):
        return "zh-cn"
    if wanted in ("en-us", "en", "en-gb"):
        return "en-us"
    return None


def from_accept_language(header: str) -> Language | None:
    """The first supported language in ``Accept-Language``, by quality (ties keep the header's order)."""
    choices: list[tuple[float, int, Language]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = parse_language(tag) or parse_language(tag.split("-")[0])
        if language is not None and quality > 0:
            choices.append((-quality, position, language))
    return min(choices)[2] if choices else None


def request_language(choice: str | None, accept_language: str, default: Language) -> Language:
    """The user's choice (cookie), else the browser's preference, else the configured default."""
    return parse_language(choice) or from_accept_language(accept_language) or default
