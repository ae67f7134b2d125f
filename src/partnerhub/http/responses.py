"""JSON in and out without floats: the API's route class and response class.

Request bodies are parsed and screened by ``http/bodies.py`` (bounded numbers as Decimal, no NUL characters or
lone surrogates); responses write Decimal as JSON numbers, exactly as ``str(Decimal)`` spells them. orjson
writes responses (several times faster than the json module); what it cannot write (an integer beyond 64 bits,
say) falls back to simplejson, with the same output.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from contextlib import suppress
from decimal import Decimal
from typing import Any

import orjson
import simplejson
from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette._utils import is_async_callable
from starlette.responses import JSONResponse

from partnerhub.errors import ApiError
from partnerhub.http.bodies import is_json_media_type, parse_json, screen, screen_query
from partnerhub.http.request_threads import in_request_thread


class ApiJSONResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return render_json(content)


def _decimal_as_number(value: Any) -> Any:
    if isinstance(value, Decimal) and value.is_finite():
        return orjson.Fragment(str(value))
    raise TypeError  # orjson then raises JSONEncodeError and render_json falls back


def render_json(content: Any) -> bytes:
    try:
        return orjson.dumps(content, default=_decimal_as_number, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        return simplejson.dumps(content, use_decimal=True, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(
    content: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> ApiJSONResponse:
    return ApiJSONResponse(content, status_code=status_code, headers=headers)


class DecimalJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body())
        return self._json


class ApiRoute(APIRoute):
    """Route class for every API route: bodies parsed and screened by ``http/bodies.py`` before the handler.

    A route that takes a JSON body refuses any other media type with 415 naming it, instead of a confusing
    "Input should be a valid dictionary". A plain ``def`` handler runs with its dependencies in one request
    thread (``http/request_threads.py``), not one thread hop per dependency.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        takes_body = self.body_field is not None
        blocking = not is_async_callable(self.endpoint)

        async def decimal_handler(request: Request) -> Response:
            decimal_request = DecimalJSONRequest(request.scope, request.receive)
            screen_query(decimal_request.query_params.multi_items())
            body = await decimal_request.body()  # here, on the server's loop: a request thread never receives
            if takes_body and body:
                content_type = decimal_request.headers.get("content-type")
                if not is_json_media_type(content_type):
                    raise ApiError(
                        "CBC.0415",
                        field="Content-Type",
                        detail="{content_type} is not JSON; send application/json",
                        params={"content_type": (content_type or "(none)")[:64]},
                    )
                with suppress(json.JSONDecodeError):  # FastAPI answers a malformed body itself
                    screen(await decimal_request.json())
            if blocking:
                return await in_request_thread(handler, decimal_request)
            return await handler(decimal_request)

        return decimal_handler
