"""Typed settings (env prefix ``PARTNERHUB_``), built once per process and passed into ``create_app``.

Nothing imports a global settings object: the app, the CLI and the tests each build their own.

Where the data lives never depends on the current folder: ``PARTNERHUB_DATA_DIR`` when set, else the
platform's user data directory (``~/.local/share/partnerhub`` on Linux). Besides the environment, settings are
read from one optional file, ``PARTNERHUB_CONFIG_FILE`` or the user config directory's ``partnerhub.env``
(``~/.config/partnerhub/partnerhub.env`` on Linux); the environment wins.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Literal

from platformdirs import user_config_dir, user_data_dir
from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

APP_NAME = "partnerhub"


def default_data_dir() -> Path:
    """The platform's per-user data directory: the same from every folder."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    """The optional settings file (``KEY=value`` lines, as in a ``.env`` file)."""
    configured = os.environ.get("PARTNERHUB_CONFIG_FILE")
    return (
        Path(configured)
        if configured
        else Path(user_config_dir(APP_NAME, appauthor=False)) / "partnerhub.env"
    )


class RateLimits(BaseSettings):
    """Requests per second allowed per access key and operation (SPEC §0)."""

    model_config = SettingsConfigDict(env_prefix="PARTNERHUB_RATE_", extra="ignore")

    default_per_second: int = 10
    check_identity_per_second: int = 5
    send_code_per_second: int = 10
    adjust_records_per_second: int = 10
    account_change_records_per_second: int = 20
    public_registration_per_second: int = 5
    """Public reseller-registration reads and submissions, per client address (no credentials there)."""
    public_registration_code_per_second: int = 1
    """Public reseller-registration code sends, per client address."""

    def for_operation(self, operation: str) -> int:
        specific = {
            "check_user_identity": self.check_identity_per_second,
            "send_verification_message_code": self.send_code_per_second,
            "list_partner_adjust_records": self.adjust_records_per_second,
            "list_partner_account_change_records": self.account_change_records_per_second,
            "show_reseller_registration": self.public_registration_per_second,
            "register_reseller": self.public_registration_per_second,
            "send_reseller_registration_code": self.public_registration_code_per_second,
        }
        return specific.get(operation, self.default_per_second)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERHUB_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    """SQLite file and generated master key; default: the platform's user data directory."""
    database_url: str = ""
    """Empty means the embedded SQLite file ``<data_dir>/partnerhub.db``."""
    master_key: SecretStr | None = None
    """Fernet key; generated into ``<data_dir>/master.key`` (mode 0600) when absent."""
    sqlite_busy_timeout_seconds: float = 60.0
    """How long a SQLite writer waits for the file before answering 503 CBC.0503 (retry)."""
    redis_url: str | None = None
    """When set, rate limits are counted in Redis (exact across hosts, one round trip, no database write)."""
    rate_limit_store: Literal["auto", "local", "database", "redis"] = "auto"
    """Where request limits are counted. ``auto``: ``redis`` when ``redis_url`` is set, else ``local``.
    ``local``: token buckets in each process's memory, each holding 1/(``workers`` × ``rate_limit_hosts``) of
    every limit, so together they never exceed it; no write per call. ``database``: one shared upsert per call
    (exact, slow). Failed authentications are always counted in Redis or the database."""
    rate_limit_hosts: int = Field(default=1, ge=1)
    """Hosts serving the API on this database without Redis: ``local`` limits are divided among them too."""
    workers: int = Field(default=1, ge=1)
    """Worker processes on this host (``partnerhub serve --workers`` sets it for its workers)."""
    database_pool_size: int = Field(default=10, ge=1)
    """PostgreSQL connections each worker keeps open (as many again may open under a burst)."""
    database_pool_pre_ping: bool = True
    """Test a pooled PostgreSQL connection that sat idle 5 s or more before a request uses it: a connection
    the server dropped (restart, failover) is replaced instead of failing the request. A connection in use a
    moment ago is not tested (no extra round trip under load)."""

    default_language: Literal["zh-cn", "en-us"] = "zh-cn"
    max_body_bytes: int = 1024 * 1024
    signature_max_skew_seconds: int = 15 * 60
    token_lifetime_seconds: int = 24 * 3600
    login_free_attempts_per_account: int = 5
    """Password logins one account may attempt before each further attempt earns a growing lock-out."""
    login_free_attempts_per_address: int = 30
    """The same, per client address (all accounts together)."""
    login_backoff_base_seconds: float = 2.0
    """The first lock-out; each further attempt doubles it, up to ``login_backoff_max_seconds``."""
    login_backoff_max_seconds: float = 900.0
    login_forget_after_seconds: float = 3600.0
    """An account or address with no attempt for this long starts afresh."""
    auth_failures_per_second_per_address: int = 10
    """Failed AK/SK or token authentications one client address may cause per second (then 429)."""

    code_lifetime_minutes: int = 10
    code_forced_lifetime_minutes: int = 5
    """A requested ``timeout`` above 60 minutes is replaced by this (SPEC A.2)."""
    code_max_failed_checks: int = 3
    code_send_per_hour: int = 15
    code_send_per_day: int = 60
    code_resend_cooldown_seconds: int = 60
    code_target_daily_ceiling: int = 100
    """Codes one target may receive in any 24 hours from all partners together (against SMS pumping)."""
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
    step_up_code_lifetime_minutes: int = 5
    """Life of a step-up code (the partner's own mobile or e-mail, before a sensitive operation)."""
    invitation_lifetime_hours: int = 24
    """How long a reseller invitation link can be used to register."""
    invitation_codes_per_link: int = 10
    """Codes one registration link may send in its whole life (a public endpoint: against SMS pumping)."""
    public_base_url: str = "http://127.0.0.1:8000"
    """Where people reach partnerhub from outside; invitation links are built on it (no trailing slash)."""

    console_session_idle_minutes: int = 30
    """A console session ends after this many minutes without a request."""
    console_session_absolute_hours: int = 12
    """A console session ends this many hours after sign-in, however active."""
    console_cookie_secure: Literal["auto", "always", "never"] = "auto"
    """``auto``: console cookies are ``Secure`` when the request came over https (behind a proxy, run
    ``serve`` with forwarded headers trusted); ``always`` forces it; ``never`` only for plain-http tests."""
    console_page_size: int = 20
    """Rows per page in the console's lists (at most 100, the API's own page limit)."""
    console_export_max_rows: int = 10_000
    """The most rows one CSV export of a console list writes."""

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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file is looked up whenever settings are built, so a PARTNERHUB_CONFIG_FILE set later counts.
        config = DotEnvSettingsSource(settings_cls, env_file=config_file())
        return init_settings, env_settings, config, file_secret_settings

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'partnerhub.db').resolve()}"
