"""Everything a request, CLI command or job needs from the process, built once from Settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from partnerhub.config import RateLimits, Settings
from partnerhub.db.session import make_engine, make_sessionmaker
from partnerhub.kit.clock import Clock, SystemClock
from partnerhub.kit.crypto import MasterKey, load_or_create_master_key
from partnerhub.kit.files import private_dir


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    master_key: MasterKey
    clock: Clock = field(default_factory=SystemClock)
    """Business time: code and token expiry, timestamps. Tests inject a FakeClock to move it."""
    wall_clock: Clock = field(default_factory=SystemClock)
    """Real time, for what must follow the real world: the ±15 minute window of X-Sdk-Date."""

    @property
    def rate_limits(self) -> RateLimits:
        return self.settings.rate_limits


def build_context(
    settings: Settings, *, clock: Clock | None = None, engine: Engine | None = None
) -> AppContext:
    private_dir(settings.data_dir)
    master = settings.master_key.get_secret_value() if settings.master_key else None
    engine = engine or make_engine(
        settings.resolved_database_url(),
        busy_timeout_seconds=settings.sqlite_busy_timeout_seconds,
        pool_size=settings.database_pool_size,
        pool_pre_ping=settings.database_pool_pre_ping,
    )
    return AppContext(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        master_key=load_or_create_master_key(master, settings.data_dir),
        clock=clock or SystemClock(),
    )
