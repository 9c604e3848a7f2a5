"""`alembic upgrade head` builds exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from dashboard.config import ROOT
from dashboard.data.db import build_engine, upgrade_to_head
from dashboard.data.models import Base
from tests.conftest import ON_POSTGRES, POSTGRES_URL, schema_url


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all: a new SQLite file, or a new PostgreSQL schema."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    schema = f"migrate_{uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield schema_url(POSTGRES_URL, schema)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_upgrade_head_matches_the_models(empty_database: str):
    upgrade_to_head(empty_database)
    engine = build_engine(empty_database)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert differences == []
    assert tables == {*Base.metadata.tables, "alembic_version"}


def test_the_alembic_command_line_migrates_the_configured_database(empty_database: str):
    env = {"DATABASE_URL": empty_database, "PATH": str(Path(sys.executable).parent)}
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    engine = build_engine(empty_database)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) is not None
    engine.dispose()


def test_upgrading_twice_changes_nothing(empty_database: str):
    upgrade_to_head(empty_database)
    upgrade_to_head(empty_database)
