"""The daily rollup tables (`incident_daily`, `hazard_daily`): kept in step with the raw rows.

The stream consumer adds deltas in the same transaction as the rows they describe, so a rollup never counts an
event twice and never misses one. `rebuild_rollups` recomputes both tables from the raw rows (after a bulk load,
or to check them). Days are on the city clock: the zone's UTC offset, which for Chinese cities has no DST.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from dashboard.config import get_settings
from dashboard.data.models import HazardDaily, IncidentDaily
from dashboard.data.unnest import insert_unnested

IncidentKey = tuple[date, int, str, str, str, str, str]  # day, grid, kind, subtype, place, township, county
HazardKey = tuple[date, int, str, str, str, str]  # day, grid, category, severity, township, county


def utc_offset() -> timedelta:
    offset = datetime.now(ZoneInfo(get_settings().timezone)).utcoffset()
    return offset or timedelta(0)


def city_day(moment: datetime, offset: timedelta) -> date:
    """The city-clock day of a naive-UTC moment."""
    return (moment + offset).date()


@dataclass
class RollupDeltas:
    """Increments to add to the rollups, gathered over a batch of events and written at once."""

    offset: timedelta = field(default_factory=utc_offset)
    incidents: Counter[tuple[IncidentKey, str]] = field(default_factory=Counter)
    hazards: Counter[tuple[HazardKey, str]] = field(default_factory=Counter)

    def _incident_key(self, row: Any, moment: datetime) -> IncidentKey:
        day = city_day(moment, self.offset)
        return (day, row.grid_id, str(row.kind), row.subtype, str(row.place_type), row.township_code, row.county_code)

    def _hazard_key(self, row: Any) -> HazardKey:
        day = city_day(row.found_at, self.offset)
        return (day, row.grid_id, str(row.category), str(row.severity), row.township_code, row.county_code)

    def incident_stored(self, row: Any) -> None:
        """A new incident row (anything with the Incident columns)."""
        self.incidents[(self._incident_key(row, row.reported_at), "reported")] += 1
        if row.filed_at is not None:
            self.incident_filed(row)
        elif row.solved_at is not None and str(row.kind) != "criminal":
            self.incidents[(self._incident_key(row, row.reported_at), "resolved")] += 1

    def incident_filed(self, row: Any) -> None:
        """`filed_at` was just set (on a row that may already be solved)."""
        key = self._incident_key(row, row.filed_at)
        self.incidents[(key, "filed")] += 1
        if row.solved_at is not None:
            self.incidents[(key, "solved")] += 1

    def incident_solved(self, row: Any) -> None:
        """`solved_at` was just set."""
        if str(row.kind) != "criminal":
            self.incidents[(self._incident_key(row, row.reported_at), "resolved")] += 1
        elif row.filed_at is not None:
            self.incidents[(self._incident_key(row, row.filed_at), "solved")] += 1

    def hazard_stored(self, row: Any) -> None:
        self.hazards[(self._hazard_key(row), "found")] += 1
        if row.rectified_at is not None:
            self.hazard_rectified(row)

    def hazard_rectified(self, row: Any) -> None:
        """`rectified_at` was just set."""
        self.hazards[(self._hazard_key(row), "rectified")] += 1
        if row.rectified_at <= row.deadline:
            self.hazards[(self._hazard_key(row), "rectified_on_time")] += 1

    def write(self, session: Session) -> None:
        incident_columns = ("day", "grid_id", "kind", "subtype", "place_type", "township_code", "county_code")
        hazard_columns = ("day", "grid_id", "category", "severity", "township_code", "county_code")
        _upsert(
            session,
            IncidentDaily.__table__,
            incident_columns,
            ("reported", "filed", "solved", "resolved"),
            self.incidents.items(),
        )
        _upsert(
            session,
            HazardDaily.__table__,
            hazard_columns,
            ("found", "rectified", "rectified_on_time"),
            self.hazards.items(),
        )
        self.incidents.clear()
        self.hazards.clear()


def _upsert(
    session: Session,
    table: Any,
    key_columns: tuple[str, ...],
    counts: tuple[str, ...],
    deltas: Iterable[tuple[tuple[tuple[Any, ...], str], int]],
) -> None:
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (key, measure), amount in deltas:
        row = rows.setdefault(key, {**dict(zip(key_columns, key, strict=True)), **dict.fromkeys(counts, 0)})
        row[measure] += amount
    if not rows:
        return
    assert isinstance(table, Table)
    ordered = [rows[key] for key in sorted(rows)]  # concurrent consumers lock rows in one order: no deadlock
    primary_key = [column.name for column in table.primary_key.columns]
    if session.get_bind().dialect.name == "postgresql":
        unnested = insert_unnested(table, ordered)  # one statement for the batch
        session.execute(
            unnested.on_conflict_do_update(
                index_elements=primary_key,
                set_={name: table.c[name] + unnested.excluded[name] for name in counts},
            )
        )
        return
    insert = sqlite.insert(table)
    statement = insert.on_conflict_do_update(
        index_elements=primary_key,
        set_={name: table.c[name] + insert.excluded[name] for name in counts},
    )
    session.execute(statement, ordered)


def _day(column: str, dialect: str, offset_hours: float) -> str:
    if dialect == "postgresql":
        return f"CAST({column} + INTERVAL '{offset_hours} hours' AS DATE)"
    return f"date({column}, '{offset_hours:+g} hours')"


def rebuild_rollups(connection: Connection) -> None:
    """Recompute both rollup tables from the raw rows (in the caller's transaction)."""
    dialect = connection.dialect.name
    hours = utc_offset().total_seconds() / 3600
    reported, filed, found = (_day(column, dialect, hours) for column in ("reported_at", "filed_at", "found_at"))
    dims = "grid_id, kind, subtype, place_type, township_code, county_code"
    connection.execute(text("DELETE FROM incident_daily"))
    connection.execute(
        text(f"""
        INSERT INTO incident_daily (day, {dims}, reported, filed, solved, resolved)
        SELECT day, {dims}, SUM(reported), SUM(filed), SUM(solved), SUM(resolved) FROM (
            SELECT {reported} AS day, {dims}, 1 AS reported, 0 AS filed, 0 AS solved,
                   CASE WHEN kind <> 'criminal' AND solved_at IS NOT NULL THEN 1 ELSE 0 END AS resolved
            FROM incident
            UNION ALL
            SELECT {filed} AS day, {dims}, 0, 1, CASE WHEN solved_at IS NOT NULL THEN 1 ELSE 0 END, 0
            FROM incident WHERE filed_at IS NOT NULL
        ) AS cohorts
        GROUP BY day, {dims}
    """)
    )
    connection.execute(text("DELETE FROM hazard_daily"))
    connection.execute(
        text(f"""
        INSERT INTO hazard_daily (day, grid_id, category, severity, township_code, county_code, found, rectified,
                                  rectified_on_time)
        SELECT {found}, grid_id, category, severity, township_code, county_code, COUNT(*),
               SUM(CASE WHEN rectified_at IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN rectified_at IS NOT NULL AND rectified_at <= deadline THEN 1 ELSE 0 END)
        FROM hazard
        GROUP BY {found}, grid_id, category, severity, township_code, county_code
    """)
    )
