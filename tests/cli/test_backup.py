"""``partnerhub backup`` / ``restore`` on both engines: a copy taken while fundings go on is one consistent
state (ledger and audit verify, balances equal their transfers, money is conserved), restores only into an
empty database, and with writes stopped the copy's balances equal the source's exactly."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from partnerhub.db.session import make_engine
from partnerhub.ledger.models import LedgerAccount, LedgerTransfer
from partnerhub.ops.backup import libpq_connection
from tests.cli.conftest import run, run_json
from tests.conftest import _postgres_database
from tests.funding.helpers import fund_request, keyed_client, top_up
from tests.support import Env, make_customer, make_partner


@pytest.fixture
def empty_target(env: Env, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database on the same engine as the live one."""
    if env.ctx.engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'partnerhub.db'}"
        return
    yield from _postgres_database()


def _balances(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(LedgerAccount.id, LedgerAccount.balance_minor)).all()
    return {account: balance for account, balance in rows}


def _fundings(engine: Engine) -> int:
    with engine.connect() as connection:
        count = connection.scalar(
            select(func.count()).select_from(LedgerTransfer).where(LedgerTransfer.kind != "topup")
        )
    return int(count or 0)


def _restore_and_verify(monkeypatch: pytest.MonkeyPatch, backup: Path, target: str) -> Engine:
    monkeypatch.setenv("PARTNERHUB_DATABASE_URL", target)
    restored = run_json("restore", str(backup))
    assert restored["path"] == str(backup)
    assert run_json("ledger", "verify")["ok"]
    assert run_json("audit", "verify")["ok"]
    return make_engine(target)


@pytest.mark.usefixtures("cli_env")
def test_a_backup_taken_while_fundings_go_on_restores_one_consistent_state(
    env: Env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, empty_target: str
) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "1000")
    stop = threading.Event()
    done: list[int] = []
    errors: list[BaseException] = []

    def fund_continuously() -> None:
        try:
            while not stop.is_set():
                key = f"backup-{len(done)}"
                keyed_client(env, partner, key).update_customer_account_amount(
                    fund_request(customer, Decimal("0.01"))
                )
                done.append(1)
        except BaseException as exc:  # shown by the assertion below
            errors.append(exc)

    writer = threading.Thread(target=fund_continuously)
    writer.start()
    try:
        while len(done) < 3 and writer.is_alive():
            threading.Event().wait(0.05)
        before = len(done)
        backup = tmp_path / "live.backup"
        made = run_json("backup", str(backup))
        after = len(done)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert not errors, errors
    assert made["size_bytes"] == backup.stat().st_size > 0
    assert backup.stat().st_mode & 0o777 == 0o600

    engine = _restore_and_verify(monkeypatch, backup, empty_target)
    try:
        copied = _fundings(engine)
        balances = _balances(engine)
    finally:
        engine.dispose()
    # Whole fundings only, taken at some moment of the backup: between what was done before and after it.
    assert before <= copied <= after + 1
    assert sum(balance for account, balance in balances.items() if balance > 0) == 1000_00
    assert sorted(balances.values())[-1] == 1000_00 - copied  # the partner's cash
    assert copied in balances.values()  # the customer's funded account


@pytest.mark.usefixtures("cli_env")
def test_with_writes_stopped_the_restored_balances_equal_the_source(
    env: Env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, empty_target: str
) -> None:
    partner = make_partner(env, "solution_provider")
    customer = make_customer(env, partner)
    top_up(env, partner, "50")
    keyed_client(env, partner, "one").update_customer_account_amount(fund_request(customer, Decimal("12.34")))
    backup = tmp_path / "quiet.backup"
    assert run_json("backup", str(backup))["engine"] in ("sqlite", "postgresql")
    source = _balances(env.ctx.engine)
    engine = _restore_and_verify(monkeypatch, backup, empty_target)
    try:
        assert _balances(engine) == source
    finally:
        engine.dispose()
    # The restored database serves the CLI like the original (same master key in the data dir).
    assert run_json("audit", "verify")["events"] >= 1


@pytest.mark.usefixtures("cli_env")
def test_restore_refuses_a_database_that_holds_data(env: Env, tmp_path: Path) -> None:
    make_partner(env)
    backup = tmp_path / "refused.backup"
    run_json("backup", str(backup))
    code, output = run("restore", str(backup))  # the live database is the configured one
    assert code == 2
    assert output.startswith("error: CBC.99100503 ")
    assert len(output.strip().splitlines()) == 1


@pytest.mark.usefixtures("cli_env")
def test_backup_never_overwrites_and_restore_checks_the_file(
    env: Env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, empty_target: str
) -> None:
    existing = tmp_path / "existing.backup"
    existing.write_bytes(b"keep me")
    code, output = run("backup", str(existing))
    assert (code, output.split()[:2]) == (2, ["error:", "CBC.99100501"])
    assert existing.read_bytes() == b"keep me"
    monkeypatch.setenv("PARTNERHUB_DATABASE_URL", empty_target)
    code, output = run("restore", str(existing), "--json")
    assert code == 2 and '"CBC.99100501"' in output
    code, output = run("restore", str(tmp_path / "missing.backup"))
    assert code == 2 and "CBC.99100501" in output and "Traceback" not in output


def test_the_libpq_url_drops_the_driver_and_carries_the_password_outside_the_command_line() -> None:
    from sqlalchemy import make_url

    url, environment = libpq_connection(make_url("postgresql+psycopg://ops:s3cret@db.example:6543/ph"))
    assert url == "postgresql://ops@db.example:6543/ph"
    assert environment["PGPASSWORD"] == "s3cret"


def test_the_installed_command_backs_up_and_restores_a_fresh_data_dir_from_another_folder(
    tmp_path: Path,
) -> None:
    """As an operator runs it: a real process, the data only through the environment (SQLite)."""
    from tests.cli.conftest import clean_environment, spawn

    work, home = tmp_path / "elsewhere", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    source = clean_environment(home) | {"PARTNERHUB_DATA_DIR": str(home / "data")}
    refused = spawn("backup", str(tmp_path / "none.backup"), cwd=work, env=source)
    assert refused.code == 2 and refused.stderr.startswith("error: CBC.99100601 ")
    assert not (tmp_path / "none.backup").exists()
    assert spawn("db", "upgrade", cwd=work, env=source).code == 0
    partner = spawn(
        "partner", "create", "--kind", "distributor", "--name", "Backed Up", "--json", cwd=work, env=source
    )
    spawn("topup", "--partner", partner.json()["id"], "--amount", "10.00", cwd=work, env=source)
    backup = tmp_path / "fresh.backup"
    assert spawn("backup", str(backup), "--json", cwd=work, env=source).json()["engine"] == "sqlite"
    restored_dir = tmp_path / "restored"
    restored_dir.mkdir(mode=0o700)
    (restored_dir / "master.key").write_bytes((home / "data" / "master.key").read_bytes())
    target = clean_environment(home) | {"PARTNERHUB_DATA_DIR": str(restored_dir)}
    assert spawn("restore", str(backup), "--json", cwd=work, env=target).json()["engine"] == "sqlite"
    assert spawn("ledger", "verify", "--json", cwd=work, env=target).json()["ok"]
    assert spawn("audit", "verify", "--json", cwd=work, env=target).json()["ok"]
    shown = spawn("partner", "show", partner.json()["id"], "--json", cwd=work, env=target).json()
    assert shown["name"] == "Backed Up"
