"""`alembic upgrade head` builds exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from dashboard.config import ROOT
from dashboard.data.db import build_engine, upgrade_to_head
from dashboard.data.models import Base


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


def schema(url: str) -> dict[str, object]:
    """Every table's columns, indexes, keys and checks as the database reports them, and the migration it is at."""
    engine = build_engine(url)
    with engine.connect() as connection:
        found = inspect(connection)
        described: dict[str, object] = {
            table: (
                [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)],
                sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in found.get_indexes(table)),
                sorted(str(k) for k in found.get_foreign_keys(table)),
                sorted(str(u) for u in found.get_unique_constraints(table)),
                sorted(str(c) for c in found.get_check_constraints(table)),
            )
            for table in sorted(found.get_table_names())
        }
        described["version"] = connection.scalar(text("SELECT version_num FROM alembic_version"))
    engine.dispose()
    return described


def test_upgrading_twice_changes_nothing(empty_database: str):
    upgrade_to_head(empty_database)
    once = schema(empty_database)
    upgrade_to_head(empty_database)
    assert schema(empty_database) == once
    assert len(once) > 10
