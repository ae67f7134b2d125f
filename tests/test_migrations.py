"""The migrations build exactly the schema the models describe, on both engines, and run both ways."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from partnerhub.context import AppContext
from partnerhub.db.migrate import alembic_config, is_current
from partnerhub.db.session import make_engine
from partnerhub.models import Base


def test_models_and_migrations_agree(ctx: AppContext) -> None:
    with ctx.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert is_current(ctx.engine)


def test_downgrade_to_base_and_back(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/roundtrip.db"
    config = alembic_config(url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    engine = make_engine(url)
    try:
        assert is_current(engine)
    finally:
        engine.dispose()
