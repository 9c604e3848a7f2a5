"""Keeping the rollups in step with imported rows, fast: the new rows' counts are computed in memory by the
seeder's array rollups (dashboard.seed.daily, which a test holds equal to `rebuild_rollups` over the stored
rows) and added onto the rollup tables (insert, or add to the row with the same key). Counting only the new rows
costs a sort of the import; `rebuild_rollups` would read every stored row again. A rollup count is a sum over
rows, and an imported row is whole (its filing and solving are known), so adding the new rows' counts gives what a
rebuild would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table, bindparam
from sqlalchemy.dialects import sqlite

from dashboard.data.models import Base
from dashboard.data.rollups import DRILL_ROLLUPS
from dashboard.data.unnest import insert_unnested
from dashboard.data.zone_clock import zone_clock
from dashboard.seed import columns as seed
from dashboard.seed.bulk import sqlite_values
from dashboard.seed.daily import drill_rollups, hazard_daily, incident_daily

BATCH = 20_000


def values_of(column: seed.Column) -> list[Any]:
    if column.kind is seed.Kind.DATE:
        return list(column.values.astype("datetime64[D]").tolist())
    if column.kind is seed.Kind.TEXT:
        return list(np.asarray(column.categories, dtype=object)[column.values].tolist())
    return list(column.values.tolist())


@dataclass(frozen=True)
class Delta:
    """One rollup's counts for the new rows, as statements ready to run: a new key is inserted, a stored key gets
    the counts added. Built without the database, so the import builds them while its rows are written."""

    table: str
    statements: list[tuple[Any, list[tuple[Any, ...]] | None]]  # (statement, executemany parameters or None)

    def add(self, connection: Connection) -> None:
        for statement, parameters in self.statements:
            if parameters is None:
                connection.execute(statement)
            else:
                connection.exec_driver_sql(statement, parameters)


def delta(counts: seed.Table, measures: tuple[str, ...], dialect: str) -> Delta:
    table = Base.metadata.tables[counts.name]
    assert isinstance(table, Table)
    names = [column.name for column in table.columns if column.name in counts.columns]
    key = [column.name for column in table.primary_key.columns]
    if len(counts) == 0:  # e.g. no criminal case filed among the rows: nothing to add (an empty executemany fails)
        return Delta(counts.name, [])
    if dialect == "postgresql":  # one statement per batch, the rows as one JSON parameter
        columns = [values_of(counts.columns[name]) for name in names]
        rows = [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
        statements: list[tuple[Any, list[tuple[Any, ...]] | None]] = []
        for start in range(0, len(rows), BATCH):
            unnested = insert_unnested(table, rows[start : start + BATCH])
            statements.append(
                (
                    unnested.on_conflict_do_update(
                        index_elements=key, set_={m: table.c[m] + unnested.excluded[m] for m in measures}
                    ),
                    None,
                )
            )
        return Delta(counts.name, statements)
    # SQLite: the upsert compiled once, then executed over plain tuples (dates as SQLAlchemy's ISO text).
    insert = sqlite.insert(table).values({name: bindparam(name) for name in names})
    upsert = insert.on_conflict_do_update(
        index_elements=key, set_={m: table.c[m] + insert.excluded[m] for m in measures}
    )
    compiled = upsert.compile(dialect=sqlite.dialect())
    order = compiled.positiontup or []
    bound = {name: sqlite_values(counts.columns[name]) for name in names}
    return Delta(counts.name, [(str(compiled), list(zip(*(bound[name] for name in order), strict=True)))])


def incident_deltas(incidents: seed.Table, dialect: str, zone: str) -> list[Delta]:
    """The rollups' counts of new incidents, on the clock of `zone` (the city's)."""
    clock = zone_clock(zone)
    daily = delta(incident_daily(incidents, clock), ("reported", "filed", "solved", "resolved"), dialect)
    drills = zip(DRILL_ROLLUPS, drill_rollups(incidents, clock), strict=True)
    return [daily, *(delta(counts, rollup.measures, dialect) for rollup, counts in drills)]


def hazard_deltas(hazards: seed.Table, dialect: str, zone: str) -> list[Delta]:
    """The rollups' counts of new hazards, on the clock of `zone` (the city's)."""
    return [delta(hazard_daily(hazards, zone_clock(zone)), ("found", "rectified", "rectified_on_time"), dialect)]
