"""Which language a response speaks: ``X-Language``, else ``Accept-Language``, else the configured default.

Both headers accept the usual spellings (``en``, ``en-US``, ``en_US``, ``zh``, ``zh-CN``, ``zh-Hans``…);
a value that names neither language falls through to the next source. ``RequestContextMiddleware``
decides once per request and keeps the answer in the request state, where every error renderer reads it.
"""

from __future__ import annotations

from partnerhub.errors import Language

STATE_KEY = "language"


def _known(tag: str) -> Language | None:
    primary = tag.strip().lower().replace("_", "-").split("-", 1)[0]
    if primary == "en":
        return "en-us"
    if primary == "zh":
        return "zh-cn"
    return None


def _from_accept_language(value: str) -> Language | None:
    """The best-weighted tag naming a known language (RFC 9110 ``q`` weights; malformed ones count 0)."""
    best: tuple[float, Language] | None = None
    for position, item in enumerate(value.split(",")[:20]):
        tag, _, parameters = item.partition(";")
        weight = 1.0
        if parameters.strip().lower().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                weight = 0.0
        known = _known(tag)
        # Earlier tags win ties: subtract a tiny amount per position.
        if known is not None and weight > 0 and (best is None or weight - position * 1e-6 > best[0]):
            best = (weight - position * 1e-6, known)
    return best[1] if best else None


def negotiate(x_language: str | None, accept_language: str | None, default: Language) -> Language:
    if x_language:
        known = _known(x_language)
        if known is not None:
            return known
    if accept_language:
        preferred = _from_accept_language(accept_language)
        if preferred is not None:
            return preferred
    return default
