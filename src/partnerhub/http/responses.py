"""JSON in and out without floats.

Request bodies parse numbers as Decimal; responses write Decimal as JSON numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

import simplejson
from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.responses import JSONResponse


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
        return self._json


class ApiRoute(APIRoute):
    """Route class that hands handlers a request whose ``json()`` yields Decimal numbers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def decimal_handler(request: Request) -> Response:
            return await handler(DecimalJSONRequest(request.scope, request.receive))

        return decimal_handler
