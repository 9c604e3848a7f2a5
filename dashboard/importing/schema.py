"""Whether the configured database holds the app's tables yet, found without changing it: a dry run on an empty
database (or a SQLite file not yet created) leaves it exactly as it was, and checks against no grids and no stored
records, which is what the import would find after migrating it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect

from dashboard.seed.seeder import TABLES


def schema_present(engine: Engine) -> bool:
    if engine.url.get_backend_name() == "sqlite":
        database = engine.url.database or ""
        if database in ("", ":memory:") or not Path(database).exists():  # connecting would create the file
            return False
    return set(TABLES) <= set(inspect(engine).get_table_names())
