"""Settings, read once from the environment (and an optional `.env`), validated before anything starts.

DATABASE_URL and REDIS_URL keep their usual names; every other setting is DASHBOARD_<NAME>.
A wrong value stops start-up with one line that names the setting and the problem (`ConfigError`).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

Language = Literal["zh-CN", "en"]

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_DATABASES = ("sqlite", "postgresql")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
TILE_PLACEHOLDERS = re.compile(r"\{[zxy]\}")


class ConfigError(SystemExit):
    """A setting is wrong. Raised as SystemExit, so a command prints the one line and exits with status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(f"configuration error: {message}")
        self.message = message


def known_zone(value: str) -> str:
    """`value` when it names an IANA time zone (e.g. Asia/Shanghai); else a ValueError saying so."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DASHBOARD_", env_file=".env", extra="ignore")

    var_dir: Path = ROOT / "var"  # the embedded default's state: SQLite file, Redis socket and append-only file
    # Empty: the embedded default, a SQLite file in var_dir.
    database_url: str = Field("", validation_alias="DATABASE_URL")
    # Empty: the embedded default, a real redis-server that `python -m dashboard.embedded` starts and owns.
    redis_url: str = Field("", validation_alias="REDIS_URL")
    language: Language = "zh-CN"
    timezone: str = "Asia/Shanghai"  # the clock of a city that stores none (dashboard.data.city_zone); storage is UTC
    tile_url: str = ""  # empty: no base map (offline); e.g. http://tiles.internal/{z}/{x}/{y}.png
    tile_attribution: str = ""
    tile_crs: Literal["wgs84", "gcj02"] = "wgs84"  # gcj02 for Amap-style tiles: overlays are shifted to match
    # The 月度通报: who issues it (empty: the city's 平安建设领导小组办公室), the prefix of its 文号 (empty: the
    # city's first character and 综治通, e.g. 台综治通〔2025〕3号) and the meeting deck's template (a city's master).
    bulletin_issuer: str = Field("", max_length=60)
    bulletin_prefix: str = Field("", max_length=20)
    deck_template: Path = ROOT / "dashboard" / "exports" / "templates" / "monthly_deck.pptx"
    chromium: Path = Path("/usr/bin/chromium")  # the browser that draws exported charts (Debian's chromium)
    secret_key: str = ""  # empty: a random key kept in var/secret_key, shared by the processes of one install
    cookie_secure: bool = False  # True behind HTTPS: session cookies are then never sent over plain HTTP
    proxy_hops: int = Field(0, ge=0, le=5)  # reverse proxies in front: their X-Forwarded-For/-Proto/-Host are trusted
    host: str = "127.0.0.1"
    port: int = Field(8050, ge=1, le=65535)
    event_stream: str = "events:live"  # every event of the phone app, in arrival order
    dead_letter_stream: str = "events:dead"  # entries no retry can store: the reason and the original fields
    consumer_group: str = "store"
    live_prefix: str = "live:"  # the per-grid live state the consumers keep for the pages
    position_retention_days: int = Field(7, ge=1)  # GPS fixes of patrols kept in the database
    ingest_max_batch: int = Field(500, ge=1, le=5000)  # events in one POST
    ingest_max_bytes: int = Field(2_000_000, ge=10_000)  # one POST's body
    refresh_ms: int = Field(60_000, ge=1_000)  # how often charts that read the database re-query
    # Early warning: an alert's episode ends after this many hours with no new finding (empty: each rule's own
    # window: 3 h for spikes, 24 h for hazard clusters, 14 days for repeated disputes) ...
    alert_quiet_hours: float | None = Field(None, gt=0)
    # ... and an acknowledged alert re-opens when its count reaches this many times the count it was acknowledged at.
    alert_reopen_growth: float = Field(2.0, gt=1)
    # The push stream (/events) runs on the web worker's event loop; pages, callbacks and the API on its threads.
    web_threads: int = Field(32, ge=1, le=1024)  # threads per web worker for everything but /events
    push_streams_per_account: int = Field(8, ge=1)  # open /events streams of one person (tabs, browsers)
    push_streams_per_wall: int = Field(3, ge=1)  # of one wall-screen account: one screen, one page at a time

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value:
            return value
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"not a database URL: {value!r}") from None
        if url.get_backend_name() not in SUPPORTED_DATABASES:
            raise ValueError(f"unsupported database {url.get_backend_name()!r}; use sqlite or postgresql")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if value and not value.startswith(REDIS_SCHEMES):
            raise ValueError(f"must start with one of {', '.join(REDIS_SCHEMES)} (or be empty for the embedded Redis)")
        return value

    @field_validator("var_dir")
    @classmethod
    def _var_dir(cls, value: Path) -> Path:
        # Made absolute here, from the directory the command runs in: redis-server changes into it (--dir) before
        # it opens its log file, so a relative one (DASHBOARD_VAR_DIR=var/sample, as docs/importing.md sets it)
        # stopped `make run` at the start ("Can't open the log file"). Normalised too: a unix socket's path is
        # limited to 107 bytes, and "work/main/../../../tmp/..." spent a dozen of them on nothing.
        return Path(os.path.abspath(value))

    @field_validator("tile_url")
    @classmethod
    def _tile_url(cls, value: str) -> str:
        if value and len(set(TILE_PLACEHOLDERS.findall(value))) != 3:
            raise ValueError("must contain {z}, {x} and {y} (or be empty for no base map)")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, value: str) -> str:
        if value and len(value) < 16:
            raise ValueError("must be at least 16 characters (or empty to use the key kept in var/)")
        return value

    @field_validator("deck_template")
    @classmethod
    def _deck_template(cls, value: Path) -> Path:
        if not value.exists():
            raise ValueError("no such file (a .pptx whose slide master the monthly deck is built on)")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return known_zone(value)

    @model_validator(mode="after")
    def _embedded_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.var_dir / 'dashboard.db'}"
        return self

    @property
    def embedded_redis_socket(self) -> Path:
        """Where the embedded Redis listens (a unix socket in var_dir), when REDIS_URL is empty."""
        return self.var_dir / "redis.sock"

    @property
    def effective_redis_url(self) -> str:
        return self.redis_url or f"unix://{self.embedded_redis_socket}"

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return make_url(self.database_url).get_backend_name()


def env_name(field: str) -> str:
    """The environment variable a setting is read from."""
    alias = Settings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else f"DASHBOARD_{field.upper()}"


def describe(error: ValidationError) -> str:
    """The first problem, as one line naming the environment variable."""
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    name = env_name(field) if field in Settings.model_fields else field
    message = first["msg"].removeprefix("Value error, ")
    return f"{name}: {message} (got {first.get('input')!r})"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Cached, not a module global: tests change the environment, then call `get_settings.cache_clear()`."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigError(describe(error)) from None
