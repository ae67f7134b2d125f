"""partnerhub's own OpenAPI document, read once, and its write operations for the generated probes."""

from __future__ import annotations

import functools
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from partnerhub.app import create_app
from partnerhub.config import Settings

WRITE_METHODS = ("post", "put", "patch", "delete")


@functools.cache
def document() -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="partnerhub-openapi-"))
    return create_app(Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir}/unused.db")).openapi()


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` (and a lone ``allOf``) to the schema it names."""
    while True:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = document()["components"]["schemas"][name]
        elif len(schema.get("allOf", ())) == 1:
            schema = schema["allOf"][0]
        else:
            return schema


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    body_schema: dict[str, Any] | None
    public: bool

    def concrete_path(self, **values: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda match: values.get(match.group(1), "unknown0000"), self.path)

    @property
    def documented_fields(self) -> set[str]:
        return set(resolve(self.body_schema or {}).get("properties", {}))


def write_operations(*, with_body: bool = False) -> list[Operation]:
    found = []
    for path, item in document()["paths"].items():
        for method, spec in item.items():
            if method not in WRITE_METHODS:
                continue
            content = (spec.get("requestBody") or {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            if with_body and body is None:
                continue
            found.append(
                Operation(method.upper(), path, spec["operationId"], body, public=spec.get("security") == [])
            )
    return found
