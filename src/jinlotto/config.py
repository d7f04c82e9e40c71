"""Settings, read from the environment (and a ``.env`` file) by one pydantic-settings class.

Nothing is built at import time: callers ask ``get_settings()`` (cached) or, in tests, build
``Settings(...)`` directly.
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

OFFICIAL_API_URL = "https://www.dhlottery.co.kr/lt645/selectPstLt645Info.do"


class Settings(BaseSettings):
    """Every setting JinLotto reads; the names are the environment variable names."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    environment: Literal["development", "production", "test"] = "development"
    log_level: str = "INFO"
    database_url: str = "sqlite:///jinlotto.db"

    # Database timeouts: a database that stops answering must not hang the service.
    database_connect_timeout_seconds: int = Field(
        default=5,
        ge=2,
        le=120,
        description="PostgreSQL: give up opening a connection after this many seconds "
        "(libpq connect_timeout; 2 is its smallest useful value).",
    )
    database_statement_timeout_seconds: float = Field(
        default=15.0,
        gt=0,
        le=3600,
        description="PostgreSQL: the server cancels any statement running longer than this "
        "(statement_timeout).",
    )
    database_tcp_user_timeout_seconds: int = Field(
        default=10,
        ge=1,
        le=600,
        description="PostgreSQL: drop a connection whose host stops acknowledging data for this "
        "long (tcp_user_timeout); TCP keepalives detect a silent host while a reply is awaited.",
    )
    database_pool_size: int = Field(
        default=15,
        ge=1,
        le=100,
        description="Connections each process keeps to the database; also the most threads of "
        "a process that may wait on the database at once.",
    )
    database_pool_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="How long a request waits for a free connection while the database answers; "
        "once it stopped answering, a request finding every connection busy is refused at once.",
    )
    health_timeout_seconds: float = Field(
        default=0.5,
        gt=0,
        le=0.9,
        description="How long /api/health waits for the database before answering 503.",
    )

    # Data sources
    lotto_api_url: str = OFFICIAL_API_URL
    lotto_mirror_url: str | None = None
    http_timeout_seconds: float = Field(default=10.0, gt=0)
    http_retries: int = Field(default=3, ge=0, le=10)
    http_concurrency: int = Field(default=4, ge=1, le=32)
    http_requests_per_second: float = Field(default=20.0, gt=0)
    http_backoff_seconds: float = Field(default=0.5, ge=0)

    # Models and recommendations
    model_dir: Path = Path("models")
    enable_ml: bool = True
    warmup_on_startup: bool = False
    show_reasoning: bool = False
    conf_base: float = 0.40
    conf_min: float = 0.40
    conf_max: float = 0.80
    conf_w_consensus: float = 0.30
    conf_w_hot: float = 0.10
    conf_w_entropy: float = 0.20

    # Web service
    admin_token: SecretStr | None = None
    cookie_secure: bool = False
    slack_webhook_url: SecretStr | None = Field(
        default=None,
        description="Slack incoming-webhook URL for alerts, the weekly summary and feedback",
    )
    slack_language: Literal["ko", "en"] = Field(
        default="ko", description="Language of Slack messages: ko (Korean) or en (English)"
    )
    slack_timeout_seconds: float = Field(
        default=3.0, gt=0, le=30, description="Timeout of one Slack webhook request"
    )
    feedback_per_hour: int = Field(default=5, ge=1)
    recommendation_cache_size: int = Field(default=4096, ge=0)
    state_refresh_seconds: float = Field(
        default=1.0,
        ge=0,
        description="How old a process's view of the draw count and active model may be: a new "
        "draw or model is seen by every process within this time (0 = ask on every request)",
    )

    # Operations
    scheduler_enabled: bool = Field(
        default=False,
        description="Run the weekly job inside the service (Saturday 21:10 KST, retried until "
        "the new draw is published, given up at Sunday noon)",
    )
    recommendation_retention_days: int = Field(
        default=400,
        ge=14,  # a recommendation waits up to a week for its draw, and a week for a rerun
        description="The weekly job deletes stored recommendations older than this many days "
        "(after grading them; the accuracy record keeps their counts)",
    )

    @field_validator("database_url")
    @classmethod
    def _psycopg_driver(cls, url: str) -> str:
        # Hosting platforms hand out postgres:// or postgresql:// URLs; psycopg 3 is the driver.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url.removeprefix(prefix)
        return url

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "Settings":
        token = self.admin_token.get_secret_value() if self.admin_token else ""
        if self.environment == "production" and token and len(token) < 16:
            raise ValueError("ADMIN_TOKEN must be at least 16 characters in production")
        if self.conf_min > self.conf_max:
            raise ValueError("CONF_MIN must not exceed CONF_MAX")
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
