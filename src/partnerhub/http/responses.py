"""JSON in and out without floats, and no NUL characters in.

Request bodies parse numbers as Decimal; responses write Decimal as JSON numbers. A NUL character in any
query value or JSON string is refused at the edge with CBC.0100 naming where it was: no store keeps it
faithfully (PostgreSQL text refuses it outright) and no legitimate field needs it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from contextlib import suppress
from decimal import Decimal
from typing import Any

import simplejson
from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.responses import JSONResponse

from partnerhub.errors import invalid


class ApiJSONResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return simplejson.dumps(content, use_decimal=True, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(
    content: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> ApiJSONResponse:
    return ApiJSONResponse(content, status_code=status_code, headers=headers)


class DecimalJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            # Numbers with a fraction or exponent become Decimal; floats never enter the program.
            try:
                self._json = simplejson.loads(body, parse_float=Decimal) if body else None
            except simplejson.JSONDecodeError as exc:  # FastAPI turns the stdlib error into a 400
                raise json.JSONDecodeError(exc.msg, exc.doc, exc.pos) from exc
            except (UnicodeDecodeError, RecursionError) as exc:  # not UTF-8, or nested beyond reason
                raise json.JSONDecodeError(type(exc).__name__, "", 0) from exc
        return self._json


_NUL_REFUSED = "must not contain NUL characters"


def _refuse_nul(value: Any, where: str) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise invalid(where, _NUL_REFUSED)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, where)
            _refuse_nul(item, f"{key}" if where == "body" else f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{where}[{index}]")


class ApiRoute(APIRoute):
    """Route class that hands handlers a request whose ``json()`` yields Decimal numbers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def decimal_handler(request: Request) -> Response:
            decimal_request = DecimalJSONRequest(request.scope, request.receive)
            for key, value in decimal_request.query_params.multi_items():
                if "\x00" in key or "\x00" in value:
                    raise invalid(key.replace("\x00", ""), _NUL_REFUSED)
            with suppress(json.JSONDecodeError):  # FastAPI answers a malformed body itself
                _refuse_nul(await decimal_request.json(), "body")
            return await handler(decimal_request)

        return decimal_handler
