"""The Schemathesis run (tests/test_fuzz_openapi.py) covers every documented operation, the newest route
families included; the document declares no links, so there is no stateful sequence to follow yet."""

from __future__ import annotations

import tests.test_fuzz_openapi as fuzz  # as a module: its test is collected there, not here again
from tests.security.openapi import WRITE_METHODS, document

NEW_ROUTE_FAMILIES = (
    "/v2/partners/sub-customers/association-requests",
    "/v2/partners/sub-customers/association-invitations",
    "/v2/customers/association-requests",
    "/v2/customers/association-invitations",
    "/v2/partners/indirect-partners/invitations",
    "/v2/public/reseller-registrations",
    "/v2/partners/notifications",
    "/v2/partners/step-up/verification-code",
    "/v2/partners/settings",
)


def _fuzzed() -> set[tuple[str, str]]:
    return {(op.ok().method.lower(), op.ok().path) for op in fuzz.api_schema.get_all_operations()}


def test_every_documented_operation_is_fuzzed() -> None:
    documented = {
        (method, path)
        for path, item in document()["paths"].items()
        for method in item
        if method in ("get", *WRITE_METHODS)
    }
    assert documented == _fuzzed()


def test_association_invitation_notification_and_step_up_routes_are_fuzzed() -> None:
    paths = {path for _, path in _fuzzed()}
    for family in NEW_ROUTE_FAMILIES:
        assert any(path.startswith(family) for path in paths), family


def test_the_document_declares_no_links_to_follow() -> None:
    """When links appear, add Schemathesis' stateful run (``api_schema.as_state_machine``)."""
    links = [
        response["links"]
        for item in document()["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
        if "links" in response
    ]
    assert links == []
