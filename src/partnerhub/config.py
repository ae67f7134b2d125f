"""Typed settings (env prefix ``PARTNERHUB_``), built once per process and passed into ``create_app``.

Nothing imports a global settings object: the app, the CLI and the tests each build their own.
"""

from __future__ import annotations

from decimal import Decimal
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
    """Fernet key; generated into ``<data_dir>/master.key`` (mode 0600) when absent."""
    sqlite_busy_timeout_seconds: float = 60.0
    """How long a SQLite writer waits for the file before answering 503 CBC.0503 (retry)."""
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
    """Codes one partner may send in any 24 hours, all targets together (against SMS pumping)."""
    code_customer_daily_cap: int = 20
    """Codes one customer may send itself (bind mobile) in any 24 hours."""
    code_message_brand: str = "partnerhub"
    """The signature in front of every code message, e.g. 【partnerhub】."""
    sms_sender: Literal["outbox", "http"] = "outbox"
    """``outbox`` keeps messages (code included) in the outbox table — development and tests only."""
    email_sender: Literal["outbox", "smtp"] = "outbox"
    sms_http_url: str = ""
    """The SMS gateway endpoint the ``http`` sender POSTs JSON to."""
    sms_http_token: SecretStr | None = None
    """Sent as ``Authorization: Bearer <token>`` when set."""
    sms_http_timeout_seconds: float = 5.0
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = "partnerhub@localhost"
    smtp_timeout_seconds: float = 10.0
    realname_max_attempts: int = 5
    """Real-name applications one customer may submit (CBC.99007191 beyond)."""
    realname_max_customers_per_id: int = 5
    """Customers that may authenticate with one ID number (CBC.99007189 beyond)."""
    realname_verifier: Literal["deterministic"] = "deterministic"
    mobile_registration_cap: int = 5
    """How many customers may be registered with one mobile number."""
    reveal_per_hour: int = 60
    """Reveals of masked personal data one partner may make in any rolling hour (429 CBC.0250 beyond)."""
    max_amount: Decimal = Decimal("100000000")
    """The largest amount (yuan) one funding, reclaim or top-up may move; larger ones answer CBC.0100."""
    batch_funding_max_items: int = 100
    """Items one batch-adjust request may carry."""
    idempotency_retention_hours: int = 24
    """How long an ``X-Client-Token`` and its first response are kept (``partnerhub idempotency purge``)."""
    quota_default_validity_days: int = 365
    """``partnerhub quota grant`` without ``--expires``: days from the quota's start to its expiry."""

    association_request_expiry_days: int = 10
    """Days a pending association request (disassociate, switch type) waits for the other side; then it
    expires."""
    association_request_cap: int = 3
    """Disassociation requests one initiator may make for one customer within the window below."""
    association_request_window_days: int = 90
    """The rolling window (about 3 months) of ``association_request_cap``."""
    association_invitation_expiry_days: int = 7
    """Days an invitation to re-associate a customer without a partner can be accepted."""

    rate_limits: RateLimits = Field(default_factory=RateLimits)
    log_level: str = "INFO"
    log_json: bool = True

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'partnerhub.db').resolve()}"
