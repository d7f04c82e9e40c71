"""Settings, read from the environment (and a ``.env`` file) by one pydantic-settings class.

Nothing is built at import time: callers ask ``get_settings()`` (cached) or, in tests, build
``Settings(...)`` directly.
"""

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Literal

from limits import parse_many
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from jinlotto.errors import ConfigurationError

OFFICIAL_API_URL = "https://www.dhlottery.co.kr/lt645/selectPstLt645Info.do"
# Read by prometheus-client itself: where gunicorn workers share their metrics.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class Settings(BaseSettings):
    """Every setting JinLotto reads; the names are the environment variable names."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    environment: Literal["development", "production", "test"] = Field(
        default="development",
        description="`production` switches to JSON logs and refuses an `ADMIN_TOKEN` under "
        "16 characters",
    )
    log_level: str = Field(default="INFO", description="Logging level (`DEBUG`, `INFO`, ...)")
    database_url: str = Field(
        default="sqlite:///jinlotto.db",
        description="SQLite file in the working directory, or "
        "`postgresql+psycopg://user@host/db` (`postgres://` and `postgresql://` URLs are "
        "accepted)",
    )

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
        "long (tcp_user_timeout); TCP keepalives (10 s idle, 3 probes 3 s apart) notice a "
        "host that went silent while a reply is awaited.",
    )
    database_pool_size: int = Field(
        default=15,
        ge=1,
        le=100,
        description="Connections each process keeps to the database (on PostgreSQL one more, "
        "for new visitors' rows); also the most threads of a process that may wait on the "
        "database at once.",
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
    lotto_api_url: str = Field(
        default=OFFICIAL_API_URL,
        description="Official endpoint (a URL containing `getLottoNumber` is read as the "
        "legacy interface)",
    )
    lotto_mirror_url: str | None = Field(
        default=None, description="Mirror JSON array for `jinlotto data update --source mirror`"
    )
    http_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Timeout of one request to a data source"
    )
    http_retries: int = Field(
        default=3,
        ge=0,
        le=10,
        description="Extra attempts after a timeout, connection error, 429 or 5xx",
    )
    http_concurrency: int = Field(
        default=4, ge=1, le=32, description="Most requests to a data source in flight at once"
    )
    http_requests_per_second: float = Field(
        default=20.0, gt=0, description="Rate limit of requests to a data source"
    )
    http_backoff_seconds: float = Field(
        default=0.5,
        ge=0,
        description="Base of the exponential backoff (with jitter) between attempts",
    )

    # Models and recommendations
    model_dir: Path = Field(
        default=Path("models"),
        description="This machine's copy of the models stored in the database: `trained/`, "
        "`metadata/`, `backups/`",
    )
    enable_ml: bool = Field(
        default=True,
        description="`ml`/`unified` answer from the active model; `false` answers "
        "`statistical` and never loads scikit-learn",
    )
    warmup_on_startup: bool = Field(
        default=False,
        description="Load the history, fitted strategies and the active model before the "
        "first request",
    )
    show_reasoning: bool = Field(
        default=False, description="Fill `reasoning` in `/api/predict` answers"
    )
    conf_base: float = Field(default=0.40, description="Confidence: base value")
    conf_min: float = Field(default=0.40, description="Confidence: lowest value (clipping)")
    conf_max: float = Field(default=0.80, description="Confidence: highest value (clipping)")
    conf_w_consensus: float = Field(
        default=0.30,
        description="Confidence: weight of the share of numbers among the strategy's top "
        "candidates",
    )
    conf_w_hot: float = Field(
        default=0.10,
        description="Confidence: weight of the share of hot numbers (the 8 drawn most often in the "
        "last 20 draws)",
    )
    conf_w_entropy: float = Field(
        default=0.20,
        description="Confidence: weight of the normalised entropy of the strategy's probabilities",
    )

    # Web service
    admin_token: SecretStr | None = Field(
        default=None,
        description="Bearer token of the admin endpoints (while unset they answer 404, whatever "
        "the body); one collection or update runs at a time across processes (409 otherwise)",
    )
    cookie_secure: bool = Field(
        default=False,
        description="Mark the `jl_uid` cookie `Secure` (set `true` behind HTTPS)",
    )
    slack_webhook_url: SecretStr | None = Field(
        default=None,
        description="Slack incoming-webhook URL for alerts, the weekly summary, feedback and "
        "`jinlotto monitor` (see Slack in the README)",
    )
    slack_language: Literal["ko", "en"] = Field(
        default="ko", description="Language of Slack messages: ko (Korean) or en (English)"
    )
    slack_timeout_seconds: float = Field(
        default=3.0, gt=0, le=30, description="Timeout of one Slack webhook request"
    )
    feedback_per_hour: int = Field(
        default=5,
        ge=1,
        description="Feedback messages accepted per visitor (jl_uid cookie) per hour, counted "
        "atomically across processes",
    )
    recommendation_cache_size: int = Field(
        default=4096,
        ge=0,
        description="Stored recommendations kept in memory per process (0 = off)",
    )
    state_refresh_seconds: float = Field(
        default=1.0,
        ge=0,
        description="How old a process's view of the draw count and active model may be: a new "
        "draw or model is seen by every process within this time (0 = ask on every request)",
    )

    # Gunicorn (``gunicorn -c gunicorn.conf.py``); ``jinlotto serve`` takes options instead.
    host: str = Field(
        default="0.0.0.0",  # noqa: S104 - a container listens on every interface
        description="Address gunicorn listens on",
    )
    port: int = Field(default=8000, ge=1, le=65535, description="Port gunicorn listens on")
    web_concurrency: int = Field(
        default=2, ge=1, description="Gunicorn worker processes (each holds its own pool)"
    )

    # Abuse limits
    max_json_body_bytes: int = Field(
        default=16 * 1024,
        ge=1024,
        le=1024 * 1024,
        description="Largest body of a JSON API request; a larger one is refused with 413 "
        "while it is read (photo and admin file uploads have their own caps)",
    )
    max_header_bytes: int = Field(
        default=32 * 1024,
        ge=8 * 1024,
        le=1024 * 1024,
        description="Largest request head (request line and headers, a Cookie included) the "
        "server buffers; a larger one is refused with 400 before it is read whole",
    )
    rate_limits_enabled: bool = Field(
        default=True, description="Count requests per address and visitor and answer 429"
    )
    redis_url: SecretStr | None = Field(
        default=None,
        description="redis://host:port/db holding the rate-limit counters of every process "
        "and machine; unset: they live in the database (`rate_limits` table)",
    )
    rate_limit_key_prefix: str = Field(
        default="jinlotto",
        min_length=1,
        max_length=64,
        description="Prefix of every rate-limit counter key (several sites on one Redis)",
    )
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For is believed; from anyone else it is ignored",
    )
    rate_limit_predict: str = Field(
        default="30/minute;500/day",
        description="Recommendation requests per visitor, in the `limits` library's notation "
        "(`N/second|minute|hour|day`, `;` between limits)",
    )
    rate_limit_predict_ip: str = Field(
        default="300/minute", description="Recommendation requests per client address"
    )
    rate_limit_new_visitor_ip: str = Field(
        default="30/minute;1000/day",
        description="Recommendation requests without a visitor cookie per client address "
        "(each stores a new visitor's games)",
    )
    rate_limit_feedback_ip: str = Field(
        default="20/hour", description="Feedback messages per client address"
    )
    rate_limit_scan: str = Field(default="20/minute", description="Ticket photo scans per visitor")
    rate_limit_scan_ip: str = Field(
        default="60/minute", description="Ticket photo scans per client address"
    )
    rate_limit_admin_ip: str = Field(
        default="30/minute", description="Admin requests per client address"
    )
    rate_limit_admin_failures_ip: str = Field(
        default="10/hour",
        description="Refused admin tokens per client address before its admin requests get 429 "
        "(each refusal is logged, never the token)",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed to call the API from a browser "
        "(CORS); empty: none besides the site itself",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="When set, `/metrics` needs `Authorization: Bearer <token>` "
        "(`jinlotto monitor` sends it)",
    )
    api_docs: bool = Field(
        default=True,
        description="Serve the interactive API documentation at `/docs` and `/redoc` "
        "(production logs a warning while they are public)",
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

    @field_validator("trusted_proxies", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator(
        "rate_limit_predict",
        "rate_limit_predict_ip",
        "rate_limit_new_visitor_ip",
        "rate_limit_feedback_ip",
        "rate_limit_scan",
        "rate_limit_scan_ip",
        "rate_limit_admin_ip",
        "rate_limit_admin_failures_ip",
    )
    @classmethod
    def _limit_notation(cls, value: str) -> str:
        try:
            parse_many(value)
        except ValueError as error:
            raise ValueError(f"not a rate limit like '30/minute;500/day': {value!r}") from error
        return value

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
    """The process-wide settings, read once; a bad value is a ``ConfigurationError`` naming it."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigurationError(_describe(error)) from None


def _describe(error: ValidationError) -> str:
    """One line per bad setting, by its environment variable name, without echoing secrets."""
    problems = []
    for item in error.errors():
        name = "_".join(str(part) for part in item["loc"]).upper()
        message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{name}: {message}" if name else message)
    return "bad setting " + "; ".join(problems)
