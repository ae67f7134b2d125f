"""``partnerhub demo``: initialise (as ``db upgrade``) and seed a partner hierarchy once."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress

from partnerhub.cli.common import JsonFlag, emit, guarded, initialise, load_settings, transaction
from partnerhub.demo import seed_demo
from partnerhub.errors import invalid


def demo(
    customers: Annotated[int, typer.Option(help="How many demo customers to create.")] = 6,
    as_json: JsonFlag = False,
) -> None:
    """Seed a demo hierarchy once (a distributor, two resellers, customers) and print logins, platform ids,
    the quota id and keys."""
    with guarded(as_json):
        if customers < 0:
            raise invalid("customers", "must be 0 or more")
        initialise(load_settings())
    with (
        transaction(as_json) as (session, ctx),
        Progress(transient=True, disable=as_json or customers < 10_000) as bar,
    ):
        task = bar.add_task("customers", total=customers)
        result = seed_demo(session, ctx, customers=customers, progress=lambda n: bar.advance(task, n))
    data = {
        "created": result.created,
        "logins": result.logins,
        "customers": result.customers,
        "quota_id": result.quota_id,
        "keys": [
            {"access_key": k.access_key, "secret_key": k.secret_key, "partner_id": k.partner_id}
            for k in result.keys
        ],
    }
    if as_json:
        emit(data, True, "")
        return
    lines = []
    if not result.created:
        lines.append(
            "demo data already present (secret keys are shown only once; `partnerhub key create` makes more)"
        )
    for login in result.logins:
        lines.append(
            f"{login['kind']:<12} login {login['login']:<20} id {login['partner_id']}"
            f"  xaccount_type {login['xaccount_type']}"
            + (f"  password {login['password']}" if "password" in login else "")
        )
    if result.quota_id:
        lines.append(f"distributor voucher quota id {result.quota_id}")
    lines += [f"key for {key.partner_id}: AK {key.access_key}  SK {key.secret_key}" for key in result.keys]
    if result.created:
        lines.append(f"{result.customers} demo customers created")
    emit(data, False, "\n".join(lines))
