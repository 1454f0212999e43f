"""Settings from the environment or an optional `.env`.

A bad or missing setting must stop start-up with one line that names it, so
`load_settings` turns pydantic's multi-line report into a single sentence.
"""

from __future__ import annotations

from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PUBLIC_BOT_API = "https://api.telegram.org"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base: str = Field(default=PUBLIC_BOT_API, alias="TELEGRAM_API_BASE")
    database_url: str = Field(default="sqlite+aiosqlite:///var/ipbot.db", alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, alias="REDIS_URL")
    timezone: str = Field(default="Asia/Shanghai", alias="IPBOT_TIMEZONE")
    webhook_url: str | None = Field(default=None, alias="WEBHOOK_URL")
    webhook_secret: str | None = Field(default=None, alias="WEBHOOK_SECRET")
    #: Where webhook mode listens for the reverse proxy (which forwards WEBHOOK_URL/telegram here).
    webhook_host: str = Field(default="127.0.0.1", alias="WEBHOOK_HOST")
    webhook_port: int = Field(default=8080, ge=1, le=65535, alias="WEBHOOK_PORT")
    admin_telegram_ids: str = Field(default="", alias="ADMIN_TELEGRAM_IDS")
    policy_dir: str | None = Field(default=None, alias="IPBOT_POLICY_DIR")
    #: Scheduled jobs (reminders, digests) in this process; only the leader runs them anyway.
    jobs_enabled: bool = Field(default=True, alias="IPBOT_JOBS")
    #: When the weekly digest goes out, in IPBOT_TIMEZONE: a weekday and a time ("mon 09:00").
    digest_schedule: str = Field(default="mon 09:00", alias="IPBOT_DIGEST_SCHEDULE")
    #: A YAML file of a deployment's own training targets (services/data/targets.yaml's shape).
    training_targets: str | None = Field(default=None, alias="IPBOT_TRAINING_TARGETS")
    # Retention (issue 17), in days; 0 keeps that kind for good. The daily job jobs/retention.py
    # removes or masks what is older (services/retention.py). 个人信息保护法 第十九条: "除法律、行政法规另有
    # 规定外，个人信息的保存期限应当为实现处理目的所必要的最短时间。" No law names a number of days for
    # the first three kinds below: their defaults are a LOCAL CHOICE of this project, to be set by
    # each deployment for its own purposes (README, "个人信息保存期限").
    #: LOCAL CHOICE, 365: a trainee's name, mobile, employer, position and Telegram link are masked a
    #: year after their last session (or after the record last changed, with no session); their
    #: attendance stays, counted under its category (services/progress.py counts people).
    retention_trainee_contact_days: int = Field(default=365, ge=0, alias="IPBOT_RETENTION_TRAINEE_CONTACT_DAYS")
    #: LOCAL CHOICE, 365: an SME's question and its answer (text and asker) are masked a year after
    #: they were answered (or asked, when never answered); the thread stays counted.
    retention_question_days: int = Field(default=365, ge=0, alias="IPBOT_RETENTION_QUESTION_DAYS")
    #: Cited, 184: 网络安全法 第二十一条（三）"留存相关的网络日志不少于六个月" (denials, forged presses,
    #: exports are such logs); 184 days is the longest six calendar months, so no six-month span is cut
    #: short. Fewer days (other than 0) are refused.
    retention_audit_days: int = Field(default=184, ge=0, alias="IPBOT_RETENTION_AUDIT_DAYS")
    #: LOCAL CHOICE, 30: parked updates (dead letters, whole messages as received) are deleted after
    #: 30 days, time for an admin to see them in /status. Handled updates go after 24 hours anyway
    #: (Telegram's redelivery window, services/inbox.py).
    retention_inbox_days: int = Field(default=30, ge=0, alias="IPBOT_RETENTION_INBOX_DAYS")
    #: Every Bot API call and file download goes through this proxy: http://, https:// or
    #: socks5:// with optional user:password@ (bot/proxy.py; logged only as user:***@).
    telegram_proxy: str | None = Field(default=None, alias="TELEGRAM_PROXY")
    #: Polling mode: /healthz, /readyz and /metrics on HEALTH_HOST:HEALTH_PORT (off when unset;
    #: webhook mode serves them on the webhook listener instead).
    health_port: int | None = Field(default=None, ge=1, le=65535, alias="HEALTH_PORT")
    health_host: str = Field(default="127.0.0.1", alias="HEALTH_HOST")
    #: The workbench page's public address (issue 18), e.g. https://bot.example.org/workbench: the
    #: Mini App button and the chat's menu button need https; unset, /workbench says it is not set up.
    workbench_url: str | None = Field(default=None, alias="WORKBENCH_URL")
    #: Mini App initData (and a browser session) older than this many seconds is refused.
    workbench_init_data_max_age: int = Field(default=3600, ge=60, le=86400, alias="WORKBENCH_INIT_DATA_MAX_AGE")
    #: Polling mode: the workbench on WORKBENCH_HOST:WORKBENCH_PORT for the reverse proxy (off when
    #: unset; webhook mode serves it on the webhook listener).
    workbench_port: int | None = Field(default=None, ge=1, le=65535, alias="WORKBENCH_PORT")
    workbench_host: str = Field(default="127.0.0.1", alias="WORKBENCH_HOST")
    #: "text" (default) or "json": one JSON object per log line (bot/logs.py).
    log_format: str = Field(default="text", alias="IPBOT_LOG_FORMAT")

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        bot_id, sep, secret = value.partition(":")
        if not (sep and bot_id.isdigit() and len(secret) >= 20):
            raise ValueError("must look like 123456:ABC... as given by @BotFather")
        return value

    @field_validator("telegram_api_base", "webhook_url", "workbench_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("telegram_proxy")
    @classmethod
    def _proxy_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        from bot.proxy import ProxyError, parse_proxy

        try:
            parse_proxy(value)
        except ProxyError as exc:  # says what is wrong without repeating the URL (it may hold a password)
            raise ValueError(str(exc)) from None
        return value

    @field_validator("health_port", "workbench_port", mode="before")
    @classmethod
    def _port_or_off(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        if value.lower() not in ("text", "json"):
            raise ValueError("must be text or json")
        return value.lower()

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        if not 1 <= len(value) <= 256 or not set(value) <= allowed:
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a known time zone name such as Asia/Shanghai") from None
        return value

    @field_validator("admin_telegram_ids")
    @classmethod
    def _id_list(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            if not part.lstrip("-").isdigit():
                raise ValueError(f"{part!r} is not a numeric Telegram id")
        return value

    @field_validator("digest_schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        from jobs.schedule import parse_schedule

        try:
            parse_schedule(value)
        except ValueError as exc:
            raise ValueError(f"is not a schedule such as 'mon 09:00' ({exc})") from None
        return value

    @field_validator("retention_audit_days")
    @classmethod
    def _audit_six_months(cls, value: int) -> int:
        if 0 < value < 184:
            raise ValueError("must be 0 (kept for good) or at least 184 days: 网络安全法 第二十一条（三） "
                             "asks network logs to be kept for no less than six months")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> "Settings":
        """Without the secret anyone who finds the address could post updates as Telegram."""
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET must be set when WEBHOOK_URL is set (Telegram's secret_token, "
                             "checked on every webhook call)")
        return self

    @cached_property
    def admin_ids(self) -> frozenset[int]:
        return frozenset(int(p) for p in self.admin_telegram_ids.split(",") if p.strip())

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_ALIASES = {name: field.alias for name, field in Settings.model_fields.items()}


def load_settings(**overrides: object) -> Settings:
    """Read the settings, or raise SettingsError with one line naming the bad one."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:  # a rule across settings: its message names them itself
            raise SettingsError(f"setting {message}") from None
        name = str(first["loc"][0])
        name = _ALIASES.get(name, name)
        raise SettingsError(f"setting {name} {message}") from None
