"""Typed settings (env prefix ``PARTNERHUB_``), built once per process and passed into ``create_app``.

Nothing imports a global settings object: the app, the CLI and the tests each build their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class RateLimits(BaseSettings):
    """Requests per second allowed per access key and operation (SPEC §0)."""

    model_config = SettingsConfigDict(env_prefix="PARTNERHUB_RATE_", extra="ignore")

    default_per_second: int = 10
    check_identity_per_second: int = 5
    send_code_per_second: int = 10
    adjust_records_per_second: int = 10
    account_change_records_per_second: int = 20

    def for_operation(self, operation: str) -> int:
        specific = {
            "check_user_identity": self.check_identity_per_second,
            "send_verification_message_code": self.send_code_per_second,
            "list_partner_adjust_records": self.adjust_records_per_second,
            "list_partner_account_change_records": self.account_change_records_per_second,
        }
        return specific.get(operation, self.default_per_second)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERHUB_", env_file=".env", extra="ignore")

    data_dir: Path = Path("./var")
    database_url: str = ""
    """Empty means the embedded SQLite file ``<data_dir>/partnerhub.db``."""
    master_key: SecretStr | None = None
    """Fernet key (urlsafe base64, 32 bytes). Generated into ``<data_dir>/master.key`` (mode 0600) when absent."""
    redis_url: str | None = None
    """When set, rate-limit counters live in Redis; otherwise in the database."""

    default_language: Literal["zh-cn", "en-us"] = "zh-cn"
    max_body_bytes: int = 1024 * 1024
    signature_max_skew_seconds: int = 15 * 60
    token_lifetime_seconds: int = 24 * 3600

    code_lifetime_minutes: int = 10
    code_forced_lifetime_minutes: int = 5
    """A requested ``timeout`` above 60 minutes is replaced by this (SPEC A.2)."""
    code_max_failed_checks: int = 3
    code_send_per_hour: int = 15
    code_send_per_day: int = 60
    code_resend_cooldown_seconds: int = 60
    code_partner_daily_cap: int = 10_000
    mobile_registration_cap: int = 5
    """How many customers may be registered with one mobile number."""

    rate_limits: RateLimits = Field(default_factory=RateLimits)
    log_level: str = "INFO"
    log_json: bool = True

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'partnerhub.db').resolve()}"
