"""Drill-down query speed: p50/p95 of every drill-down query on SQLite and PostgreSQL, against a naive
pandas implementation and DuckDB over the same raw incident rows. Prints figures beside the targets; asserts nothing.

    .venv/bin/python -m bench.bench_drill [--profile large] [--sqlite FILE] [--postgres URL | --no-postgres]
                                          [--repeat 20] [--baseline-repeat 3] [--today YYYY-MM-DD]

Databases: `--sqlite FILE` and `--postgres URL` (a URL may carry `?options=-csearch_path%3Dschema`) are used as
they are when they hold a city (migrated to head first, which fills the drill-down rollups of an older seed), and
seeded with the profile when they hold none. Defaults: var/bench-drill-<profile>.db and the schema
bench_drill_<profile> of BENCH_POSTGRES_URL (kept, so the next run starts at once; `large` takes minutes to seed).

For each query and filter (the city over last year, a county over the last 12 whole months, one of its townships
over the last full month, one of that township's grids over last year; each with every kind and with criminal
cases only) it times `repeat` calls, each in a fresh session as a callback makes it, after one warm-up call.
The baselines:
- "pandas" (the issue's naive dashboard): at every call, for the period and for its baseline, `pd.read_sql` of the
  raw incident rows of the filter's area, kind and time range from the database, only the columns the view needs
  (the grid code joined where it needs grids), with the city-clock fields derived in pandas, then grouped in pandas.
  Timed per call on each database; its ratio is taken database by database (the lower of the two is printed);
- "pandas mem": the raw rows read once (not timed) from the SQLite file into one DataFrame (categoricals, the city
  clock's day, hour and weekday precomputed), each query then computed from all those rows (masks and group-bys);
- "DuckDB": the same preloaded rows in an in-memory DuckDB table, each query as SQL over them.

The rows "callback …" time what each page's callback asks for in one session (its baselines: the sum of the same
parts). "density" is the analysis map's layer (per grid centroid; inside one grid, per 50 m cell: its baselines
group the raw positions the same way) and "records first page" the record table's first 100 rows, newest first,
with their count (its baselines sort the period's rows and count them). Targets: every query (and
callback) p95 <= 150 ms on both databases; ours >= 10x faster than pandas (p50 against p50, each database against
its own reads); ours within 3x of DuckDB (p50 against p50, the slower database). The ratio against "pandas mem" is
printed too (">=10x mem"), for information: it is no target of the issue.
"""

from __future__ import annotations

import argparse
import math
import os
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from dashboard.config import get_settings
from dashboard.data import area_tree, db, heat, rental, solve_rates, trends
from dashboard.data.db import session_scope
from dashboard.data.filters import Compare, DrillFilter
from dashboard.data.periods import CITY, Area, AreaLevel, Period, shift_months
from dashboard.data.vocab import IncidentKind
from dashboard.seed import seed_database
from dashboard.seed.seeder import city_today
from dashboard.views.records import RecordKind, fetch_records

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGET_P95_MS = 150.0
TARGET_PANDAS = 10.0  # ours at least this many times faster
TARGET_DUCKDB = 3.0  # ours at most this many times slower

Query = Callable[[Any, DrillFilter], Any]
QUERIES: dict[str, Query] = {
    "case_trend day": lambda s, f: trends.case_trend(s, f, grain="day"),
    "case_trend week": lambda s, f: trends.case_trend(s, f, grain="week"),
    "case_trend month": lambda s, f: trends.case_trend(s, f, grain="month"),
    "hour_weekday": trends.hour_weekday,
    "top_subtypes": trends.top_subtypes,
    "solve_rates area": lambda s, f: solve_rates.solve_rates(s, f, by="area"),
    "solve_rates subtype": lambda s, f: solve_rates.solve_rates(s, f, by="subtype"),
    "solve_rates month": lambda s, f: solve_rates.solve_rates(s, f, by="month"),
    "time_to_solve": solve_rates.time_to_solve,
    "rental_summary": rental.rental_summary,
    "rental_by_area": rental.rental_by_area,
    "top_rental_grids": rental.top_rental_grids,
    "children": lambda s, f: area_tree.children(s, f.area),
    # The analysis map's density layer and the first page of the incident table (newest first, with its count).
    "density": heat.density,
    "records first page": lambda s, f: fetch_records(s, RecordKind.INCIDENTS, f, start=0, end=100),
    # What each page's callback asks for in one session (dashboard/callbacks/*.py): the "per callback".
    "callback case_trends": lambda s, f: (
        trends.case_trend(s, f, grain="week"),
        trends.top_subtypes(s, f),
        rental.rental_by_area(s, f),
        trends.hour_weekday(s, f),
    ),
    "callback solve_rates": lambda s, f: (
        solve_rates.solve_rates(s, f, by="area"),
        solve_rates.solve_rates(s, f, by="subtype"),
        solve_rates.solve_rates(s, f, by="month"),
        solve_rates.time_to_solve(s, f),
    ),
    "callback rental_housing": lambda s, f: (
        rental.rental_summary(s, f),
        rental.rental_by_area(s, f),
        rental.top_rental_grids(s, f),
    ),
}
COMPOSITE = {
    "callback case_trends": ("case_trend week", "top_subtypes", "rental_by_area", "hour_weekday"),
    "callback solve_rates": ("solve_rates area", "solve_rates subtype", "solve_rates month", "time_to_solve"),
    "callback rental_housing": ("rental_summary", "rental_by_area", "top_rental_grids"),
}


def use_database(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    db.reset_caches()


def prepare(label: str, url: str, profile: str, today: date | None) -> None:
    """Migrate to head (fills the drill-down rollups of an older seed); seed when the database holds no city."""
    use_database(url)
    started = time.perf_counter()
    db.upgrade_to_head(url)
    report = seed_database(profile, today=today, progress=True)
    what = report.message if report.seeded else "reused (already seeded)"
    print(f"{label}: {what}; ready in {time.perf_counter() - started:.1f} s")


def postgres_reachable(url: str) -> bool:
    try:
        engine = create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except OperationalError:
        return False


def default_postgres(profile: str) -> str:
    schema = f"bench_drill_{profile}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    admin.dispose()
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


@dataclass(frozen=True)
class Case:
    label: str
    f: DrillFilter


def cases(today: date) -> list[Case]:
    """The representative filters, with areas picked from the database just prepared."""
    with session_scope() as session:
        county = "331004"  # 路桥区, the pilot
        township = session.execute(
            text(
                "SELECT township_code FROM grid WHERE county_code = :county GROUP BY township_code"
                " ORDER BY COUNT(*) DESC, township_code LIMIT 1"
            ),
            {"county": county},
        ).scalar_one()
        grid = session.execute(
            text("SELECT code FROM grid WHERE township_code = :township ORDER BY code LIMIT 1"),
            {"township": township},
        ).scalar_one()
    this_month = today.replace(day=1)
    year = Period.year(today.year - 1)
    chosen = [
        ("city/year", DrillFilter(year, Compare.LAST_YEAR, CITY)),
        (
            "county/12 months",
            DrillFilter(Period(shift_months(this_month, -12), this_month), Compare.PREVIOUS, Area.county(county)),
        ),
        ("township/month", DrillFilter(Period.last_full_month(today), Compare.LAST_YEAR, Area.township(township))),
        ("grid/year", DrillFilter(year, Compare.LAST_YEAR, Area.grid(grid))),
    ]
    result = []
    for label, f in chosen:
        result.append(Case(label, f))
        result.append(Case(f"{label} criminal", DrillFilter(f.period, f.compare, f.area, IncidentKind.CRIMINAL)))
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] if ordered else math.nan


def time_ours(query: Query, f: DrillFilter, repeat: int) -> list[float]:
    with session_scope() as session:
        query(session, f)  # warm-up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        with session_scope() as session:
            query(session, f)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


# --------------------------------------------------------------------------------------------- the naive baselines


def load_rows(sqlite_file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The raw incidents (with city-clock fields) and the grids (with their rental houses), from the SQLite file."""
    connection = sqlite3.connect(sqlite_file)
    incidents = pd.read_sql_query(
        "SELECT i.id, i.kind, i.subtype, i.place_type, i.reported_at, i.filed_at, i.solved_at, i.county_code AS county,"
        " i.township_code AS township, g.code AS grid, i.lat, i.lon FROM incident i JOIN grid g ON g.id = i.grid_id",
        connection,
    )
    grids = pd.read_sql_query(
        "SELECT g.code AS grid, g.township_code AS township, g.county_code AS county,"
        " (SELECT COUNT(*) FROM rental_house r WHERE r.grid_id = g.id) AS houses FROM grid g",
        connection,
    )
    connection.close()
    offset = pd.Timedelta(hours=8)
    utc = pd.to_datetime(incidents["reported_at"])
    reported = utc + offset
    filed = pd.to_datetime(incidents["filed_at"])
    solved = pd.to_datetime(incidents["solved_at"])
    frame = pd.DataFrame(
        {
            "id": incidents["id"],
            "reported": utc,
            "lat": incidents["lat"],
            "lon": incidents["lon"],
            "kind": incidents["kind"].astype("category"),
            "subtype": incidents["subtype"].astype("category"),
            "rental": (incidents["place_type"] == "rental_housing").astype("int64"),
            "county": incidents["county"].astype("category"),
            "township": incidents["township"].astype("category"),
            "grid": incidents["grid"].astype("category"),
            "rday": reported.dt.floor("D"),
            "weekday": reported.dt.day_of_week.astype("int64"),
            "hour": reported.dt.hour.astype("int64"),
            "fday": (filed + offset).dt.floor("D"),
            "solved": solved.notna().astype("int64"),
            "days": ((solved.dt.floor("s") - filed.dt.floor("s")) // pd.Timedelta(days=1)).fillna(0).clip(lower=0),
        }
    )
    return frame, grids


def density_points(rows: pd.DataFrame) -> Any:
    """Inside one grid: incidents per 50 m cell, as the map counts them."""
    return rows.groupby([(rows[c] / heat.CELL_DEGREES).round() for c in ("lat", "lon")]).size()


def per_grid(rows: pd.DataFrame) -> Any:
    return rows.groupby("grid", observed=True).size()


def child_column(area: Area) -> str:
    return {AreaLevel.CITY: "county", AreaLevel.COUNTY: "township"}.get(area.level, "grid")


class Naive:
    """Each drill-down query computed from all the raw rows at every call (pandas)."""

    def __init__(self, rows: pd.DataFrame, grids: pd.DataFrame) -> None:
        self.rows, self.grids = rows, grids

    def mask(self, f: DrillFilter, period: Period, day: str) -> pd.Series:
        rows = self.rows
        keep = (rows[day] >= pd.Timestamp(period.start)) & (rows[day] < pd.Timestamp(period.end))
        if f.area.level is not AreaLevel.CITY:
            keep &= rows[{AreaLevel.COUNTY: "county", AreaLevel.TOWNSHIP: "township"}.get(f.area.level, "grid")] == (
                f.area.code
            )
        if f.kind is not None:
            keep &= rows["kind"] == str(f.kind)
        if day == "fday":
            keep &= rows["kind"] == "criminal"
        return keep

    def both(self, f: DrillFilter, day: str, compute: Callable[[pd.DataFrame, Period], Any]) -> list[Any]:
        return [compute(self.rows[self.mask(f, period, day)], period) for period in (f.period, f.baseline)]

    def single(self, f: DrillFilter, compute: Callable[[pd.DataFrame], Any]) -> Any:
        """For the views of the period alone (the map, the table)."""
        return compute(self.rows[self.mask(f, f.period, "rday")])

    def trend(self, f: DrillFilter, grain: str) -> list[Any]:
        series = "subtype" if f.kind else "kind"

        def compute(rows: pd.DataFrame, period: Period) -> Any:
            offset = (rows["rday"] - pd.Timestamp(period.start)).dt.days
            if grain == "week":
                offset = offset // 7
            elif grain == "month":
                offset = (rows["rday"].dt.year - period.start.year) * 12 + rows["rday"].dt.month - period.start.month
            return rows.groupby([offset.rename("bucket"), rows[series]], observed=True).size()

        return self.both(f, "rday", compute)

    def run(self, name: str, f: DrillFilter) -> Any:
        child = child_column(f.area)
        match name:
            case "case_trend day" | "case_trend week" | "case_trend month":
                return self.trend(f, name.split()[1])
            case "hour_weekday":
                return self.both(f, "rday", lambda rows, _: rows.groupby(["weekday", "hour"]).size())
            case "top_subtypes":
                now, then = self.both(
                    f, "rday", lambda rows, _: rows.groupby(["kind", "subtype"], observed=True).size()
                )
                return now.nlargest(10), then
            case "solve_rates area" | "solve_rates subtype" | "solve_rates month":
                key = {"area": child, "subtype": "subtype", "month": "month"}[name.split()[1]]

                def rates(rows: pd.DataFrame, _: Period) -> Any:
                    keys = rows["fday"].dt.to_period("M") if key == "month" else rows[key]
                    return rows.groupby(keys, observed=True)["solved"].agg(["size", "sum"])

                return self.both(f, "fday", rates)
            case "time_to_solve":
                return self.both(
                    f,
                    "fday",
                    lambda rows, _: (
                        rows[rows["solved"] == 1].groupby("subtype", observed=True)["days"].quantile([0.5, 0.9])
                    ),
                )
            case "rental_summary":
                return self.both(f, "rday", lambda rows, _: (int(rows["rental"].sum()), len(rows)))
            case "rental_by_area":
                return self.both(
                    f, "rday", lambda rows, _: rows.groupby(child, observed=True)["rental"].agg(["sum", "size"])
                )
            case "top_rental_grids":
                now, then = self.both(f, "rday", lambda rows, _: rows.groupby("grid", observed=True)["rental"].sum())
                return now.nlargest(10), then
            case "density":
                return self.single(f, density_points if f.area.level is AreaLevel.GRID else per_grid)
            case "records first page":
                return self.single(f, lambda rows: (rows.sort_values("reported", ascending=False).head(100), len(rows)))
        return None


# What each view reads from the raw rows: the time it counts by, and the columns it needs.
NEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "case_trend day": ("reported_at", ("kind", "subtype")),
    "case_trend week": ("reported_at", ("kind", "subtype")),
    "case_trend month": ("reported_at", ("kind", "subtype")),
    "hour_weekday": ("reported_at", ()),
    "top_subtypes": ("reported_at", ("kind", "subtype")),
    "solve_rates area": ("filed_at", ("child", "solved_at")),
    "solve_rates subtype": ("filed_at", ("subtype", "solved_at")),
    "solve_rates month": ("filed_at", ("solved_at",)),
    "time_to_solve": ("filed_at", ("subtype", "solved_at")),
    "rental_summary": ("reported_at", ("place_type",)),
    "rental_by_area": ("reported_at", ("place_type", "child")),
    "top_rental_grids": ("reported_at", ("place_type", "grid")),
    "density": ("reported_at", ("grid",)),  # inside one grid: lat and lon instead
    "records first page": ("reported_at", ("id", "kind", "subtype", "status", "grid")),
}


class NaiveRead(Naive):
    """The naive dashboard: at each call, pd.read_sql of the rows the view needs (its area, kind, period and
    baseline; only its columns) from the database, then the same pandas group-bys as `Naive`."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url)
        self.name = ""
        self.zone = get_settings().timezone

    def run(self, name: str, f: DrillFilter) -> Any:
        self.name = name
        return super().run(name, f)

    def both(self, f: DrillFilter, day: str, compute: Callable[[pd.DataFrame, Period], Any]) -> list[Any]:
        return [compute(self.read(f, period), period) for period in (f.period, f.baseline)]

    def single(self, f: DrillFilter, compute: Callable[[pd.DataFrame], Any]) -> Any:
        return compute(self.read(f, f.period))

    def read(self, f: DrillFilter, period: Period) -> pd.DataFrame:
        moment, needs = NEEDS[self.name]
        if self.name == "density" and f.area.level is AreaLevel.GRID:
            needs = ("lat", "lon")
        child = child_column(f.area)
        columns = [f"i.{moment}"]
        joined = "grid" in needs or (child == "grid" and "child" in needs)
        for need in needs:
            if need == "child":
                columns.append("g.code AS grid" if child == "grid" else f"i.{child}_code AS {child}")
            elif need == "grid":
                columns.append("g.code AS grid")
            else:
                columns.append(f"i.{need}")
        start, end = period.utc_bounds(self.zone)
        where = [f"i.{moment} >= :start", f"i.{moment} < :end"]
        params: dict[str, Any] = {"start": start, "end": end}
        if f.area.level is AreaLevel.GRID:
            where.append("i.grid_id = (SELECT id FROM grid WHERE code = :code)")
        elif f.area.level is not AreaLevel.CITY:
            where.append(f"i.{child_column_of(f.area)}_code = :code")
        if f.area.level is not AreaLevel.CITY:
            params["code"] = f.area.code
        if f.kind is not None:
            where.append("i.kind = :kind")
            params["kind"] = str(f.kind)
        if moment == "filed_at":
            where.append("i.kind = 'criminal'")
        sql = f"SELECT {', '.join(dict.fromkeys(columns))} FROM incident i"
        if joined:
            sql += " JOIN grid g ON g.id = i.grid_id"
        with self.engine.connect() as connection:
            raw = pd.read_sql(text(f"{sql} WHERE {' AND '.join(where)}"), connection, params=params)
        offset = pd.Timedelta(hours=8)
        local = pd.to_datetime(raw[moment]) + offset
        rows = raw.drop(columns=[moment])
        if moment == "reported_at":
            rows["rday"], rows["weekday"], rows["hour"] = local.dt.floor("D"), local.dt.day_of_week, local.dt.hour
            rows["reported"] = local - offset
        else:
            rows["fday"] = local.dt.floor("D")
        if "solved_at" in raw:
            solved = pd.to_datetime(raw["solved_at"])
            rows["solved"] = solved.notna().astype("int64")
            spent = (solved.dt.floor("s") - (local - offset).dt.floor("s")) // pd.Timedelta(days=1)
            rows["days"] = spent.fillna(0).clip(lower=0)
        if "place_type" in raw:
            rows["rental"] = (raw["place_type"] == "rental_housing").astype("int64")
        return rows


def child_column_of(area: Area) -> str:
    """The incident column naming the area itself (county or township)."""
    return "county" if area.level is AreaLevel.COUNTY else "township"


class Duck:
    """Each drill-down query as SQL over the same rows, loaded once into DuckDB."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.connection = duckdb.connect()
        frame = rows.assign(rday=rows["rday"].dt.date, fday=rows["fday"].dt.date)
        for column in ("kind", "subtype", "county", "township", "grid"):
            frame[column] = frame[column].astype(str)
        self.connection.register("frame", frame)
        self.connection.execute("CREATE TABLE incident AS SELECT * FROM frame")
        self.connection.unregister("frame")

    def query(
        self,
        f: DrillFilter,
        day: str,
        select: str,
        group: str,
        extra: str = "",
        *,
        single: bool = False,
        tail: str = "",
    ) -> list[Any]:
        results = []
        for period in (f.period,) if single else (f.period, f.baseline):
            where = [f"{day} >= DATE '{period.start}'", f"{day} < DATE '{period.end}'"]
            if f.area.level is not AreaLevel.CITY:
                column = {AreaLevel.COUNTY: "county", AreaLevel.TOWNSHIP: "township"}.get(f.area.level, "grid")
                where.append(f"{column} = '{f.area.code}'")
            if f.kind is not None:
                where.append(f"kind = '{f.kind}'")
            if day == "fday":
                where.append("kind = 'criminal'")
            if extra:
                where.append(extra)
            sql = select.replace("$start", f"DATE '{period.start}'")
            statement = (
                f"SELECT {sql} FROM incident WHERE {' AND '.join(where)}"
                + (f" GROUP BY {group}" if group else "")
                + tail
            )
            results.append(self.connection.execute(statement).fetchall())
        return results

    def run(self, name: str, f: DrillFilter) -> Any:
        child = child_column(f.area)
        series = "subtype" if f.kind else "kind"
        match name:
            case "case_trend day":
                return self.query(f, "rday", f"date_diff('day', $start, rday) AS b, {series}, COUNT(*)", "b, " + series)
            case "case_trend week":
                return self.query(
                    f, "rday", f"date_diff('day', $start, rday) // 7 AS b, {series}, COUNT(*)", "b, " + series
                )
            case "case_trend month":
                return self.query(
                    f, "rday", f"date_diff('month', $start, rday) AS b, {series}, COUNT(*)", "b, " + series
                )
            case "hour_weekday":
                return self.query(f, "rday", "weekday, hour, COUNT(*)", "weekday, hour")
            case "top_subtypes":
                return self.query(f, "rday", "kind, subtype, COUNT(*)", "kind, subtype")
            case "solve_rates area":
                return self.query(f, "fday", f"{child}, COUNT(*), SUM(solved)", child)
            case "solve_rates subtype":
                return self.query(f, "fday", "subtype, COUNT(*), SUM(solved)", "subtype")
            case "solve_rates month":
                return self.query(f, "fday", "date_trunc('month', fday) AS m, COUNT(*), SUM(solved)", "m")
            case "time_to_solve":
                sql = "subtype, quantile_disc(days, 0.5), quantile_disc(days, 0.9)"
                return self.query(f, "fday", sql, "subtype", "solved = 1")
            case "rental_summary":
                return self.query(f, "rday", "SUM(rental), COUNT(*)", "")
            case "rental_by_area":
                return self.query(f, "rday", f"{child}, SUM(rental), COUNT(*)", child)
            case "top_rental_grids":
                return self.query(f, "rday", "grid, SUM(rental) AS n", "grid ORDER BY n DESC LIMIT 10")
            case "density" if f.area.level is AreaLevel.GRID:
                cell = f"round(lat / {heat.CELL_DEGREES}) AS y, round(lon / {heat.CELL_DEGREES}) AS x"
                return self.query(f, "rday", f"{cell}, COUNT(*)", "y, x", single=True)
            case "density":
                return self.query(f, "rday", "grid, COUNT(*)", "grid", single=True)
            case "records first page":
                shown = "id, kind, subtype, grid, reported"
                page = self.query(f, "rday", shown, "", single=True, tail=" ORDER BY reported DESC, id DESC LIMIT 100")
                return page, self.query(f, "rday", "COUNT(*)", "", single=True)
        return None


def time_baseline(run: Callable[[str, DrillFilter], Any], name: str, f: DrillFilter, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run(name, f)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


# ----------------------------------------------------------------------------------------------------- reporting


def verdict(passed: bool | None) -> str:
    return "n/a" if passed is None else ("PASS" if passed else "MISS")


def fmt(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:,.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_drill", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="large")
    parser.add_argument("--sqlite", default=None, help="a SQLite file (seeded when it holds no city)")
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL (seeded when it holds no city)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls of ours per query and filter")
    parser.add_argument("--baseline-repeat", type=int, default=3, help="timed calls of pandas mem and DuckDB")
    parser.add_argument("--naive-repeat", type=int, default=2, help="timed calls of pandas (reads) per database")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="the seed's last day (new seeds)")
    args = parser.parse_args()

    sqlite_file = Path(args.sqlite or f"var/bench-drill-{args.profile}.db").resolve()
    databases = {"SQLite": f"sqlite:///{sqlite_file}"}
    if not args.no_postgres:
        url = args.postgres or (default_postgres(args.profile) if postgres_reachable(POSTGRES_URL) else None)
        if url and postgres_reachable(url):
            databases["PostgreSQL"] = url
        else:
            print(f"PostgreSQL: no server answers at {url or POSTGRES_URL}; skipped")
    for label, url in databases.items():
        prepare(label, url, args.profile, args.today)

    use_database(databases["SQLite"])
    with session_scope() as session:
        last = session.execute(text("SELECT MAX(day) FROM incident_city_day")).scalar()
        incidents = session.execute(text("SELECT COUNT(*) FROM incident")).scalar()
    today = date.fromisoformat(str(last)) if last else city_today(get_settings().timezone)
    chosen = cases(today)
    print(
        f"\nprofile {args.profile}: {incidents:,} incidents (SQLite); last day {today}; "
        f"{args.repeat} timed calls of ours, {args.baseline_repeat} of each baseline, per query and filter"
    )

    ours: dict[str, dict[tuple[str, str], list[float]]] = {}
    for label, url in databases.items():
        use_database(url)
        ours[label] = {
            (name, case.label): time_ours(query, case.f, args.repeat)
            for name, query in QUERIES.items()
            for case in chosen
        }

    reads: dict[str, dict[tuple[str, str], list[float]]] = {}
    for label, url in databases.items():  # the naive dashboard: its reads timed per call, on each database
        use_database(url)
        started = time.perf_counter()
        reader = NaiveRead(url)
        reads[label] = {
            (name, case.label): time_baseline(reader.run, name, case.f, args.naive_repeat)
            for name in QUERIES
            if name != "children" and name not in COMPOSITE
            for case in chosen
        }
        reader.engine.dispose()
        print(f"pandas reading {label}: {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    rows, grids = load_rows(str(sqlite_file))
    naive, duck = Naive(rows, grids), Duck(rows)
    print(
        f"baselines: {len(rows):,} rows loaded into pandas and DuckDB in {time.perf_counter() - started:.1f} s "
        "(not timed)"
    )
    baselines: dict[str, dict[tuple[str, str], list[float]]] = {"pandas mem": {}, "DuckDB": {}}
    for name in QUERIES:
        if name == "children" or name in COMPOSITE:
            continue
        for case in chosen:
            baselines["pandas mem"][(name, case.label)] = time_baseline(naive.run, name, case.f, args.baseline_repeat)
            baselines["DuckDB"][(name, case.label)] = time_baseline(duck.run, name, case.f, args.baseline_repeat)
    for name, parts in COMPOSITE.items():  # a callback's baseline: the sum of its parts' runs
        for case in chosen:
            for engine in [*baselines.values(), *reads.values()]:
                runs = zip(*(engine[(part, case.label)] for part in parts), strict=True)
                engine[(name, case.label)] = [sum(run) for run in runs]

    header = ["query", "filter"]
    for label in databases:
        header += [f"{label} p50", f"{label} p95"]
    header += [f"pandas {label[:2]} p50" for label in databases]
    header += [
        "pandas mem p50",
        "DuckDB p50",
        "x pandas",
        "x mem",
        "/ DuckDB",
        "p95<=150",
        ">=10x",
        ">=10x mem",
        "<=3x",
    ]
    lines = [header]
    tally = {"p95<=150": [0, 0], ">=10x": [0, 0], ">=10x mem": [0, 0], "<=3x": [0, 0]}
    for name in QUERIES:
        for case in chosen:
            key = (name, case.label)
            row = [name, case.label]
            p50s, p95s = [], []
            for label in databases:
                timings = ours[label][key]
                p50s.append(statistics.median(timings))
                p95s.append(percentile(timings, 95))
                row += [fmt(p50s[-1]), fmt(p95s[-1])]
            read_p50s = [
                statistics.median(reads[label][key]) if key in reads[label] else math.nan for label in databases
            ]
            memory_p50 = statistics.median(baselines["pandas mem"][key]) if key in baselines["pandas mem"] else math.nan
            duck_p50 = statistics.median(baselines["DuckDB"][key]) if key in baselines["DuckDB"] else math.nan
            slowest = max(p50s)
            ratios = [read / ours for read, ours in zip(read_p50s, p50s, strict=True)]  # each database its own reads
            speedup = math.nan if any(math.isnan(ratio) for ratio in ratios) else min(ratios)
            in_memory = memory_p50 / slowest if not math.isnan(memory_p50) else math.nan
            against_duck = slowest / duck_p50 if not math.isnan(duck_p50) else math.nan
            checks = {
                "p95<=150": max(p95s) <= TARGET_P95_MS,
                ">=10x": None if math.isnan(speedup) else speedup >= TARGET_PANDAS,
                ">=10x mem": None if math.isnan(in_memory) else in_memory >= TARGET_PANDAS,
                "<=3x": None if math.isnan(against_duck) else against_duck <= TARGET_DUCKDB,
            }
            for check, passed in checks.items():
                if passed is not None:
                    tally[check][0 if passed else 1] += 1
            row += [fmt(read) for read in read_p50s]
            row += [fmt(memory_p50), fmt(duck_p50), fmt(speedup), fmt(in_memory), fmt(against_duck)]
            row += [verdict(passed) for passed in checks.values()]
            lines.append(row)
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    print("\n== drill-down queries, milliseconds (ours: each call in a fresh session)")
    for number, line in enumerate(lines):
        print(
            "  ".join(
                str(cell).ljust(w) if i < 2 else str(cell).rjust(w)
                for i, (cell, w) in enumerate(zip(line, widths, strict=True))
            )
        )
        if number == 0:
            print("  ".join("-" * w for w in widths))

    print("\n== summary against the targets")
    worst = {label: max(percentile(t, 95) for t in ours[label].values()) for label in databases}
    for label, value in worst.items():
        print(
            f"{label}: worst p95 {value:,.1f} ms (target <= {TARGET_P95_MS:.0f} ms): {verdict(value <= TARGET_P95_MS)}"
        )
    for check, (passes, misses) in tally.items():
        print(f"{check}: {passes} PASS, {misses} MISS" + (" (information: no target)" if "mem" in check else ""))
    everything = [statistics.median(t) for label in databases for t in ours[label].values()]
    print(f"ours, all queries and filters: median of p50s {np.median(everything):,.1f} ms")


if __name__ == "__main__":
    main()
