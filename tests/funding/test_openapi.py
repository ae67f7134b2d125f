"""The OpenAPI document describes the money routes, their idempotency header and batch funding."""

from __future__ import annotations

from tests.support import Env

MONEY_ROUTES = {
    "/v2/accounts/partner-accounts/adjust-amount": "update_customer_account_amount",
    "/v2/accounts/partner-accounts/reclaim": "reclaim_to_partner_account",
    "/v2/accounts/partner-accounts/indirect-partner-adjust": "update_indirect_partner_account",
    "/v2/accounts/partner-accounts/indirect-partner-reclaim": "reclaim_indirect_partner_account",
    "/v2/accounts/partner-accounts/batch-adjust": "batch_update_customer_account_amount",
}


def test_money_routes_document_the_idempotency_key(env: Env) -> None:
    paths = env.http.get("/openapi.json").json()["paths"]
    for path in MONEY_ROUTES:
        operation = paths[path]["post"]
        headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "X-Client-Token" in headers, path
        assert "409" in headers["X-Client-Token"]["description"]
        assert "409" in operation["responses"]


def test_batch_funding_documents_modes_and_funding_type(env: Env) -> None:
    operation = env.http.get("/openapi.json").json()["paths"]["/v2/accounts/partner-accounts/batch-adjust"][
        "post"
    ]
    for words in ("partial", "atomic", "dry_run", "Funding type", "credit", "CBC.0501"):
        assert words in operation["description"], words
