"""list day counts: per-partner, per-list, per-UTC-day row counts of four lists, kept by triggers

Revision ID: 20261202_0012
Revises: 20261202_0011

``list_day_counts`` holds, for the coupon list (by expiry day), coupon records (by operation day),
association records (by operation day) and the reseller list (by association day, keyed by the distributor),
how many rows each partner has per UTC day. Triggers keep it in the writer's own transaction, like
``association_counts`` (20261202_0011): row triggers on SQLite (updates only when the partner or the day's
column is set), statement-level triggers over transition tables on PostgreSQL, plus a TRUNCATE trigger.
A count over a time window is the sum of the whole days inside it plus index-range counts of the partial
days at its edges (partnerhub.kit.day_counts); with no window, the sum of all the partner's days.
Triggers are invisible to autogenerate; tests/speed checks them against a naive count on both engines.
"""

# ruff: noqa: S608  (the SQL is built from this module's constant table, column and list names only)

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

revision = "20261202_0012"
down_revision = "20261202_0011"
branch_labels = None
depends_on = None

NULL_DAY = -(2**31)
"""The bucket of rows whose day column is NULL (a reseller without ``associated_on``): below every window."""


class _List(NamedTuple):
    name: str
    table: str
    partner: str
    """The column holding the partner whose list the row is in (NULL: in no list)."""
    moment: str
    """The column whose UTC day buckets the row."""


_LISTS = [
    _List("coupons", "coupons", "partner_id", "expire_time"),
    _List("coupon_records", "coupon_records", "partner_id", "operation_time"),
    _List("association_records", "association_records", "partner_id", "operate_time"),
    _List("resellers", "partners", "parent_id", "associated_on"),
]


def _day(column: str, dialect: str) -> str:
    """Days since 1970-01-01 of the column's UTC day (floored), NULL_DAY when NULL."""
    if dialect == "sqlite":
        # date() cuts the stored 'YYYY-MM-DD HH:MM:SS…' to its day, whose julian day is exactly N + 0.5.
        day = f"CAST(julianday(date({column})) - 2440587.5 AS INTEGER)"
    else:
        day = f"(({column} AT TIME ZONE 'UTC')::date - DATE '1970-01-01')"
    return f"coalesce({day}, {NULL_DAY})"


def _sqlite_triggers(listing: _List) -> list[str]:
    def add(row: str) -> str:
        day = _day(f"{row}.{listing.moment}", "sqlite")
        return (
            f"INSERT INTO list_day_counts (partner_id, listing, day, entries) "
            f"VALUES ({row}.{listing.partner}, '{listing.name}', {day}, 1) "
            f"ON CONFLICT (partner_id, listing, day) DO UPDATE SET entries = entries + 1;"
        )

    def remove(row: str) -> str:
        return (
            f"UPDATE list_day_counts SET entries = entries - 1 WHERE partner_id = {row}.{listing.partner} "
            f"AND listing = '{listing.name}' AND day = {_day(f'{row}.{listing.moment}', 'sqlite')};"
        )

    prefix = f"trg_{listing.name}_day_count"
    columns = f"{listing.partner}, {listing.moment}"
    return [
        f"CREATE TRIGGER {prefix}_insert AFTER INSERT ON {listing.table} "
        f"WHEN NEW.{listing.partner} IS NOT NULL BEGIN {add('NEW')} END",
        f"CREATE TRIGGER {prefix}_update_old AFTER UPDATE OF {columns} ON {listing.table} "
        f"WHEN OLD.{listing.partner} IS NOT NULL BEGIN {remove('OLD')} END",
        f"CREATE TRIGGER {prefix}_update_new AFTER UPDATE OF {columns} ON {listing.table} "
        f"WHEN NEW.{listing.partner} IS NOT NULL BEGIN {add('NEW')} END",
        f"CREATE TRIGGER {prefix}_delete AFTER DELETE ON {listing.table} "
        f"WHEN OLD.{listing.partner} IS NOT NULL BEGIN {remove('OLD')} END",
    ]


_SQLITE_TRIGGER_SUFFIXES = ("insert", "update_old", "update_new", "delete")

# PostgreSQL: one upsert per partner and day per statement (see 20261202_0011 for why not row triggers).
# Transition tables cannot be combined with a column list, so the update trigger runs on every UPDATE of
# the table; a statement that moves no row between days (a coupon's status change) nets to nothing and
# writes nothing (HAVING).
_POSTGRES_EVENTS = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def _postgres_delta(listing: _List, event: str) -> str:
    def rows(transition: str, delta: int) -> str:
        return (
            f"SELECT {listing.partner} AS partner_id, {_day(listing.moment, 'postgresql')} AS day, "
            f"{delta} AS delta FROM {transition} WHERE {listing.partner} IS NOT NULL"
        )

    changed = {
        "insert": rows("new_rows", 1),
        "update": f"{rows('new_rows', 1)} UNION ALL {rows('old_rows', -1)}",
        "delete": rows("old_rows", -1),
    }[event]
    return (
        f"INSERT INTO list_day_counts (partner_id, listing, day, entries) "
        f"SELECT partner_id, '{listing.name}', day, sum(delta) FROM ({changed}) AS changed "
        f"GROUP BY partner_id, day HAVING sum(delta) <> 0 ORDER BY partner_id, day "
        f"ON CONFLICT (partner_id, listing, day) "
        f"DO UPDATE SET entries = list_day_counts.entries + EXCLUDED.entries"
    )


def _postgres_triggers(listing: _List) -> list[str]:
    statements = []
    for event, referencing in _POSTGRES_EVENTS.items():
        function = f"{listing.name}_day_counts_{event}"
        statements.append(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {_postgres_delta(listing, event)}; RETURN NULL; END $$"
        )
        statements.append(
            f"CREATE TRIGGER trg_{listing.name}_day_count_{event} AFTER {event.upper()} ON {listing.table} "
            f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    # TRUNCATE fires no row or delete triggers: empty the list's counts with the table.
    statements.append(
        f"CREATE FUNCTION {listing.name}_day_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN DELETE FROM list_day_counts WHERE listing = '{listing.name}'; RETURN NULL; END $$"
    )
    statements.append(
        f"CREATE TRIGGER trg_{listing.name}_day_count_truncate AFTER TRUNCATE ON {listing.table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {listing.name}_day_counts_truncate()"
    )
    return statements


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "list_day_counts",
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("listing", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("partner_id", "listing", "day", name=op.f("pk_list_day_counts")),
    )
    # The coupon list's window is on expiry: its partial edge days are counted over this index.
    op.create_index("ix_coupons_partner_expiry", "coupons", ["partner_id", "expire_time"])
    for listing in _LISTS:
        op.execute(
            f"INSERT INTO list_day_counts (partner_id, listing, day, entries) "
            f"SELECT {listing.partner}, '{listing.name}', day, count(*) FROM "
            f"(SELECT {listing.partner}, {_day(listing.moment, dialect)} AS day FROM {listing.table} "
            f"WHERE {listing.partner} IS NOT NULL) AS bucketed GROUP BY {listing.partner}, day"
        )
        for statement in _sqlite_triggers(listing) if dialect == "sqlite" else _postgres_triggers(listing):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for listing in reversed(_LISTS):
        if dialect == "sqlite":
            for suffix in _SQLITE_TRIGGER_SUFFIXES:
                op.execute(f"DROP TRIGGER trg_{listing.name}_day_count_{suffix}")
        else:
            for event in (*_POSTGRES_EVENTS, "truncate"):
                op.execute(f"DROP TRIGGER trg_{listing.name}_day_count_{event} ON {listing.table}")
                op.execute(f"DROP FUNCTION {listing.name}_day_counts_{event}()")
    op.drop_index("ix_coupons_partner_expiry", table_name="coupons")
    op.drop_table("list_day_counts")
