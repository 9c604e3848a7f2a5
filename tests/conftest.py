"""Real services, nothing shared between tests.

Each test gets its own key prefix in the real Redis and its own database: a fresh SQLite file, or (when
DATABASE_URL names PostgreSQL, as the second pass of `make test` does) a schema of its own run, emptied
after every test. Browser tests run headless Debian Chromium through dash[testing].
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import create_engine, text

from dashboard import ingest
from dashboard.config import get_settings
from dashboard.data import city_zone, db
from dashboard.data.models import Base
from dashboard.data.redis_client import get_redis, reset_redis
from dashboard.exports.builds import build_queue
from tests.support.browser import CHROMIUM, CHROMIUM_FLAGS
from tests.support.build_workers import forget_builds

POSTGRES_URL = os.environ.get("DATABASE_URL", "")  # read before any test rewrites the environment
ON_POSTGRES = POSTGRES_URL.startswith("postgresql")
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
RUN_SCHEMA = f"test_{uuid4().hex[:10]}"


def reset_cached() -> None:
    get_settings.cache_clear()
    db.reset_caches()
    city_zone.reset_cache()
    reset_redis()
    ingest.reset_caches()


def schema_url(base: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use `schema` first."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str | None]:
    """On PostgreSQL, one schema for this run, with the tables; dropped at the end."""
    if not ON_POSTGRES:
        yield None
        return
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {RUN_SCHEMA}"))
    engine = create_engine(schema_url(POSTGRES_URL, RUN_SCHEMA))
    Base.metadata.create_all(engine)
    engine.dispose()
    yield RUN_SCHEMA
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {RUN_SCHEMA} CASCADE"))
    admin.dispose()


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, postgres_schema: str | None) -> Iterator[None]:
    prefix = f"test:{uuid4().hex[:12]}:"
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("DASHBOARD_EVENT_STREAM", f"{prefix}events")
    monkeypatch.setenv("DASHBOARD_DEAD_LETTER_STREAM", f"{prefix}dead")
    monkeypatch.setenv("DASHBOARD_LIVE_PREFIX", f"{prefix}live:")
    monkeypatch.setenv("DASHBOARD_VAR_DIR", str(tmp_path / "var"))
    if postgres_schema:
        monkeypatch.setenv("DATABASE_URL", schema_url(POSTGRES_URL, postgres_schema))
    else:
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'test.db'}")
    reset_cached()
    engine, redis = db.get_engine(), get_redis()  # kept for the clean-up, whatever the test does to the settings
    builds = build_queue()
    if not postgres_schema:
        Base.metadata.create_all(engine)
    yield
    if postgres_schema:
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    forget_builds(builds)
    for key in redis.scan_iter(match=f"*{prefix}*"):  # also RQ's registries of the test's build queue, rq:…:<prefix>…
        redis.delete(key)
    redis.close()
    reset_cached()


@pytest.fixture
def token() -> str:
    """The tiny city, one grid worker and a device token for the ingest API (tests/support/events.py)."""
    from tests.support.events import add_worker
    from tests.support.factories import add_city

    with db.session_scope() as session:
        add_city(session)
        return add_worker(session)


@pytest.fixture
def gateway() -> str:
    """The tiny city, its worker and a gateway token: traffic from every grid of the city (tests/support/events.py)."""
    from tests.support.events import add_gateway
    from tests.support.factories import add_city

    with db.session_scope() as session:
        add_city(session)
        return add_gateway(session)


@pytest.fixture(scope="session")
def dash_app():  # type: ignore[no-untyped-def]
    """One app per run: Dash hands each @callback to the first app that starts."""
    return importlib.import_module("app").app


DB_INDEPENDENT_DIRS = ("geography", "unit")  # whole folders of tests that never use the configured database


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(f"tests/{folder}/" in item.nodeid for folder in DB_INDEPENDENT_DIRS):
            item.add_marker(pytest.mark.db_independent)


def pytest_setup_options():  # type: ignore[no-untyped-def]
    """Chromium flags for dash[testing]: Debian's chromium, as root, on a machine with no outside network."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    return options
