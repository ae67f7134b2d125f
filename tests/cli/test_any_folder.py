"""The installed ``partnerhub`` run from a folder that is not the project: the same data is found through the
environment or the documented default, nothing is created by accident, and refusals are one CBC line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.conftest import Finished, clean_environment, spawn
from tests.support import Env, make_customer

ONE_ERROR_LINE = re.compile(r"^error: CBC\.\d+ [^\n]+\n$")
NO_SUCH = "0" * 32


def _files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _refused(done: Finished, code: str) -> None:
    assert done.code == 2, (done.stdout, done.stderr)
    assert done.stdout == ""
    assert ONE_ERROR_LINE.match(done.stderr), done.stderr
    assert done.stderr.startswith(f"error: {code} "), done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """(a working folder that is not the project, a home without partnerhub data)."""
    work, home = tmp_path / "elsewhere", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    return work, home


def test_every_command_finds_the_data_from_another_folder(env: Env, folders: tuple[Path, Path]) -> None:
    work, home = folders
    environment = clean_environment(home) | {
        "PARTNERHUB_DATA_DIR": str(env.ctx.settings.data_dir),
        "PARTNERHUB_DATABASE_URL": env.ctx.settings.resolved_database_url(),
    }

    def cli(*args: str, stdin: str | None = None) -> Finished:
        return spawn(*args, cwd=work, env=environment, stdin=stdin)

    created = cli(
        "partner", "create", "--kind", "distributor", "--name", "Far Away", "--mobile", "13812345678",
        "--email", "ops@example.com", "--json",
    ).json()  # fmt: skip
    assert [p["id"] for p in cli("partner", "list", "--json").json()] == [created["id"]]
    shown = cli("partner", "show", created["id"], "--json").json()
    assert (shown["xaccount_type"], shown["mobile"], shown["email"]) == (
        created["xaccount_type"],
        "138****5678",
        "o***s@example.com",
    )
    assert "xaccount_type" in cli("partner", "show", created["id"]).stdout
    assert cli("partner", "set-password", created["id"], "--password-stdin", stdin="Far#Away2026\n").code == 0

    key = cli("key", "create", "--partner", created["id"], "--json").json()
    assert [k["access_key"] for k in cli("key", "list", "--json").json()] == [key["access_key"]]
    assert "secret_key" not in cli("key", "list", "--json").json()[0]

    assert (
        cli("topup", "--partner", created["id"], "--amount", "100.00", "--json").json()["balance"] == "100.00"
    )
    grant = cli("quota", "grant", "--partner", created["id"], "--amount", "50", "--json").json()
    quotas = cli("quota", "list", "--partner", created["id"], "--json").json()["quotas"]
    assert [(q["quota_id"], q["balance"]) for q in quotas] == [(grant["quota_id"], "50.00")]

    # A customer made through the service layer is what the CLI lists, masked as the API masks it.
    from tests.support import PartnerHandle

    handle = PartnerHandle(created["id"], "distributor", created["login"], "", key["access_key"], "")
    customer = make_customer(env, handle, mobile="13911112222")
    listed = cli("customer", "list", "--partner", created["id"], "--json").json()
    assert listed["total_count"] == 1
    assert (listed["customers"][0]["customer_id"], listed["customers"][0]["telephone"]) == (
        customer,
        "139****2222",
    )

    for command in (
        ("ledger", "verify"),
        ("audit", "verify"),
        ("outbox", "list"),
        ("realname", "pending"),
        ("idempotency", "purge"),
        ("expire",),
        ("db", "upgrade"),
    ):
        done = cli(*command, "--json")
        assert done.code == 0, (command, done.stderr)
        done.json()
    assert cli("key", "revoke", key["access_key"], "--json").json()["already_revoked"] is False
    again = cli("key", "revoke", key["access_key"])
    assert again.code == 0 and "already revoked" in again.stdout
    _refused(cli("partner", "show", NO_SUCH), "CBC.0404")
    assert _files_under(work) == [] and _files_under(home) == []


REFUSING_COMMANDS: list[tuple[str, ...]] = [
    ("partner", "list"),
    ("partner", "show", NO_SUCH),
    ("partner", "create", "--kind", "distributor", "--name", "Nobody"),
    ("partner", "set-password", NO_SUCH, "--password-stdin"),
    ("key", "list"),
    ("key", "create", "--partner", NO_SUCH),
    ("key", "revoke", "NOSUCHKEY"),
    ("customer", "list", "--partner", NO_SUCH),
    ("quota", "list", "--partner", NO_SUCH),
    ("quota", "grant", "--partner", NO_SUCH, "--amount", "1"),
    ("topup", "--partner", NO_SUCH, "--amount", "1"),
    ("usage", "record", "--customer", NO_SUCH, "--amount", "1"),
    ("ledger", "verify"),
    ("audit", "verify"),
    ("outbox", "list"),
    ("realname", "pending"),
    ("realname", "review", "--customer", NO_SUCH, "--approve"),
    ("idempotency", "purge"),
    ("expire",),
    ("serve", "--port", "1"),
]


def test_without_a_database_nothing_is_created_and_each_command_says_what_to_run(
    folders: tuple[Path, Path],
) -> None:
    work, home = folders
    environment = clean_environment(home)
    for command in REFUSING_COMMANDS:
        done = spawn(*command, cwd=work, env=environment, stdin="")
        _refused(done, "CBC.99100601")
        assert "partnerhub db upgrade" in done.stderr, command
    as_json = spawn("ledger", "verify", "--json", cwd=work, env=environment)
    assert as_json.code == 2 and as_json.stdout == ""
    assert re.fullmatch(r'\{"error_code": "CBC\.99100601", "error_msg": "[^\n]+"\}\n', as_json.stderr)
    assert _files_under(work) == [] and _files_under(home) == []

    # db upgrade creates the documented default, which every later command finds from any folder.
    upgraded = spawn("db", "upgrade", "--json", cwd=work, env=environment).json()
    assert Path(upgraded["data_dir"]).is_relative_to(home)
    assert {p.name for p in _files_under(home)} >= {"partnerhub.db", "master.key"}
    other = home / "other-folder"
    other.mkdir()
    assert spawn("partner", "list", "--json", cwd=other, env=environment).json() == []
    assert spawn("ledger", "verify", cwd=work, env=environment).stdout.startswith("ok")
    assert _files_under(work) == []


def test_an_unmigrated_unreachable_or_keyless_database_is_one_line(folders: tuple[Path, Path]) -> None:
    work, home = folders
    data = home / "data"
    data.mkdir()
    (data / "partnerhub.db").write_bytes(b"")  # an empty file: a database without partnerhub's schema
    environment = clean_environment(home) | {"PARTNERHUB_DATA_DIR": str(data)}
    done = spawn("outbox", "list", cwd=work, env=environment)
    _refused(done, "CBC.99100601")
    assert "no partnerhub schema" in done.stderr

    unreachable = environment | {
        "PARTNERHUB_DATABASE_URL": "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"
    }
    done = spawn("ledger", "verify", cwd=work, env=unreachable)
    _refused(done, "CBC.99100602")
    assert "secret" not in done.stderr and "127.0.0.1" in done.stderr
    _refused(spawn("db", "upgrade", cwd=work, env=unreachable), "CBC.99100602")

    assert spawn("db", "upgrade", cwd=work, env=environment).code == 0
    (data / "master.key").unlink()
    _refused(spawn("partner", "list", cwd=work, env=environment), "CBC.99100603")
    # A migrated database never gets a fresh key: its sealed secret keys could not be opened with it.
    _refused(spawn("db", "upgrade", cwd=work, env=environment), "CBC.99100603")
    assert not (data / "master.key").exists()


def test_a_bad_setting_is_one_line(folders: tuple[Path, Path]) -> None:
    work, home = folders
    environment = clean_environment(home) | {"PARTNERHUB_SQLITE_BUSY_TIMEOUT_SECONDS": "soon"}
    done = spawn("partner", "list", cwd=work, env=environment)
    _refused(done, "CBC.0100")
    assert "PARTNERHUB_SQLITE_BUSY_TIMEOUT_SECONDS" in done.stderr


def test_version(folders: tuple[Path, Path]) -> None:
    from partnerhub import __version__

    work, home = folders
    done = spawn("--version", cwd=work, env=clean_environment(home))
    assert (done.code, done.stdout) == (0, f"partnerhub {__version__}\n")
