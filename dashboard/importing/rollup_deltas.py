"""Keeping the rollups in step with imported rows, fast: the new rows' counts are computed in memory by the
seeder's array rollups (dashboard.data.seed.daily, which a test holds equal to `rebuild_rollups` over the stored
rows) and added onto the rollup tables (insert, or add to the row with the same key). Counting only the new rows
costs a sort of the import; `rebuild_rollups` would read every stored row again. A rollup count is a sum over
rows, and an imported row is whole (its filing and solving are known), so adding the new rows' counts gives what a
rebuild would."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, bindparam
from sqlalchemy.dialects import sqlite

from dashboard.data.models import Base
from dashboard.data.rollups import DRILL_ROLLUPS, utc_offset
from dashboard.data.seed import columns as seed
from dashboard.data.seed.bulk import sqlite_values
from dashboard.data.seed.daily import drill_rollups, hazard_daily, incident_daily
from dashboard.data.unnest import insert_unnested
from dashboard.importing.columns import seed_table

BATCH = 20_000


def values_of(column: seed.Column) -> list[Any]:
    if column.kind is seed.Kind.DATE:
        return list(column.values.astype("datetime64[D]").tolist())
    if column.kind is seed.Kind.TEXT:
        return list(np.asarray(column.categories, dtype=object)[column.values].tolist())
    return list(column.values.tolist())


def add_counts(connection: Connection, counts: seed.Table, measures: tuple[str, ...]) -> None:
    """Add the table of counts onto its rollup table: a new key is inserted, a stored key gets the counts added."""
    table = Base.metadata.tables[counts.name]
    assert isinstance(table, Table)
    names = [column.name for column in table.columns if column.name in counts.columns]
    key = [column.name for column in table.primary_key.columns]
    if connection.dialect.name == "postgresql":
        columns = [values_of(counts.columns[name]) for name in names]
        rows = [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
        for start in range(0, len(rows), BATCH):
            unnested = insert_unnested(table, rows[start : start + BATCH])  # one statement per batch
            connection.execute(
                unnested.on_conflict_do_update(
                    index_elements=key, set_={m: table.c[m] + unnested.excluded[m] for m in measures}
                )
            )
        return
    # SQLite: the upsert compiled once, then executed over plain tuples (dates as SQLAlchemy's ISO text).
    insert = sqlite.insert(table).values({name: bindparam(name) for name in names})
    upsert = insert.on_conflict_do_update(
        index_elements=key, set_={m: table.c[m] + insert.excluded[m] for m in measures}
    )
    compiled = upsert.compile(dialect=connection.dialect)
    order = compiled.positiontup or []
    bound = {name: sqlite_values(counts.columns[name]) for name in names}
    connection.exec_driver_sql(str(compiled), list(zip(*(bound[name] for name in order), strict=True)))


def add_incident_rollups(connection: Connection, rows: pd.DataFrame) -> None:
    offset = int(utc_offset().total_seconds())
    incidents = seed_table("incident", rows)
    add_counts(connection, incident_daily(incidents, offset), ("reported", "filed", "solved", "resolved"))
    for rollup, counts in zip(DRILL_ROLLUPS, drill_rollups(incidents, offset), strict=True):
        add_counts(connection, counts, rollup.measures)


def add_hazard_rollups(connection: Connection, rows: pd.DataFrame) -> None:
    offset = int(utc_offset().total_seconds())
    add_counts(
        connection, hazard_daily(seed_table("hazard", rows), offset), ("found", "rectified", "rectified_on_time")
    )
