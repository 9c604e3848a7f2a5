"""Checked import rows (a DataFrame in a model's columns) as the seeder's column arrays (dashboard.seed.columns),
so the seeder's bulk writers (binary COPY on PostgreSQL, executemany on SQLite: dashboard/seed/bulk.py) and
array rollups (dashboard/seed/daily.py) take them as they are."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, DateTime, Float, Integer

from dashboard.data.models import Base
from dashboard.seed import columns as seed
from dashboard.seed.bulk import PostgresWriter, SqliteWriter

BATCH_ROWS = 50_000
UNSORTED = frozenset({"event_id", "summary"})  # (nearly) a distinct value per row, and no rollup keyed on it


def seed_table(name: str, rows: pd.DataFrame) -> seed.Table:
    """Text as codes into its distinct values, times as UTC seconds with NULLs, numbers as they are."""
    model = Base.metadata.tables[name]
    table = seed.Table(name)
    for column in rows.columns:
        kind = model.columns[column].type
        values = rows[column]
        if isinstance(kind, DateTime):
            missing = values.isna().to_numpy()
            seconds = values.to_numpy(dtype="datetime64[s]").astype(np.int64)
            table.columns[column] = seed.times(np.where(missing, 0, seconds), missing if missing.any() else None)
        elif isinstance(kind, Float):
            table.columns[column] = seed.floats(values.to_numpy(dtype=np.float64))
        elif isinstance(kind, Integer):
            table.columns[column] = seed.ints(values.to_numpy(dtype=np.int64))
        elif column in UNSORTED:  # each row its own value: nothing to share
            table.columns[column] = seed.coded([str(value) for value in values.tolist()], np.arange(len(values)))
        else:  # codes in the values' order: the rollups then come out in key order
            codes, uniques = pd.factorize(values, sort=True)
            table.columns[column] = seed.coded([str(value) for value in uniques.tolist()], codes)
    return table


def write_table(connection: Connection, table: seed.Table, progress: Any) -> None:
    """Append the rows through the seeder's writer for the connection's database, in the connection's transaction
    (the writer's own session, which drops and rebuilds constraints, is not used)."""
    driver: Any = connection.connection.driver_connection
    writer = (
        PostgresWriter(driver, [table.name])
        if connection.dialect.name == "postgresql"
        else SqliteWriter(driver, [table.name])
    )
    for start in range(0, len(table), BATCH_ROWS):
        part = table.take(slice(start, min(len(table), start + BATCH_ROWS)))
        writer.write(part, lambda _rows: None)
        progress(len(part))
