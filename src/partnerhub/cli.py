"""The operator CLI: ``partnerhub db|serve|partner|key|demo``. Every command opens one transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.progress import Progress
from sqlalchemy.orm import Session

from partnerhub.config import Settings
from partnerhub.context import AppContext, build_context
from partnerhub.coupons.commands import expire_command, usage_app
from partnerhub.db import migrate
from partnerhub.db.session import session_scope
from partnerhub.errors import ApiError
from partnerhub.partners.models import PartnerKind
from partnerhub.partners.service import create_partner, issue_key, list_partners, revoke_key
from partnerhub.quotas.commands import quota_app

app = typer.Typer(help="partnerhub operator commands.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
partner_app = typer.Typer(help="Partners.", no_args_is_help=True)
key_app = typer.Typer(help="API access keys (AK/SK).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(partner_app, name="partner")
app.add_typer(key_app, name="key")
ledger_app = typer.Typer(help="The double-entry ledger.", no_args_is_help=True)
idempotency_app = typer.Typer(help="Idempotency keys of money-moving requests.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")
app.add_typer(idempotency_app, name="idempotency")
outbox_app = typer.Typer(help="Messages sent by the verification-code senders.", no_args_is_help=True)
realname_app = typer.Typer(help="Real-name authentication reviews.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")
app.add_typer(realname_app, name="realname")
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(quota_app, name="quota")
app.add_typer(usage_app, name="usage")
app.command("expire")(expire_command)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


class KindOption(StrEnum):
    distributor = "distributor"
    reseller = "reseller"
    solution_provider = "solution-provider"


def _context() -> AppContext:
    return build_context(Settings())


@contextmanager
def _transaction() -> Iterator[tuple[Session, AppContext]]:
    ctx = _context()
    try:
        with session_scope(ctx.sessions) as session:
            yield session, ctx
    except ApiError as exc:
        typer.echo(f"error: {exc.code} {exc.message('en-us')}", err=True)
        raise typer.Exit(2) from exc
    finally:
        ctx.engine.dispose()


def _emit(data: Any, as_json: bool, text: str) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, default=str) if as_json else text)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.resolved_database_url())
    typer.echo(f"database at {migrate.head_revision()}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes; state lives in the database.")] = 1,
) -> None:
    """Serve the API, /docs and /metrics."""
    import os
    import shutil

    import uvicorn

    if workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Several processes: each writes its metrics to files here and /metrics sums them all.
        metrics_dir = Settings().data_dir / "metrics"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir.resolve())
    uvicorn.run(
        "partnerhub.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        proxy_headers=False,
    )


@partner_app.command("create")
def partner_create(
    kind: Annotated[KindOption, typer.Option(help="Partner kind.")],
    name: Annotated[str, typer.Option(help="Company name.")],
    parent: Annotated[str | None, typer.Option(help="Distributor id (resellers only).")] = None,
    mobile: Annotated[str | None, typer.Option(help="Contact mobile.")] = None,
    email: Annotated[str | None, typer.Option(help="Contact e-mail.")] = None,
    password: Annotated[str | None, typer.Option(help="Console / token login password.")] = None,
    login: Annotated[str | None, typer.Option(help="Login name (default: generated).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create a partner."""
    with _transaction() as (session, ctx):
        partner = create_partner(
            session,
            ctx.clock,
            kind=PartnerKind(kind.value.replace("-", "_")),
            name=name,
            account_name=login,
            parent_id=parent,
            mobile=mobile,
            email=email,
            password=password,
        )
        data = {
            "id": partner.id,
            "kind": partner.kind,
            "name": partner.name,
            "login": partner.account_name,
            "parent_id": partner.parent_id,
            "xaccount_type": partner.xaccount_type,
        }
    _emit(data, as_json, f"created {data['kind']} {data['id']} (login {data['login']})")


@partner_app.command("list")
def partner_list(as_json: JsonFlag = False) -> None:
    """List partners (contact data masked)."""
    from partnerhub.kit.masking import mask_email, mask_mobile

    with _transaction() as (session, _):
        rows = [
            {
                "id": p.id,
                "kind": p.kind,
                "name": p.name,
                "login": p.account_name,
                "parent_id": p.parent_id,
                "status": p.status,
                "mobile": mask_mobile(p.mobile),
                "email": mask_email(p.email),
            }
            for p in list_partners(session)
        ]
    text = (
        "\n".join(f"{r['id']}  {r['kind']:<17} {r['login']:<24} {r['name']}" for r in rows) or "no partners"
    )
    _emit(rows, as_json, text)


@key_app.command("create")
def key_create(
    partner: Annotated[str, typer.Option(help="Partner id.")],
    as_json: JsonFlag = False,
) -> None:
    """Issue an AK/SK pair. The secret key is shown once and never again."""
    with _transaction() as (session, ctx):
        issued = issue_key(session, ctx.clock, ctx.master_key, partner)
    data = {"access_key": issued.access_key, "secret_key": issued.secret_key, "partner_id": issued.partner_id}
    _emit(data, as_json, f"access key {issued.access_key}\nsecret key {issued.secret_key}  (shown once)")


@key_app.command("revoke")
def key_revoke(access_key: str, as_json: JsonFlag = False) -> None:
    """Revoke an access key; requests signed with it fail from now on."""
    with _transaction() as (session, ctx):
        found = revoke_key(session, ctx.clock, access_key)
    if not found:
        typer.echo("error: no such access key", err=True)
        raise typer.Exit(2)
    _emit({"access_key": access_key, "status": "revoked"}, as_json, f"revoked {access_key}")


@app.command()
def demo(
    customers: Annotated[int, typer.Option(help="How many demo customers to create.")] = 6,
    as_json: JsonFlag = False,
) -> None:
    """Seed a demo hierarchy once (a distributor, two resellers, customers) and print logins and keys."""
    from partnerhub.demo import seed_demo

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.resolved_database_url())
    with (
        _transaction() as (session, ctx),
        Progress(transient=True, disable=as_json or customers < 10_000) as bar,
    ):
        task = bar.add_task("customers", total=customers)
        result = seed_demo(session, ctx, customers=customers, progress=lambda n: bar.advance(task, n))
    data = {
        "created": result.created,
        "logins": result.logins,
        "customers": result.customers,
        "keys": [
            {"access_key": k.access_key, "secret_key": k.secret_key, "partner_id": k.partner_id}
            for k in result.keys
        ],
    }
    if as_json:
        _emit(data, True, "")
        return
    if not result.created:
        typer.echo(
            "demo data already present (secret keys are shown only once; `partnerhub key create` makes more)"
        )
    for login in result.logins:
        typer.echo(
            f"{login['kind']:<12} login {login['login']:<20} id {login['partner_id']}"
            + (f"  password {login['password']}" if "password" in login else "")
        )
    for key in result.keys:
        typer.echo(f"key for {key.partner_id}: AK {key.access_key}  SK {key.secret_key}")
    if result.created:
        typer.echo(f"{result.customers} demo customers created")


@outbox_app.command("list")
def outbox_list(
    to: Annotated[str | None, typer.Option("--to", help="Only messages to this mobile or e-mail.")] = None,
    limit: Annotated[int | None, typer.Option(help="Only the newest N messages.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List sent messages, oldest first. Only the development outbox sender keeps the code."""
    from partnerhub.kit.clock import format_utc
    from partnerhub.verification.outbox import list_messages

    with _transaction() as (session, ctx):
        entries = list_messages(session, ctx, to=to, limit=limit)
    rows: list[dict[str, Any]] = []
    for entry in entries:
        row: dict[str, Any] = {
            "to": entry.to,
            "channel": entry.channel,
            "scene": entry.scene,
            "sender": entry.sender,
            "language": entry.language,
            "body": entry.body,
            "created_at": format_utc(entry.created_at),
        }
        if entry.code is not None:
            row["code"] = entry.code
        rows.append(row)
    text = "\n".join(f"{r['created_at']}  {r['channel']:<5} {r['to']:<24} {r['body']}" for r in rows)
    _emit(rows, as_json, text or "no messages")


@realname_app.command("pending")
def realname_pending(as_json: JsonFlag = False) -> None:
    """Applications waiting for manual review (name and number masked)."""
    from partnerhub.kit.clock import format_utc
    from partnerhub.realname.service import pending_reviews

    with _transaction() as (session, ctx):
        rows = [
            {
                "customer_id": p.customer_id,
                "partner_id": p.partner_id,
                "identify_type": p.identify_type,
                "verified_type": p.verified_type,
                "name": p.name,
                "verified_number": p.verified_number,
                "attachments": p.attachments,
                "submitted_at": format_utc(p.submitted_at),
            }
            for p in pending_reviews(session, ctx)
        ]
    text = "\n".join(
        f"{r['submitted_at']}  {r['customer_id']}  type {r['verified_type']}  {r['name']}" for r in rows
    )
    _emit(rows, as_json, text or "nothing to review")


@realname_app.command("review")
def realname_review(
    customer: Annotated[str, typer.Option(help="The customer id.")],
    approve: Annotated[bool, typer.Option("--approve/--reject", help="Approve or reject the application.")],
    opinion: Annotated[str | None, typer.Option(help="Review opinion (required to reject).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Decide the customer's real-name application that waits for manual review."""
    from partnerhub.realname.service import decide_review

    with _transaction() as (session, ctx):
        state = decide_review(session, ctx, customer_id=customer, approve=approve, opinion=opinion)
    data = {"customer_id": customer, "review_result": state.review_result, "opinion": state.opinion}
    _emit(data, as_json, f"{'approved' if approve else 'rejected'} the application of {customer}")


@app.command()
def topup(
    partner: Annotated[str, typer.Option(help="Partner id.")],
    amount: Annotated[str, typer.Option(help="Yuan, > 0, at most 2 decimals, e.g. 1000.00.")],
    as_json: JsonFlag = False,
) -> None:
    """Credit a partner's cash account from the platform (platform:cash → partner cash)."""
    from partnerhub.funding.service import topup as topup_partner
    from partnerhub.kit.money import parse_amount, to_text

    with _transaction() as (session, ctx):
        minor = parse_amount(amount, "amount", maximum=ctx.settings.max_amount)
        moved = topup_partner(session, ctx, partner_id=partner, amount_minor=minor)
        data = {
            "transaction_id": moved.transaction_id,
            "partner_id": partner,
            "amount": to_text(minor),
            "balance": to_text(moved.credit_balance_after),
            "currency": "CNY",
        }
    _emit(
        data,
        as_json,
        f"topped up {partner} by {data['amount']} CNY; balance {data['balance']} ({data['transaction_id']})",
    )


@ledger_app.command("verify")
def ledger_verify(as_json: JsonFlag = False) -> None:
    """Check the books: each asset sums to zero, each balance equals its transfers. Exit 1 if not."""
    from partnerhub.ledger.verify import verify_ledger

    with _transaction() as (session, _):
        report = verify_ledger(session)
    data = report.as_dict()
    lines = [f"{'ok' if report.ok else 'FAILED'}: {report.accounts} accounts, {report.transfers} transfers"]
    lines += [f"  {asset} sums to {total}" for asset, total in sorted(report.asset_sums.items())]
    lines += [f"  problem: {json.dumps(problem, ensure_ascii=False)}" for problem in report.problems]
    _emit(data, as_json, "\n".join(lines))
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify(as_json: JsonFlag = False) -> None:
    """Recompute every partner's audit hash chain. Exit 1 naming the first broken event if one is broken."""
    from partnerhub.audit.verify import verify_audit

    with _transaction() as (session, _):
        report = verify_audit(session)
    lines = [f"{'ok' if report.ok else 'FAILED'}: {report.events} events in {report.chains} chains"]
    lines += [
        f"  broken at event {p['event_id']} (partner {p['partner_id']}): {p['problem']}"
        for p in report.problems
    ]
    _emit(report.as_dict(), as_json, "\n".join(lines))
    if not report.ok:
        raise typer.Exit(1)


@idempotency_app.command("purge")
def idempotency_purge(as_json: JsonFlag = False) -> None:
    """Delete idempotency keys older than PARTNERHUB_IDEMPOTENCY_RETENTION_HOURS (run it from cron)."""
    from datetime import timedelta

    from partnerhub.idempotency.service import purge_expired

    with _transaction() as (session, ctx):
        hours = ctx.settings.idempotency_retention_hours
        removed = purge_expired(session, now=ctx.clock.now(), retention=timedelta(hours=hours))
    data = {"purged": removed, "retention_hours": hours}
    _emit(data, as_json, f"purged {removed} keys older than {hours} h")


def main() -> None:
    app(prog_name="partnerhub")


if __name__ == "__main__":
    main()
