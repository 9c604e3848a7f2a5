"""Patrol compliance (巡查合规): the rule is two patrols a day, each at least two hours (DOMAIN.md).

A worker-day is one worker on one city-clock day, from the day the worker was hired, up to yesterday (today is
not over yet); a patrol belongs to the day it started on. A worker-day is compliant when it has at least
`MIN_PATROLS` patrols of at least `MIN_PATROL_HOURS` hours each; a worker with no patrol that day has a
non-compliant worker-day all the same. A worker-day's area is the worker's grid's.

The figures read the `patrol_worker_day` rollup (per worker and day: patrols, long patrols, finished seconds), which
the seeder writes, the stream consumer keeps current (`refresh_worker_days`) and `rebuild_worker_days` recomputes
from the raw patrol log.

- `worker_days(session, period, area)` → one row per worker and day: `worker` (code), `name`, `grid` (code),
  `township_code`, `county_code`, `day` (date), `patrols`, `long_patrols` (of at least two hours), `hours` (total,
  finished patrols), `compliant` (bool).
- `compliance_by_area(session, period, area, level)` → one row per area of `level` inside `area`, in code order:
  `code`, `name`, `name_en`, `worker_days`, `compliant_days`, `rate` (compliant_days / worker_days; NaN without
  worker-days).
- `exceptions(session, period, area, min_days)` → the workers below the rule on at least `min_days` days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Connection, and_, delete, func, insert, select, text
from sqlalchemy.orm import Session

from dashboard.data import area_tree
from dashboard.data.areas import grids_in
from dashboard.data.city_zone import city_clock, city_today, local_shifts
from dashboard.data.models import Grid, GridWorker, PatrolLog, PatrolWorkerDay, PatrolWorkerMonth
from dashboard.data.periods import Area, AreaLevel, Period, shift_months

MIN_PATROLS = 2
MIN_PATROL_HOURS = 2.0
WORKER_DAY_COLUMNS = [
    "worker",
    "name",
    "grid",
    "township_code",
    "county_code",
    "day",
    "patrols",
    "long_patrols",
    "hours",
    "compliant",
]
AREA_COLUMNS = ["code", "name", "name_en", "worker_days", "compliant_days", "rate"]
LEVEL_COLUMN = {AreaLevel.COUNTY: "county_code", AreaLevel.TOWNSHIP: "township_code", AreaLevel.GRID: "grid"}
LEVEL_ORDER = [AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.GRID]


def counted_days(period: Period, today: date | None = None) -> Period | None:
    """The part of `period` that is over (before today), or None when none of it is."""
    end = min(period.end, today or city_today())
    return Period(period.start, end) if end > period.start else None


def _workers(session: Session, area: Area) -> pd.DataFrame:
    query = (
        select(
            GridWorker.id,
            GridWorker.code,
            GridWorker.name,
            GridWorker.hire_date,
            Grid.code,
            Grid.township_code,
            Grid.county_code,
        )
        .join(Grid, Grid.id == GridWorker.grid_id)
        .where(grids_in(area))
    )
    columns = ["worker_id", "worker", "name", "hire_date", "grid", "township_code", "county_code"]
    frame = pd.DataFrame([tuple(row) for row in session.execute(query)], columns=columns)
    frame["hire_date"] = pd.to_datetime(frame["hire_date"]).dt.date
    return frame


def _rollup_clause(area: Area) -> ColumnElement[bool]:
    """Rollup rows of the workers of `area`: by county through the day index; a township's or grid's few workers
    through the primary key (worker, day)."""
    match area.level:
        case AreaLevel.COUNTY:
            return PatrolWorkerDay.county_code == area.code
        case AreaLevel.TOWNSHIP | AreaLevel.GRID:
            workers = select(GridWorker.id).join(Grid, Grid.id == GridWorker.grid_id).where(grids_in(area))
            return PatrolWorkerDay.worker_id.in_(workers)
    return PatrolWorkerDay.worker_id.is_not(None)


def _patrol_days(session: Session, span: Period, area: Area) -> pd.DataFrame:
    """Per worker and counted day with a patrol: patrols, long patrols and finished hours (from the rollup)."""
    query = select(
        PatrolWorkerDay.worker_id,
        PatrolWorkerDay.day,
        PatrolWorkerDay.patrols,
        PatrolWorkerDay.long_patrols,
        PatrolWorkerDay.seconds,
    ).where(_rollup_clause(area), PatrolWorkerDay.day >= span.start, PatrolWorkerDay.day < span.end)
    columns = ["worker_id", "day", "patrols", "long_patrols", "seconds"]
    rows = pd.DataFrame([tuple(row) for row in session.execute(query)], columns=columns)
    rows["day"] = pd.to_datetime(rows["day"]).dt.date
    rows["hours"] = rows["seconds"].astype(float) / 3600
    return rows.drop(columns=["seconds"])


def worker_days(session: Session, period: Period, area: Area, *, today: date | None = None) -> pd.DataFrame:
    """One row per worker and counted day inside `area`, in order of worker, then day (see the module's doc)."""
    span = counted_days(period, today)
    workers = _workers(session, area)
    if span is None or workers.empty:
        return pd.DataFrame({name: [] for name in WORKER_DAY_COLUMNS})
    days = pd.DataFrame({"day": [span.start + timedelta(days=n) for n in range(span.days)]})
    grid = workers.merge(days, how="cross")
    grid = grid[grid["day"] >= grid["hire_date"]]
    counts = _patrol_days(session, span, area)
    merged = grid.merge(counts, on=["worker_id", "day"], how="left")
    merged[["patrols", "long_patrols"]] = merged[["patrols", "long_patrols"]].fillna(0).astype(int)
    merged["hours"] = merged["hours"].fillna(0.0).astype(float).round(2)
    merged["compliant"] = merged["long_patrols"] >= MIN_PATROLS
    return merged[WORKER_DAY_COLUMNS].sort_values(["worker", "day"], ignore_index=True)


def _worker_day_totals(workers: pd.DataFrame, span: Period, column: str) -> pd.Series:
    """Worker-days per area: each worker's counted days from hire."""
    first = workers["hire_date"].map(lambda hired: max(hired, span.start))
    counted = np.maximum(0, [(span.end - day).days for day in first])
    return pd.Series(counted, index=workers.index).groupby(workers[column]).sum()


def compliance_by_area(
    session: Session, period: Period, area: Area, level: AreaLevel, *, today: date | None = None
) -> pd.DataFrame:
    """Worker-days, compliant worker-days and their rate per area of `level` inside `area`, in code order."""
    if level is AreaLevel.CITY:
        raise ValueError("level: compliance by area needs county, township or grid rows")
    areas = _areas(session, area, level)
    span = counted_days(period, today)
    column = LEVEL_COLUMN[level]
    frame = areas.assign(worker_days=0, compliant_days=0)
    if span is not None and not areas.empty:
        workers = _workers(session, area)
        totals = _worker_day_totals(workers, span, column) if not workers.empty else pd.Series(dtype=int)
        compliant = _compliant_counts(session, span, area, level, workers) if not workers.empty else pd.Series()
        frame["worker_days"] = frame["code"].map(totals).fillna(0).astype(int)
        frame["compliant_days"] = frame["code"].map(compliant).fillna(0).astype(int)
    frame["rate"] = frame["compliant_days"] / frame["worker_days"].where(frame["worker_days"] > 0)
    return frame[AREA_COLUMNS].reset_index(drop=True)


def _split(span: Period) -> tuple[Period | None, list[Period]]:
    """The span's whole calendar months (one period, or None) and the days outside them."""
    first = span.start if span.start.day == 1 else shift_months(span.start.replace(day=1), 1)
    last = span.end.replace(day=1)
    if first >= last:
        return None, [span]
    rest = [Period(span.start, first)] if span.start < first else []
    rest += [Period(last, span.end)] if last < span.end else []
    return Period(first, last), rest


def _month_clause(area: Area) -> ColumnElement[bool]:
    match area.level:
        case AreaLevel.COUNTY:
            return PatrolWorkerMonth.county_code == area.code
        case AreaLevel.TOWNSHIP | AreaLevel.GRID:
            workers = select(GridWorker.id).join(Grid, Grid.id == GridWorker.grid_id).where(grids_in(area))
            return PatrolWorkerMonth.worker_id.in_(workers)
    return PatrolWorkerMonth.worker_id.is_not(None)


def _counted(session: Session, span: Period, area: Area, level: AreaLevel) -> pd.Series:
    """Compliant days over the span per county or township (grouped in SQL; the rollups carry the worker's area),
    or per worker for grids: whole months from `patrol_worker_month`, other days from `patrol_worker_day`."""
    by_worker = level is AreaLevel.GRID
    month_key: Any = {
        AreaLevel.COUNTY: PatrolWorkerMonth.county_code,
        AreaLevel.TOWNSHIP: PatrolWorkerMonth.township_code,
    }.get(level, PatrolWorkerMonth.worker_id)
    day_key: Any = {
        AreaLevel.COUNTY: PatrolWorkerDay.county_code,
        AreaLevel.TOWNSHIP: PatrolWorkerDay.township_code,
    }.get(level, PatrolWorkerDay.worker_id)
    months, rest = _split(span)
    queries = []
    if months is not None:
        queries.append(
            select(month_key, func.sum(PatrolWorkerMonth.compliant_days))
            .where(_month_clause(area), PatrolWorkerMonth.month >= months.start, PatrolWorkerMonth.month < months.end)
            .group_by(month_key)
        )
    for part in rest:
        queries.append(
            select(day_key, func.count())
            .where(
                _rollup_clause(area),
                PatrolWorkerDay.day >= part.start,
                PatrolWorkerDay.day < part.end,
                PatrolWorkerDay.long_patrols >= MIN_PATROLS,
            )
            .group_by(day_key)
        )
    counts: dict[Any, int] = {}
    for query in queries:
        for key, count in session.execute(query):
            key = int(key) if by_worker else key
            counts[key] = counts.get(key, 0) + int(count or 0)
    return pd.Series(counts, dtype="int64")


def _compliant_counts(session: Session, span: Period, area: Area, level: AreaLevel, workers: pd.DataFrame) -> pd.Series:
    """Compliant worker-days (from each worker's hire day) per area of `level`: counted in SQL over the rollups,
    less the days before the hire of workers hired inside the span."""
    compliant = and_(
        _rollup_clause(area),
        PatrolWorkerDay.day >= span.start,
        PatrolWorkerDay.day < span.end,
        PatrolWorkerDay.long_patrols >= MIN_PATROLS,
    )
    by_worker = workers.set_index("worker_id")
    counts = _counted(session, span, area, level)
    if level is AreaLevel.GRID:
        counts = counts.groupby(counts.index.map(by_worker["grid"])).sum()
    recent = by_worker.index[by_worker["hire_date"] > span.start]
    if len(recent):  # a worker hired inside the span: the patrol days before the hire do not count
        key: Any = {AreaLevel.COUNTY: PatrolWorkerDay.county_code, AreaLevel.TOWNSHIP: PatrolWorkerDay.township_code}
        column = key.get(level, PatrolWorkerDay.worker_id)
        early = session.execute(
            select(column, func.count())
            .join(GridWorker, GridWorker.id == PatrolWorkerDay.worker_id)
            .where(
                compliant,
                PatrolWorkerDay.worker_id.in_([int(worker) for worker in recent]),
                PatrolWorkerDay.day < GridWorker.hire_date,
            )
            .group_by(column)
        ).all()
        before = pd.Series({code: int(count) for code, count in early}, dtype="int64")
        if level is AreaLevel.GRID:
            before = before.groupby(before.index.map(by_worker["grid"])).sum()
        counts = counts.sub(before, fill_value=0)
    return counts.astype(int)


def _areas(session: Session, area: Area, level: AreaLevel) -> pd.DataFrame:
    """The areas of `level` inside `area` (code, name, name_en), in code order."""
    if area.level is level:
        name = area_tree.area_name(session, area)
        name_en = area_tree.area_name(session, area, lang="en")
        return pd.DataFrame({"code": [area.code], "name": [name], "name_en": [name_en]})
    if LEVEL_ORDER.index(level) < LEVEL_ORDER.index(area.level):
        raise ValueError(f"level: {level.value} is not inside a {area.level.value}")
    if level is AreaLevel.GRID:  # one query, not one per township
        rows = session.execute(select(Grid.code, Grid.name).where(grids_in(area)).order_by(Grid.code)).all()
        return pd.DataFrame(
            {"code": [r[0] for r in rows], "name": [r[1] for r in rows], "name_en": [r[1] for r in rows]}
        )
    current = area_tree.children(session, area)
    while not current.empty and current["level"].iloc[0] != level.value:
        next_level = AreaLevel(current["level"].iloc[0])
        current = pd.concat(
            [area_tree.children(session, Area(next_level, code)) for code in current["code"]], ignore_index=True
        )
    return current[["code", "name", "name_en"]].reset_index(drop=True)


def exceptions(
    session: Session, period: Period, area: Area, *, min_days: int = 3, today: date | None = None
) -> pd.DataFrame:
    """Workers below the rule on at least `min_days` counted days, most such days first. Columns: worker, name,
    grid, short_days, worker_days, last_short_day."""
    days = worker_days(session, period, area, today=today)
    columns = ["worker", "name", "grid", "short_days", "worker_days", "last_short_day"]
    short = days[~days["compliant"].astype(bool)] if not days.empty else days
    if short.empty:
        return pd.DataFrame({name: [] for name in columns})
    tally = short.groupby(["worker", "name", "grid"], as_index=False).agg(
        short_days=("day", "size"), last_short_day=("day", "max")
    )
    totals = days.groupby("worker").size().rename("worker_days")
    tally = tally.join(totals, on="worker")
    tally = tally[tally["short_days"] >= min_days]
    return tally[columns].sort_values(["short_days", "worker"], ascending=[False, True], ignore_index=True)


# keeping the rollup -------------------------------------------------------------------------------------------------


def rebuild_worker_days(connection: Connection) -> None:
    """Recompute `patrol_worker_day` from the whole patrol log, in SQL (each patrol in the city-clock day it began,
    daylight saving included)."""
    shift = local_shifts(connection, "patrol_log", ("started_at",), alias="p")["started_at"]
    long_seconds = int(MIN_PATROL_HOURS * 3600)
    if connection.dialect.name == "postgresql":
        day = f"CAST(p.started_at + {shift} AS DATE)"
        seconds = "CAST(ROUND(EXTRACT(EPOCH FROM (p.ended_at - p.started_at))) AS INTEGER)"
    else:
        day = f"date(p.started_at, {shift})"
        seconds = "CAST(ROUND((julianday(p.ended_at) - julianday(p.started_at)) * 86400) AS INTEGER)"
    connection.execute(delete(PatrolWorkerDay))
    connection.execute(
        text(
            "INSERT INTO patrol_worker_day "
            "(worker_id, day, township_code, county_code, patrols, long_patrols, seconds) "
            f"SELECT p.worker_id, {day}, g.township_code, g.county_code, COUNT(*), "
            f"SUM(CASE WHEN p.ended_at IS NOT NULL AND {seconds} >= {long_seconds} THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN p.ended_at IS NOT NULL THEN {seconds} ELSE 0 END) "
            "FROM patrol_log p JOIN grid_worker w ON w.id = p.worker_id JOIN grid g ON g.id = w.grid_id "
            f"GROUP BY p.worker_id, {day}, g.township_code, g.county_code"
        )
    )
    rebuild_worker_months(connection)


def rebuild_worker_months(connection: Connection) -> None:
    """Recompute `patrol_worker_month` from `patrol_worker_day`."""
    if connection.dialect.name == "postgresql":
        month = "CAST(date_trunc('month', day) AS DATE)"
    else:
        month = "date(day, 'start of month')"
    connection.execute(delete(PatrolWorkerMonth))
    connection.execute(
        text(
            "INSERT INTO patrol_worker_month (worker_id, month, township_code, county_code, compliant_days) "
            f"SELECT worker_id, {month}, MIN(township_code), MIN(county_code), "
            f"SUM(CASE WHEN long_patrols >= {MIN_PATROLS} THEN 1 ELSE 0 END) "
            f"FROM patrol_worker_day GROUP BY worker_id, {month}"
        )
    )


def refresh_worker_days(session: Session, patrols: Iterable[tuple[int, datetime]]) -> None:
    """Recompute the rollup rows of the workers' days these patrols (worker id, started at, naive UTC) fall on."""
    clock = city_clock()
    keys = {(worker, clock.day(started)) for worker, started in patrols}
    for worker, day in sorted(keys):
        rows = session.execute(
            select(PatrolLog.started_at, PatrolLog.ended_at).where(
                PatrolLog.worker_id == worker,
                PatrolLog.started_at >= clock.day_start(day),
                PatrolLog.started_at < clock.day_start(day + timedelta(days=1)),  # 23 or 25 hours, some days
            )
        ).all()
        place = session.execute(
            select(Grid.township_code, Grid.county_code)
            .join(GridWorker, GridWorker.grid_id == Grid.id)
            .where(GridWorker.id == worker)
        ).first()
        session.execute(delete(PatrolWorkerDay).where(PatrolWorkerDay.worker_id == worker, PatrolWorkerDay.day == day))
        if not rows or place is None:
            continue
        seconds = [round((ended - started).total_seconds()) for started, ended in rows if ended is not None]
        values: dict[str, Any] = {
            "worker_id": worker,
            "day": day,
            "township_code": place[0],
            "county_code": place[1],
            "patrols": len(rows),
            "long_patrols": sum(s >= MIN_PATROL_HOURS * 3600 for s in seconds),
            "seconds": sum(seconds),
        }
        session.execute(insert(PatrolWorkerDay).values(**values))
    for worker, month in sorted({(worker, day.replace(day=1)) for worker, day in keys}):
        _refresh_month(session, worker, month)


def _refresh_month(session: Session, worker: int, month: date) -> None:
    """Recompute one worker's month in `patrol_worker_month` from its days."""
    end = Period.month(month.year, month.month).end
    days = select(PatrolWorkerDay).where(
        PatrolWorkerDay.worker_id == worker, PatrolWorkerDay.day >= month, PatrolWorkerDay.day < end
    )
    rows = session.scalars(days).all()
    session.execute(
        delete(PatrolWorkerMonth).where(PatrolWorkerMonth.worker_id == worker, PatrolWorkerMonth.month == month)
    )
    if rows:
        session.execute(
            insert(PatrolWorkerMonth).values(
                worker_id=worker,
                month=month,
                township_code=rows[0].township_code,
                county_code=rows[0].county_code,
                compliant_days=sum(row.long_patrols >= MIN_PATROLS for row in rows),
            )
        )


def monthly_compliance(session: Session, months: list[Period], area: Area, level: AreaLevel) -> pd.DataFrame:
    """Compliance per calendar month and area of `level` (月度合规): columns month (first day), code, name, name_en,
    worker_days, compliant_days, rate; months not begun are left out."""
    frames = []
    for month in months:
        frame = compliance_by_area(session, month, area, level)
        if frame["worker_days"].sum() > 0:
            frames.append(frame.assign(month=month.start))
    if not frames:
        return pd.DataFrame({name: [] for name in ["month", *AREA_COLUMNS]})
    return pd.concat(frames, ignore_index=True)[["month", *AREA_COLUMNS]]
