"""``partnerhub partner create|list|show|set-password``. Contact data is always masked."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from partnerhub.cli.common import JsonFlag, emit, fail, transaction
from partnerhub.errors import ApiError
from partnerhub.kit.clock import format_utc
from partnerhub.kit.masking import mask_email, mask_mobile
from partnerhub.kit.money import to_text
from partnerhub.ledger.accounts import partner_cash
from partnerhub.ledger.service import balances_of
from partnerhub.partners.models import Partner, PartnerKind
from partnerhub.partners.passwords import set_partner_password
from partnerhub.partners.service import create_partner, get_partner, list_keys, list_partners

partner_app = typer.Typer(help="Partners.", no_args_is_help=True)


class KindOption(StrEnum):
    distributor = "distributor"
    reseller = "reseller"
    solution_provider = "solution-provider"


def partner_view(partner: Partner) -> dict[str, Any]:
    """A partner as every command shows it; ``xaccount_type`` is its platform id for creating customers."""
    return {
        "id": partner.id,
        "kind": partner.kind,
        "name": partner.name,
        "login": partner.account_name,
        "parent_id": partner.parent_id,
        "status": partner.status,
        "xaccount_type": partner.xaccount_type,
        "mobile": mask_mobile(partner.mobile),
        "email": mask_email(partner.email),
        "created_at": format_utc(partner.created_at),
    }


@partner_app.command("create")
def partner_create(
    kind: Annotated[KindOption, typer.Option(help="Partner kind.")],
    name: Annotated[str, typer.Option(help="Company name.")],
    parent: Annotated[str | None, typer.Option(help="Distributor id (resellers only).")] = None,
    mobile: Annotated[str | None, typer.Option(help="Contact mobile, mainland China (13800000000).")] = None,
    email: Annotated[str | None, typer.Option(help="Contact e-mail.")] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="Console / token login password: 8-32 characters, two of upper, lower, digit, special "
            "(`partner set-password` keeps it out of the shell history)."
        ),
    ] = None,
    login: Annotated[str | None, typer.Option(help="Login name (default: generated).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create a partner. Every input is checked with the API's rules before anything is written."""
    with transaction(as_json) as (session, ctx):
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
        data = partner_view(partner)
    emit(
        data,
        as_json,
        f"created {data['kind']} {data['id']} (login {data['login']}, platform id {data['xaccount_type']})",
    )


@partner_app.command("list")
def partner_list(as_json: JsonFlag = False) -> None:
    """List partners (contact data masked) with their platform ids (``xaccount_type``)."""
    with transaction(as_json) as (session, _):
        rows = [partner_view(p) for p in list_partners(session)]
    text = "\n".join(
        f"{r['id']}  {r['kind']:<17} {r['login']:<24} {r['xaccount_type']:<30} {r['name']}" for r in rows
    )
    header = f"{'id':<32}  {'kind':<17} {'login':<24} {'xaccount_type':<30} name\n"
    emit(rows, as_json, header + text if rows else "no partners")


@partner_app.command("show")
def partner_show(
    partner_id: Annotated[str, typer.Argument(help="Partner id.")], as_json: JsonFlag = False
) -> None:
    """One partner: its platform id, masked contact, cash balance and access keys (never a secret key)."""
    with transaction(as_json) as (session, _):
        partner = get_partner(session, partner_id)
        data = partner_view(partner)
        cash = partner_cash(partner.id)
        data["cash_balance"] = to_text(balances_of(session, [cash]).get(cash, 0))
        data["currency"] = "CNY"
        data["access_keys"] = [
            {"access_key": key.access_key, "status": key.status, "created_at": format_utc(key.created_at)}
            for key in list_keys(session, partner.id)
        ]
    lines = [
        f"{label:<14} {data[field] if data[field] is not None else '-'}"
        for label, field in (
            ("id", "id"),
            ("kind", "kind"),
            ("name", "name"),
            ("login", "login"),
            ("parent", "parent_id"),
            ("status", "status"),
            ("xaccount_type", "xaccount_type"),
            ("mobile", "mobile"),
            ("email", "email"),
            ("created", "created_at"),
        )
    ]
    lines.append(f"{'cash':<14} {data['cash_balance']} CNY")
    lines += [f"{'access key':<14} {k['access_key']}  {k['status']}" for k in data["access_keys"]]
    lines.append("(xaccount_type is the platform id create-customer calls must send as `xaccount_type`)")
    emit(data, as_json, "\n".join(lines))


def _read_password(from_stdin: bool, as_json: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if not password:
            fail(ApiError("CBC.99000036", field="password", detail="nothing on standard input"), as_json)
        return password
    entered: str = typer.prompt("New password", hide_input=True, confirmation_prompt="Repeat the password")
    return entered


@partner_app.command("set-password")
def partner_set_password(
    partner_id: Annotated[str, typer.Argument(help="Partner id.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Set a partner's console / token login password (prompts twice unless --password-stdin)."""
    with transaction(as_json) as (session, _):
        get_partner(session, partner_id)  # an unknown id fails before anyone types a password
    password = _read_password(password_stdin, as_json)
    with transaction(as_json) as (session, ctx):
        set_partner_password(session, ctx.clock, partner_id, password)
    emit({"partner_id": partner_id, "password": "set"}, as_json, f"password set for {partner_id}")
