"""The rollup tables: kept in step with the raw rows.

- `incident_daily`, `hazard_daily`: per day and grid (the seed's and the consumer's checks use them);
- the drill-down rollups, `DRILL_ROLLUPS` (models.py): incident counts per county, township or grid and day or
  month, the report heatmap per county (hour, weekday) and the criminal solve-time histogram per county.

The stream consumer adds deltas in the same transaction as the rows they describe, so a rollup never counts an
event twice and never misses one. `rebuild_rollups` recomputes both tables from the raw rows (after a bulk load,
or to check them). Days, months and hours are on the city's clock (data/zone_clock.py): each moment by the offset in
force at that moment, so in a zone with daylight saving a record counts in the local day it happened in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from dashboard.data.city_zone import city_clock, local_shifts
from dashboard.data.models import (
    Base,
    CriminalSolveCityMonth,
    CriminalSolveDay,
    CriminalSolveMonth,
    CriminalSolveTownshipDay,
    CriminalSolveTownshipMonth,
    HazardDaily,
    IncidentCityDay,
    IncidentCityHourMonth,
    IncidentCountyDay,
    IncidentCountyMonth,
    IncidentDaily,
    IncidentGridMonth,
    IncidentHourDay,
    IncidentHourMonth,
    IncidentTownshipDay,
    IncidentTownshipMonth,
    RentalGridDay,
)
from dashboard.data.unnest import insert_unnested
from dashboard.data.zone_clock import ZoneClock

IncidentKey = tuple[date, int, str, str, str, str, str]  # day, grid, kind, subtype, place, township, county
HazardKey = tuple[date, int, str, str, str, str]  # day, grid, category, severity, township, county


def whole_days(filed: datetime, solved: datetime) -> int:
    """Whole days from filing to solving, each moment truncated to the second; never below 0."""
    return max(0, (solved.replace(microsecond=0) - filed.replace(microsecond=0)) // timedelta(days=1))


Family = str  # "counts": reported, rental, filed, solved; "hours": reports; "solve": cases; "rental": rental
MEASURES: dict[Family, tuple[str, ...]] = {
    "counts": ("reported", "rental", "filed", "solved"),
    "hours": ("reports",),
    "solve": ("cases",),
    "rental": ("rental",),
}


@dataclass(frozen=True)
class DrillRollup:
    """One drill-down rollup table: its time grain, its key columns after the time (in primary-key order, then the
    area codes it copies) and what it counts."""

    model: Any
    time: str  # "day" or "month"
    keys: tuple[str, ...]  # from: county_code, township_code, grid_id, kind, subtype, weekday, hour, days
    family: Family

    @property
    def name(self) -> str:
        return str(self.model.__tablename__)

    @property
    def table(self) -> Table:
        return Base.metadata.tables[self.name]

    @property
    def measures(self) -> tuple[str, ...]:
        return MEASURES[self.family]

    def key(self, row: Any, moment: datetime, clock: ZoneClock) -> tuple[Any, ...]:
        local = clock.local(moment)
        time = local.date() if self.time == "day" else local.date().replace(day=1)
        values: list[Any] = [time]
        for name in self.keys:
            if name == "hour":
                values.append(local.hour)
            elif name == "weekday":
                values.append(local.weekday())
            elif name == "days":
                values.append(whole_days(row.filed_at, row.solved_at))
            elif name in ("kind",):
                values.append(str(row.kind))
            else:
                values.append(getattr(row, name))
        return tuple(values)


COUNT_KEYS = {
    "city": ("kind", "subtype"),
    "county": ("county_code", "kind", "subtype"),
    "township": ("township_code", "kind", "subtype", "county_code"),
    "grid": ("grid_id", "kind", "township_code", "county_code"),
}
DRILL_ROLLUPS: tuple[DrillRollup, ...] = (
    DrillRollup(IncidentCityDay, "day", COUNT_KEYS["city"], "counts"),
    DrillRollup(IncidentCountyDay, "day", COUNT_KEYS["county"], "counts"),
    DrillRollup(IncidentCountyMonth, "month", COUNT_KEYS["county"], "counts"),
    DrillRollup(IncidentTownshipDay, "day", COUNT_KEYS["township"], "counts"),
    DrillRollup(IncidentTownshipMonth, "month", COUNT_KEYS["township"], "counts"),
    DrillRollup(IncidentGridMonth, "month", COUNT_KEYS["grid"], "counts"),
    DrillRollup(IncidentHourDay, "day", ("county_code", "kind", "hour"), "hours"),
    DrillRollup(IncidentHourMonth, "month", ("county_code", "kind", "weekday", "hour"), "hours"),
    DrillRollup(IncidentCityHourMonth, "month", ("kind", "weekday", "hour"), "hours"),
    DrillRollup(CriminalSolveDay, "day", ("county_code", "subtype", "days"), "solve"),
    DrillRollup(CriminalSolveMonth, "month", ("county_code", "subtype", "days"), "solve"),
    DrillRollup(CriminalSolveCityMonth, "month", ("subtype", "days"), "solve"),
    DrillRollup(CriminalSolveTownshipDay, "day", ("township_code", "subtype", "days"), "solve"),
    DrillRollup(CriminalSolveTownshipMonth, "month", ("township_code", "subtype", "days"), "solve"),
    DrillRollup(RentalGridDay, "day", ("grid_id", "kind", "township_code", "county_code"), "rental"),
)


@dataclass
class RollupDeltas:
    """Increments to add to the rollups, gathered over a batch of events and written at once."""

    clock: ZoneClock = field(default_factory=city_clock)
    incidents: Counter[tuple[IncidentKey, str]] = field(default_factory=Counter)
    hazards: Counter[tuple[HazardKey, str]] = field(default_factory=Counter)
    drill: Counter[tuple[int, tuple[Any, ...], str]] = field(default_factory=Counter)  # (rollup, key, measure)

    def _drill(self, row: Any, moment: datetime, family: Family, **amounts: int) -> None:
        for number, rollup in enumerate(DRILL_ROLLUPS):
            if rollup.family == family:
                key = rollup.key(row, moment, self.clock)
                for measure, amount in amounts.items():
                    if amount:
                        self.drill[(number, key, measure)] += amount

    def _drill_reported(self, row: Any) -> None:
        rental = int(str(row.place_type) == "rental_housing")
        self._drill(row, row.reported_at, "counts", reported=1, rental=rental)
        self._drill(row, row.reported_at, "hours", reports=1)
        if rental:
            self._drill(row, row.reported_at, "rental", rental=1)

    def _incident_key(self, row: Any, moment: datetime) -> IncidentKey:
        day = self.clock.day(moment)
        return (day, row.grid_id, str(row.kind), row.subtype, str(row.place_type), row.township_code, row.county_code)

    def _hazard_key(self, row: Any) -> HazardKey:
        day = self.clock.day(row.found_at)
        return (day, row.grid_id, str(row.category), str(row.severity), row.township_code, row.county_code)

    def incident_stored(self, row: Any) -> None:
        """A new incident row (anything with the Incident columns)."""
        self.incidents[(self._incident_key(row, row.reported_at), "reported")] += 1
        self._drill_reported(row)
        if row.filed_at is not None:
            self.incident_filed(row)
        elif row.solved_at is not None and str(row.kind) != "criminal":
            self.incidents[(self._incident_key(row, row.reported_at), "resolved")] += 1

    def incident_filed(self, row: Any) -> None:
        """`filed_at` was just set (on a row that may already be solved)."""
        key = self._incident_key(row, row.filed_at)
        self.incidents[(key, "filed")] += 1
        solved = row.solved_at is not None
        if solved:
            self.incidents[(key, "solved")] += 1
            self._drill(row, row.filed_at, "solve", cases=1)
        self._drill(row, row.filed_at, "counts", filed=1, solved=int(solved))

    def incident_solved(self, row: Any) -> None:
        """`solved_at` was just set."""
        if str(row.kind) != "criminal":
            self.incidents[(self._incident_key(row, row.reported_at), "resolved")] += 1
        elif row.filed_at is not None:
            self.incidents[(self._incident_key(row, row.filed_at), "solved")] += 1
            self._drill(row, row.filed_at, "counts", solved=1)
            self._drill(row, row.filed_at, "solve", cases=1)

    def hazard_stored(self, row: Any) -> None:
        self.hazards[(self._hazard_key(row), "found")] += 1
        if row.rectified_at is not None:
            self.hazard_rectified(row)

    def hazard_rectified(self, row: Any) -> None:
        """`rectified_at` was just set."""
        self.hazards[(self._hazard_key(row), "rectified")] += 1
        if row.rectified_at <= row.deadline:
            self.hazards[(self._hazard_key(row), "rectified_on_time")] += 1

    def hazard_unrectified(self, row: Any) -> None:
        """`rectified_at` is about to be cleared (the hazard was reopened): its rectification no longer counts."""
        self.hazards[(self._hazard_key(row), "rectified")] -= 1
        if row.rectified_at <= row.deadline:
            self.hazards[(self._hazard_key(row), "rectified_on_time")] -= 1

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
        for number, rollup in enumerate(DRILL_ROLLUPS):
            deltas = [((key, measure), amount) for (n, key, measure), amount in self.drill.items() if n == number]
            _upsert(session, rollup.table, (rollup.time, *rollup.keys), rollup.measures, deltas)
        self.incidents.clear()
        self.hazards.clear()
        self.drill.clear()


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


def _day(column: str, dialect: str, shift: str) -> str:
    if dialect == "postgresql":
        return f"CAST({column} + {shift} AS DATE)"
    return f"date({column}, {shift})"


def rebuild_rollups(connection: Connection) -> None:
    """Recompute every rollup table from the raw rows (in the caller's transaction)."""
    rebuild_drill_rollups(connection)
    dialect = connection.dialect.name
    shifts = {**local_shifts(connection, "incident", ("reported_at", "filed_at")),
              **local_shifts(connection, "hazard", ("found_at",))}  # fmt: skip
    reported, filed, found = (_day(column, dialect, shift) for column, shift in shifts.items())
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


def _drill_expression(name: str, moment: str, dialect: str, shift: str) -> str:
    """The SQL of one key column of a drill-down rollup, for incidents counted at `moment` (`shift`: its offset to
    the city's clock, local_shifts)."""
    if dialect == "postgresql":
        local = f"({moment} + {shift})"
        return {
            "day": f"CAST({local} AS DATE)",
            "month": f"CAST(date_trunc('month', {local}) AS DATE)",
            "hour": f"CAST(EXTRACT(HOUR FROM {local}) AS INTEGER)",
            "weekday": f"CAST(EXTRACT(ISODOW FROM {local}) AS INTEGER) - 1",
            "days": "GREATEST(0, CAST(FLOOR(EXTRACT(EPOCH FROM date_trunc('second', solved_at) - "
            "date_trunc('second', filed_at)) / 86400) AS INTEGER))",
        }.get(name, name)
    return {
        "day": f"date({moment}, {shift})",
        "month": f"date({moment}, {shift}, 'start of month')",
        "hour": f"CAST(strftime('%H', {moment}, {shift}) AS INTEGER)",
        "weekday": f"(CAST(strftime('%w', {moment}, {shift}) AS INTEGER) + 6) % 7",
        "days": "MAX(0, (CAST(strftime('%s', solved_at) AS INTEGER) - CAST(strftime('%s', filed_at) AS INTEGER)) "
        "/ 86400)",
    }.get(name, name)


def rebuild_drill_rollups(connection: Connection, only: Iterable[str] | None = None) -> None:
    """Recompute every drill-down rollup (or those named in `only`) from the raw incident rows (in the caller's
    transaction)."""
    dialect = connection.dialect.name
    shifts = local_shifts(connection, "incident", ("reported_at", "filed_at"))
    wanted = None if only is None else set(only)
    for rollup in DRILL_ROLLUPS:
        if wanted is not None and rollup.name not in wanted:
            continue
        columns = (rollup.time, *rollup.keys)
        measures = rollup.measures

        def cohort(
            moment: str,
            values: dict[str, str],
            where: str,
            columns: tuple[str, ...] = columns,
            measures: tuple[str, ...] = measures,
        ) -> str:
            keys = ", ".join(
                f"{_drill_expression(name, moment, dialect, shifts[moment])} AS {name}" for name in columns
            )
            counted = ", ".join(f"{values.get(measure, '0')} AS {measure}" for measure in measures)
            return f"SELECT {keys}, {counted} FROM incident WHERE {where}"

        if rollup.family == "counts":
            rental = "CASE WHEN place_type = 'rental_housing' THEN 1 ELSE 0 END"
            solved = "CASE WHEN solved_at IS NOT NULL THEN 1 ELSE 0 END"
            parts = [
                cohort("reported_at", {"reported": "1", "rental": rental}, "1 = 1"),
                cohort("filed_at", {"filed": "1", "solved": solved}, "filed_at IS NOT NULL"),
            ]
        elif rollup.family == "hours":
            parts = [cohort("reported_at", {"reports": "1"}, "1 = 1")]
        elif rollup.family == "rental":
            parts = [cohort("reported_at", {"rental": "1"}, "place_type = 'rental_housing'")]
        else:
            parts = [cohort("filed_at", {"cases": "1"}, "filed_at IS NOT NULL AND solved_at IS NOT NULL")]
        names = ", ".join(columns)
        sums = ", ".join(f"SUM({measure})" for measure in measures)
        union = " UNION ALL ".join(parts)
        connection.execute(text(f"DELETE FROM {rollup.name}"))
        connection.execute(
            text(
                f"INSERT INTO {rollup.name} ({names}, {', '.join(measures)}) "
                f"SELECT {names}, {sums} FROM ({union}) AS cohorts GROUP BY {names}"
            )
        )
