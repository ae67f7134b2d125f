"""Every error message speaks one language: the registry's, in the language the caller asked for."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from partnerhub import error_details
from partnerhub.errors import ApiError
from partnerhub.http.language import negotiate
from tests.support import Env, make_partner, signed_call

SOURCE = Path(__file__).resolve().parents[1] / "src" / "partnerhub"
CHECK_PATH = "/v2/partners/sub-customers/users/check-identity"
ADJUST_PATH = "/v2/accounts/partner-accounts/adjust-amount"


def _details_in_source() -> list[tuple[str, int, ast.expr]]:
    """Each ``detail`` given to ``invalid(...)`` / ``ApiError(..., detail=...)``, and every string a
    ``*_problem`` function returns (those become details)."""
    found: list[tuple[str, int, ast.expr]] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.endswith("_problem"):
                for inner in ast.walk(node):
                    returned = inner.value if isinstance(inner, ast.Return) else None
                    if isinstance(returned, ast.Constant) and isinstance(returned.value, str):
                        found.append((str(path), inner.lineno, returned))
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name == "invalid" and len(node.args) >= 2:
                found.append((str(path), node.lineno, node.args[1]))
            for keyword in node.keywords:
                if keyword.arg == "detail" and name in ("ApiError", "invalid"):
                    found.append((str(path), node.lineno, keyword.value))
    return found


def test_every_detail_in_the_code_is_a_registered_template() -> None:
    missing, formatted = [], []
    for path, line, node in _details_in_source():
        where = f"{Path(path).relative_to(SOURCE)}:{line}"
        if isinstance(node, ast.JoinedStr):
            formatted.append(where)  # an f-string cannot be translated: pass a template and params
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value not in error_details.ZH_CN
        ):
            missing.append(f"{where} {node.value!r}")
    assert formatted == [], "f-string details"
    assert missing == [], "details without a zh-cn reading"


def test_details_render_in_the_chosen_language() -> None:
    error = ApiError(
        "CBC.0100", field="offset", detail="must be between {low} and {high}", params={"low": 0, "high": 9}
    )
    assert error.message("en-us") == "Invalid parameter: offset, must be between 0 and 9"
    assert error.message("zh-cn") == "参数错误：offset，必须在 0 到 9 之间"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en", "en-us"),
        ("en-US", "en-us"),
        ("en_US", "en-us"),
        ("EN-us", "en-us"),
        ("zh", "zh-cn"),
        ("zh-CN", "zh-cn"),
        ("zh_CN", "zh-cn"),
        ("zh-Hans", "zh-cn"),
        ("fr", "zh-cn"),
        ("", "zh-cn"),
    ],
)
def test_language_spellings(header: str, expected: str) -> None:
    assert negotiate(header, None, "zh-cn") == expected


def test_accept_language_counts_when_x_language_is_absent() -> None:
    assert negotiate(None, "fr-FR,en-GB;q=0.8,zh;q=0.5", "zh-cn") == "en-us"
    assert negotiate(None, "en;q=0.2, zh-CN", "en-us") == "zh-cn"
    assert negotiate(None, "de, fr;q=0.9", "en-us") == "en-us"
    assert negotiate("zh-cn", "en-US", "en-us") == "zh-cn"  # X-Language wins


def _english_check(env: Env, **headers: str) -> str:
    body = {"search_type": "bogus", "search_value": "abcdef"}
    response = signed_call(env, make_partner(env), "POST", CHECK_PATH, body, extra_headers=headers)
    assert response.status_code == 400
    return str(response.json()["error_msg"])


def test_no_header_means_the_default_language_throughout(env: Env) -> None:
    partner = make_partner(env)
    response = signed_call(env, partner, "POST", ADJUST_PATH, {"customer_id": "c", "amount": "1.005"})
    message = response.json()["error_msg"]
    assert message.startswith("参数错误：amount")
    assert message.isascii() is False and "decimal" not in message  # no English detail inside Chinese


@pytest.mark.parametrize("spelling", ["en", "en_US", "en-US"])
def test_x_language_spellings_over_http(env: Env, spelling: str) -> None:
    assert _english_check(env, **{"X-Language": spelling}).startswith("Invalid parameter: search_type")


def test_accept_language_over_http(env: Env) -> None:
    assert _english_check(env, **{"Accept-Language": "en-US,en;q=0.9"}).startswith("Invalid parameter")


def test_pydantic_errors_come_from_the_registry_too(env: Env) -> None:
    partner = make_partner(env)
    response = signed_call(env, partner, "POST", "/v2/partners/sub-customers/query", {"offset": "abc"})
    assert response.json()["error_msg"] == "参数错误：offset，必须是整数"
    english = signed_call(
        env,
        partner,
        "POST",
        "/v2/partners/sub-customers/query",
        {"offset": "abc"},
        extra_headers={"X-Language": "en-us"},
    )
    assert english.json()["error_msg"] == "Invalid parameter: offset, must be an integer"
