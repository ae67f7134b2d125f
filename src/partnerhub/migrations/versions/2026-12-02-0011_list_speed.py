"""list speed: indexes in each list's order, per-partner association counts kept by triggers

Revision ID: 20261202_0011
Revises: 20261201_0008

Every list reads a page as one index range in the list's own order (issue 12). ``association_counts`` holds
how many customers are actively associated with each partner per association type; triggers on
``associations`` keep it in the writer's transaction (inserts, disassociations, re-associations, deletes),
so the unfiltered and type-filtered ``total_count`` of the customer list is read, not counted.
Triggers are invisible to autogenerate; tests/speed checks them against a naive count on both engines.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261202_0011"
down_revision = "20261201_0008"
branch_labels = None
depends_on = None

_ACTIVE = sa.text("active_customer_id IS NOT NULL")

# (name, table, columns) of the plain list indexes; "x DESC" marks a descending column.
_LIST_INDEXES = [
    (
        "ix_coupons_partner_listing",
        "coupons",
        ["partner_id", "created_at DESC", "id", "expire_time", "status"],
    ),
    ("ix_coupon_records_partner_listing", "coupon_records", ["partner_id", "operation_time", "id"]),
    ("ix_coupon_quotas_partner_listing", "coupon_quotas", ["partner_id", "created_at DESC", "id"]),
    ("ix_coupon_quotas_issuer_listing", "coupon_quotas", ["issuer_partner_id", "created_at DESC", "id"]),
    (
        "ix_coupon_quota_records_partner_listing",
        "coupon_quota_records",
        ["partner_id", "operation_time", "id"],
    ),
    (
        "ix_association_requests_partner_listing",
        "association_requests",
        ["partner_id", "created_at DESC", "id"],
    ),
    ("ix_partners_reseller_listing", "partners", ["parent_id", "associated_on DESC", "id"]),
    ("ix_audit_events_partner_listing", "audit_events", ["partner_id", "id"]),
    ("ix_customers_login_listing", "customers", ["domain_name_key", "id"]),
]
# (table, old index, its columns, new index, its columns): list indexes that replace a shorter one.
_REPLACED = [
    (
        "association_records",
        "ix_association_records_partner_id_operate_time",
        ["partner_id", "operate_time"],
        "ix_association_records_partner_listing",
        ["partner_id", "operate_time", "id"],
    ),
    (
        "notifications",
        "ix_notifications_recipient",
        ["recipient_kind", "recipient_id", "created_at"],
        "ix_notifications_recipient_listing",
        ["recipient_kind", "recipient_id", "created_at", "id"],
    ),
    (
        "reseller_invitations",
        "ix_reseller_invitations_distributor_id_created_at",
        ["distributor_id", "created_at"],
        "ix_reseller_invitations_distributor_listing",
        ["distributor_id", "created_at DESC", "id"],
    ),
]

_SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER trg_associations_count_insert AFTER INSERT ON associations
    WHEN NEW.active_customer_id IS NOT NULL
    BEGIN
        INSERT INTO association_counts (partner_id, association_type, active)
        VALUES (NEW.partner_id, NEW.association_type, 1)
        ON CONFLICT (partner_id, association_type) DO UPDATE SET active = active + 1;
    END
    """,
    """
    CREATE TRIGGER trg_associations_count_update_old AFTER UPDATE ON associations
    WHEN OLD.active_customer_id IS NOT NULL
    BEGIN
        UPDATE association_counts SET active = active - 1
        WHERE partner_id = OLD.partner_id AND association_type = OLD.association_type;
    END
    """,
    """
    CREATE TRIGGER trg_associations_count_update_new AFTER UPDATE ON associations
    WHEN NEW.active_customer_id IS NOT NULL
    BEGIN
        INSERT INTO association_counts (partner_id, association_type, active)
        VALUES (NEW.partner_id, NEW.association_type, 1)
        ON CONFLICT (partner_id, association_type) DO UPDATE SET active = active + 1;
    END
    """,
    """
    CREATE TRIGGER trg_associations_count_delete AFTER DELETE ON associations
    WHEN OLD.active_customer_id IS NOT NULL
    BEGIN
        UPDATE association_counts SET active = active - 1
        WHERE partner_id = OLD.partner_id AND association_type = OLD.association_type;
    END
    """,
]

# PostgreSQL: statement-level triggers over transition tables, one upsert per partner and type per statement.
# (A row trigger would update the same counter row once per inserted row: a bulk insert of N rows in one
# transaction would leave N row versions of it behind, each update slower than the last.)
_DELTA = """
    INSERT INTO association_counts (partner_id, association_type, active)
    SELECT partner_id, association_type, sum(delta) FROM ({rows}) AS changed
    GROUP BY partner_id, association_type HAVING sum(delta) <> 0
    ORDER BY partner_id, association_type
    ON CONFLICT (partner_id, association_type)
    DO UPDATE SET active = association_counts.active + EXCLUDED.active
"""
_ADDED = "SELECT partner_id, association_type, 1 AS delta FROM new_rows WHERE active_customer_id IS NOT NULL"
_REMOVED = (
    "SELECT partner_id, association_type, -1 AS delta FROM old_rows WHERE active_customer_id IS NOT NULL"
)
_POSTGRES_EVENTS = {
    "insert": ("REFERENCING NEW TABLE AS new_rows", _ADDED),
    "update": ("REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows", f"{_ADDED} UNION ALL {_REMOVED}"),
    "delete": ("REFERENCING OLD TABLE AS old_rows", _REMOVED),
}


def _postgres_triggers() -> list[str]:
    statements = []
    for event, (referencing, rows) in _POSTGRES_EVENTS.items():
        statements.append(
            f"CREATE FUNCTION association_counts_{event}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {_DELTA.format(rows=rows)}; RETURN NULL; END $$"
        )
        statements.append(
            f"CREATE TRIGGER trg_associations_count_{event} AFTER {event.upper()} ON associations "
            f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION association_counts_{event}()"
        )
    # TRUNCATE fires no row or delete triggers: empty the counts with the table.
    statements.append(
        "CREATE FUNCTION association_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN DELETE FROM association_counts; RETURN NULL; END $$"
    )
    statements.append(
        "CREATE TRIGGER trg_associations_count_truncate AFTER TRUNCATE ON associations "
        "FOR EACH STATEMENT EXECUTE FUNCTION association_counts_truncate()"
    )
    return statements


def _columns(spec: list[str]) -> list[str | sa.TextClause]:
    return [sa.text(column) if " " in column else column for column in spec]


def upgrade() -> None:
    op.create_table(
        "association_counts",
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("association_type", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("active", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("partner_id", "association_type", name=op.f("pk_association_counts")),
    )
    op.execute(
        "INSERT INTO association_counts (partner_id, association_type, active) "
        "SELECT partner_id, association_type, count(*) FROM associations "
        "WHERE active_customer_id IS NOT NULL GROUP BY partner_id, association_type"
    )
    for statement in _SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else _postgres_triggers():
        op.execute(statement)
    op.create_index(
        "ix_associations_partner_listing",
        "associations",
        _columns(["partner_id", "associated_on DESC", "active_customer_id"]),
        sqlite_where=_ACTIVE,
        postgresql_where=_ACTIVE,
    )
    op.create_index(
        "ix_associations_partner_type_listing",
        "associations",
        _columns(["partner_id", "association_type", "associated_on DESC", "active_customer_id"]),
        sqlite_where=_ACTIVE,
        postgresql_where=_ACTIVE,
    )
    for name, table, columns in _LIST_INDEXES:
        op.create_index(name, table, _columns(columns))
    for table, old, _, new, columns in _REPLACED:
        op.drop_index(old, table_name=table)
        op.create_index(new, table, _columns(columns))


def downgrade() -> None:
    for table, old, old_columns, new, _ in reversed(_REPLACED):
        op.drop_index(new, table_name=table)
        op.create_index(old, table, old_columns)
    for name, table, _ in reversed(_LIST_INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_associations_partner_type_listing", table_name="associations")
    op.drop_index("ix_associations_partner_listing", table_name="associations")
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "update_old", "update_new", "delete"):
            op.execute(f"DROP TRIGGER trg_associations_count_{trigger}")
    else:
        for event in (*_POSTGRES_EVENTS, "truncate"):
            op.execute(f"DROP TRIGGER trg_associations_count_{event} ON associations")
            op.execute(f"DROP FUNCTION association_counts_{event}()")
    op.drop_table("association_counts")
