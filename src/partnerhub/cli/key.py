"""``partnerhub key create|list|revoke``: AK/SK pairs. A secret key is shown once, when it is made."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from partnerhub.cli.common import JsonFlag, emit, transaction
from partnerhub.errors import ApiError
from partnerhub.kit.clock import format_utc
from partnerhub.partners.models import AccessKey
from partnerhub.partners.service import find_key, get_partner, issue_key, list_keys, revoke_key

key_app = typer.Typer(help="API access keys (AK/SK).", no_args_is_help=True)


def key_view(key: AccessKey) -> dict[str, Any]:
    return {
        "access_key": key.access_key,
        "partner_id": key.partner_id,
        "status": key.status,
        "created_at": format_utc(key.created_at),
        "revoked_at": format_utc(key.revoked_at) if key.revoked_at else None,
        "last_used_at": format_utc(key.last_used_at) if key.last_used_at else None,
    }


@key_app.command("create")
def key_create(
    partner: Annotated[str, typer.Option(help="Partner id.")],
    as_json: JsonFlag = False,
) -> None:
    """Issue an AK/SK pair. The secret key is shown once and never again."""
    with transaction(as_json) as (session, ctx):
        issued = issue_key(session, ctx.clock, ctx.master_key, partner)
    data = {"access_key": issued.access_key, "secret_key": issued.secret_key, "partner_id": issued.partner_id}
    emit(data, as_json, f"access key {issued.access_key}\nsecret key {issued.secret_key}  (shown once)")


@key_app.command("list")
def key_list(
    partner: Annotated[str | None, typer.Option(help="Only this partner's keys.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List access keys with their status (secret keys are never shown again)."""
    with transaction(as_json) as (session, _):
        if partner is not None:
            get_partner(session, partner)
        rows = [key_view(key) for key in list_keys(session, partner)]
    text = "\n".join(
        f"{r['access_key']}  {r['partner_id']}  {r['status']:<8} created {r['created_at']}"
        + (f"  revoked {r['revoked_at']}" if r["revoked_at"] else "")
        for r in rows
    )
    emit(rows, as_json, text or "no access keys")


@key_app.command("revoke")
def key_revoke(access_key: str, as_json: JsonFlag = False) -> None:
    """Revoke an access key; requests signed with it fail from now on. Revoking twice says so."""
    with transaction(as_json) as (session, ctx):
        key = find_key(session, access_key)
        if key is None:
            raise ApiError(
                "CBC.0404",
                field="access_key",
                detail="no access key {access_key}",
                params={"access_key": access_key},
            )
        already = key.status == "revoked"
        if not already:
            revoke_key(session, ctx.clock, access_key)
        data = key_view(key) | {"already_revoked": already}
    text = (
        f"{access_key} was already revoked (at {data['revoked_at']})" if already else f"revoked {access_key}"
    )
    emit(data, as_json, text)
