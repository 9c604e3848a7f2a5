"""The counting core of the drill-down queries (trends.py, solve_rates.py, rental.py): a few grouped counts of
incidents for one period, area and kind, as DataFrames, read from the rollups where they answer and from the raw
rows where they do not. The public modules only shape these counts; the 口径 live here.

- `incident_counts`: incidents by report day (`reported`) and those of them in rental housing (`rental`);
- `criminal_counts`: criminal cases by filing day (`filed`) and those of them solved by now (`solved`), or solved by
  a given moment and/or within N days of filing (`queries.solved_clause`, from the raw rows);
- `hour_counts`: incidents by the city-clock weekday (0 Monday) and hour they were reported (`reports`);
- `solve_days`: criminal cases filed in the period and solved by now (or by a given moment, from the raw rows), by
  whole days from filing to solving (`days`, each moment truncated to the second; a solve stamped before the filing
  counts 0) (`cases`).

Each takes `by`, the dimensions to group by: `day` (city-clock date), `month` (its month's first day), `kind`,
`subtype`, `child` (the code of the next area level down: county, township or grid code; a grid's own code for a
grid) and `grid` (grid code). Each also takes `subtype` (keyword; with a kind): only incidents of that subtype.
Days are city-clock days: a period [start, end) holds the incidents whose city-clock day falls in it.

Where the counts come from (dashboard/data/rollups.py, DRILL_ROLLUPS): a period is split into its whole calendar
months, read from a `*_month` rollup, and its other days, read from the `*_day` rollup (or all of it from the
`*_day` rollup when grouped by day). Counts of the city or a county come from the county rollups, of a township or
a county's townships from the township rollups (solve times too), of a township's grids from the grid rollup plus
the raw rows of the days outside whole months (the rental cases of any area's grids: plus `rental_grid_day`); a
grid's from its own raw rows (a few hundred a year, through the grid index), and so does a township's heatmap
(through the county's index by kind and report time).

A subtype filter is answered by the rollups keyed by subtype (the city, county and township counts and the solve-time
histograms); the others have no subtype column, so under a subtype these come from the raw rows instead (a subtype
is a small share of its kind, read through the county's index by kind and report time): the counts of a township's
grids (`grid` grain), the report heatmap (`hour_counts`) and the rental cases by grid (`rental_by_grid`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Date, and_, case, cast, func, literal_column, select, text, union_all
from sqlalchemy.orm import Session

from dashboard.data.areas import records_in
from dashboard.data.city_zone import city_clock, city_zone
from dashboard.data.models import (
    CriminalSolveCityMonth,
    CriminalSolveDay,
    CriminalSolveMonth,
    CriminalSolveTownshipDay,
    CriminalSolveTownshipMonth,
    Grid,
    Incident,
    IncidentCityDay,
    IncidentCityHourMonth,
    IncidentCountyDay,
    IncidentCountyMonth,
    IncidentGridMonth,
    IncidentHourDay,
    IncidentHourMonth,
    IncidentTownshipDay,
    IncidentTownshipMonth,
    RentalGridDay,
)
from dashboard.data.periods import Area, AreaLevel, Period, shift_months
from dashboard.data.queries import solved_clause
from dashboard.data.vocab import IncidentKind, PlaceType

DIMENSIONS = ("day", "month", "kind", "subtype", "child", "grid")


def child_level(area: Area) -> AreaLevel:
    """The level one step down from `area` (a grid's is the grid itself)."""
    return {
        AreaLevel.CITY: AreaLevel.COUNTY,
        AreaLevel.COUNTY: AreaLevel.TOWNSHIP,
        AreaLevel.TOWNSHIP: AreaLevel.GRID,
        AreaLevel.GRID: AreaLevel.GRID,
    }[area.level]


def _check(by: Sequence[str]) -> None:
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimension(s) {sorted(unknown)}; choose from {DIMENSIONS}")


def _kind_clause(kind: IncidentKind | None, subtype: str | None = None) -> ColumnElement[bool]:
    # Every kind spelled out: the index (county_code, kind, reported_at) then serves a report-time range for each.
    if kind is None:
        return Incident.kind.in_([k.value for k in IncidentKind])
    if subtype is not None:
        return and_(Incident.kind == str(kind), Incident.subtype == subtype)
    return Incident.kind == str(kind)


def _day_expression(session: Session, column: Any, start: datetime, end: datetime) -> Any:
    """The city-clock day of a time column whose values lie in [start, end] (naive UTC), daylight saving included."""
    bind = session.get_bind()
    named = str(column.expression.compile(dialect=bind.dialect))  # e.g. incident.reported_at
    dialect = bind.dialect.name
    shift = city_clock().sql_shift(named, dialect, start, end)
    if dialect == "postgresql":
        return cast(column + text(shift), Date)
    return func.date(column, literal_column(shift))


def _local(moments: pd.Series) -> pd.Series:
    """Naive-UTC times (datetime64[us], NaT kept) on the city's clock, each by the offset in force at its moment."""
    seconds = moments.to_numpy(dtype="datetime64[us]").astype(np.int64) // 1_000_000
    offsets = city_clock().local_seconds(seconds, moments.notna().to_numpy()) - seconds
    return moments + pd.to_timedelta(offsets, unit="s")


def _dimension(session: Session, name: str, area: Area, moment: Any, span: tuple[datetime, datetime]) -> Any:
    match name:
        case "day":
            return _day_expression(session, moment, *span).label("day")
        case "kind":
            return Incident.kind.label("kind")
        case "subtype":
            return Incident.subtype.label("subtype")
        case "grid":
            return Grid.code.label("grid")
        case "child":
            level = child_level(area)
            if level is AreaLevel.COUNTY:
                return Incident.county_code.label("child")
            if level is AreaLevel.TOWNSHIP:
                return Incident.township_code.label("child")
            return Grid.code.label("child")
    raise ValueError(name)


def _needs_grid(area: Area, by: Sequence[str]) -> bool:
    return "grid" in by or ("child" in by and child_level(area) is AreaLevel.GRID)


def _frame(rows: Sequence[Any], columns: Sequence[str], counts: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(row) for row in rows], columns=list(columns))
    for name in counts:
        frame[name] = frame[name].fillna(0).astype("int64")
    if "day" in frame:
        frame["day"] = [value if isinstance(value, date) else date.fromisoformat(value) for value in frame["day"]]
    for name in ("kind", "subtype", "child", "grid"):
        if name in frame:
            frame[name] = frame[name].astype(str)
    return frame


def _raw(
    session: Session,
    period: Period,
    area: Area,
    where: Sequence[ColumnElement[bool]],
    moment: Any,
    by: Sequence[str],
    measures: dict[str, Any],
) -> pd.DataFrame:
    start, end = period.utc_bounds(city_zone())
    dims = [_dimension(session, name, area, moment, (start, end)) for name in by]
    query = select(*dims, *(value.label(name) for name, value in measures.items())).where(
        moment >= start, moment < end, records_in(Incident, area), *where
    )
    if _needs_grid(area, by):
        query = query.join(Grid, Grid.id == Incident.grid_id)
    if dims:
        query = query.group_by(*dims)
    rows = session.execute(query).all()
    return _frame(rows, [*by, *measures], list(measures))


def split(period: Period) -> tuple[Period | None, list[Period]]:
    """The period's whole calendar months (one span, or None) and the spans of its other days."""
    first = period.start if period.start.day == 1 else shift_months(period.start.replace(day=1), 1)
    last = period.end.replace(day=1)
    if first >= last:
        return None, [period]
    edges = [Period(period.start, first)] if period.start < first else []
    if last < period.end:
        edges.append(Period(last, period.end))
    return Period(first, last), edges


def _finish(frames: list[pd.DataFrame], by: Sequence[str], measures: Sequence[str]) -> pd.DataFrame:
    """Concatenate partial counts, turn days into months where months were asked for, and add them up."""
    parts = []
    for frame in frames:
        if "month" in by and "month" not in frame and "day" in frame:
            frame = frame.assign(month=[day.replace(day=1) for day in frame["day"]])
            if "day" not in by:
                frame = frame.drop(columns="day")
        parts.append(frame)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    keys = list(by)
    if keys:
        frame = frame.groupby(keys, as_index=False, sort=False)[list(measures)].sum()
    else:
        frame = pd.DataFrame([{name: int(frame[name].sum()) for name in measures}])
    for name in measures:
        frame[name] = frame[name].astype("int64")
    return frame[[*keys, *measures]].reset_index(drop=True)


def _empty(by: Sequence[str], measures: Sequence[str]) -> pd.DataFrame:
    if not by:
        return pd.DataFrame([dict.fromkeys(measures, 0)]).astype("int64")
    return pd.DataFrame(
        {**{name: pd.Series(dtype=object) for name in by}, **{m: pd.Series(dtype="int64") for m in measures}}
    )


def _rollup(
    session: Session,
    model: Any,
    span: Period,
    area: Area,
    kind: IncidentKind | None,
    by: Sequence[str],
    measures: Sequence[str],
    extra: Sequence[ColumnElement[bool]] = (),
    subtype: str | None = None,
) -> pd.DataFrame:
    """Counts from one rollup table over [span.start, span.end) of its time column (of one subtype when given: the
    table must be keyed by subtype)."""
    table = model.__table__
    time = table.c.month if "month" in table.c else table.c.day
    dims: list[Any] = []
    names: list[str] = []
    joined = False
    for name in by:
        if name == "month" and "month" not in table.c:
            name = "day"  # months of a day table: its days, turned into months by `_finish`
        if name in names:
            continue
        if name in ("grid",) or (name == "child" and child_level(area) is AreaLevel.GRID):
            dims.append(Grid.code.label(name))
            joined = True
        elif name == "child":
            column = "county_code" if child_level(area) is AreaLevel.COUNTY else "township_code"
            dims.append(table.c[column].label(name))
        else:
            dims.append(table.c[name].label(name))
        names.append(name)
    where: list[ColumnElement[bool]] = [time >= span.start, time < span.end, *extra]
    if area.level is AreaLevel.COUNTY:
        where.append(table.c.county_code == area.code)
    elif area.level is AreaLevel.TOWNSHIP:
        where.append(table.c.township_code == area.code)
    if kind is not None and "kind" in table.c:
        where.append(table.c.kind == str(kind))
    if subtype is not None:
        where.append(table.c.subtype == subtype)  # a KeyError here: the caller asked a table without subtypes
    query = select(*dims, *(func.sum(table.c[m]).label(m) for m in measures)).where(*where)
    if joined:
        query = query.join(Grid, Grid.id == table.c.grid_id)
    if dims:
        query = query.group_by(*dims)
    return _frame(session.execute(query).all(), [*names, *measures], measures)


def _counts_grain(area: Area, by: Sequence[str], subtype: str | None = None) -> str:
    """Which count rollups answer: city, county, township or grid (or raw for a grid's own rows)."""
    if area.level is AreaLevel.GRID:
        return "own"
    if _needs_grid(area, by):
        return "raw" if ("subtype" in by or "day" in by or subtype is not None) else "grid"
    if area.level is AreaLevel.TOWNSHIP or ("child" in by and area.level is AreaLevel.COUNTY):
        return "township"
    return "city" if area.level is AreaLevel.CITY and "child" not in by else "county"


COUNT_TABLES = {
    "city": (IncidentCountyMonth, IncidentCityDay),
    "county": (IncidentCountyMonth, IncidentCountyDay),
    "township": (IncidentTownshipMonth, IncidentTownshipDay),
}


def _counts(
    session: Session,
    period: Period,
    area: Area,
    kind: IncidentKind | None,
    by: Sequence[str],
    measures: Sequence[str],
    raw: Any,
    own: Any,
    subtype: str | None = None,
) -> pd.DataFrame:
    _check(by)
    # Kept on the session for the rest of the request: a page's figures share counts (the rental page's summary is
    # the sum of its areas' rows, a trend's baseline may be another figure's period).
    memo: dict[tuple[Any, ...], pd.DataFrame] = session.info.setdefault("drill_counts", {})
    key = (tuple(measures), period, area, kind, subtype, tuple(by))
    if key not in memo:
        memo[key] = _counts_uncached(session, period, area, kind, by, measures, raw, own, subtype)
    return memo[key].copy()


def _counts_uncached(
    session: Session,
    period: Period,
    area: Area,
    kind: IncidentKind | None,
    by: Sequence[str],
    measures: Sequence[str],
    raw: Any,
    own: Any,
    subtype: str | None,
) -> pd.DataFrame:
    grain = _counts_grain(area, by, subtype)
    frames: list[pd.DataFrame] = []
    if grain == "own":
        return own(period)
    if grain == "raw":
        frames.append(raw(period))
    else:
        months, days = split(period) if "day" not in by else (None, [period])
        if grain == "grid":
            if months is not None:
                frames.append(_rollup(session, IncidentGridMonth, months, area, kind, by, measures))
            frames += [raw(span) for span in days]
        else:
            month_table, day_table = COUNT_TABLES[grain]
            if months is not None:
                frames.append(_rollup(session, month_table, months, area, kind, by, measures, subtype=subtype))
            frames += [_rollup(session, day_table, span, area, kind, by, measures, subtype=subtype) for span in days]
    return _finish(frames, by, measures)


def incident_counts(
    session: Session,
    period: Period,
    area: Area,
    kind: IncidentKind | None,
    *,
    by: Sequence[str] = (),
    subtype: str | None = None,
) -> pd.DataFrame:
    """Columns: *by, reported, rental."""

    def raw(span: Period) -> pd.DataFrame:
        rental = func.coalesce(func.sum(case((Incident.place_type == PlaceType.RENTAL_HOUSING.value, 1), else_=0)), 0)
        measures = {"reported": func.count(), "rental": rental}
        return _raw(session, span, area, [_kind_clause(kind, subtype)], Incident.reported_at, _raw_by(by), measures)

    def own(span: Period) -> pd.DataFrame:
        rows = grid_rows(session, area)
        rows = rows[_in(rows["reported_day"], span) & _of_kind(rows, kind, subtype)]
        return _tally(rows.assign(day=rows["reported_day"], one=1), area, by, {"reported": "one", "rental": "rental"})

    return _counts(session, period, area, kind, by, ("reported", "rental"), raw, own, subtype)


def criminal_counts(
    session: Session,
    period: Period,
    area: Area,
    kind: IncidentKind | None,
    *,
    by: Sequence[str] = (),
    subtype: str | None = None,
    solved_by: datetime | None = None,
    within_days: int | None = None,
) -> pd.DataFrame:
    """Columns: *by, filed, solved. Criminal cases only (a kind other than criminal gives no cases). `solved`
    counts the cases solved by now; with `solved_by`, those solved no later than that moment (a baseline counted
    like for like), with `within_days`, those solved within that many days of filing (the N-day solve rate)."""
    if kind not in (None, IncidentKind.CRIMINAL):
        _check(by)
        return _empty(by, ("filed", "solved"))

    def raw(span: Period) -> pd.DataFrame:
        solved_when = solved_clause(session, by=solved_by, within_days=within_days)
        solved = func.coalesce(func.sum(case((solved_when, 1), else_=0)), 0)
        where = [_kind_clause(IncidentKind.CRIMINAL, subtype), Incident.filed_at.is_not(None)]
        measures = {"filed": func.count(), "solved": solved}
        return _raw(session, span, area, where, Incident.filed_at, _raw_by(by), measures)

    if solved_by is not None or within_days is not None:
        # The rollups count what is solved by now, whenever: a cut-off or a window needs the moments themselves,
        # read from the criminal rows of the span (tens of thousands a year at most, through the filing index).
        _check(by)
        memo: dict[tuple[Any, ...], pd.DataFrame] = session.info.setdefault("drill_counts", {})
        key = ("solved_by", period, area, subtype, tuple(by), solved_by, within_days)
        if key not in memo:
            memo[key] = _finish([raw(period)], by, ("filed", "solved"))
        return memo[key].copy()

    def own(span: Period) -> pd.DataFrame:
        rows = grid_rows(session, area)
        rows = rows[_in(rows["filed_day"], span) & _of_kind(rows, IncidentKind.CRIMINAL, subtype)]
        return _tally(rows.assign(day=rows["filed_day"], one=1), area, by, {"filed": "one", "solved": "solved"})

    frame = _counts(session, period, area, IncidentKind.CRIMINAL, by, ("filed", "solved"), raw, own, subtype)
    if "kind" in frame:
        frame = frame[frame["kind"] == IncidentKind.CRIMINAL.value].reset_index(drop=True)
    return frame


def _raw_by(by: Sequence[str]) -> list[str]:
    """Raw rows group by day where months are asked for (`_finish` turns them into months)."""
    names = ["day" if name == "month" else name for name in by]
    return list(dict.fromkeys(names))


def hour_counts(
    session: Session, period: Period, area: Area, kind: IncidentKind | None, *, subtype: str | None = None
) -> pd.DataFrame:
    """Columns: weekday (0 Monday … 6 Sunday), hour (0–23), reports; only cells with reports. Under a subtype: from
    the raw rows (the heatmap rollups have no subtype)."""
    if area.level is AreaLevel.GRID:
        rows = grid_rows(session, area)
        rows = rows[_in(rows["reported_day"], period) & _of_kind(rows, kind, subtype)]
        frame = rows.groupby(["weekday", "hour"]).size().rename("reports").reset_index()
        return frame.astype("int64")
    if area.level is AreaLevel.TOWNSHIP or subtype is not None:
        return _raw_hours(session, period, area, kind, subtype)
    months, days = split(period)
    frames = []
    if months is not None:
        monthly = IncidentCityHourMonth if area.level is AreaLevel.CITY else IncidentHourMonth
        frames.append(_rollup(session, monthly, months, area, kind, ("weekday", "hour"), ("reports",)))
    for span in days:
        daily = _rollup(session, IncidentHourDay, span, area, kind, ("day", "hour"), ("reports",))
        daily["weekday"] = [day.weekday() for day in daily["day"]]
        frames.append(daily[["weekday", "hour", "reports"]])
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.groupby(["weekday", "hour"], as_index=False)["reports"].sum()
    return frame[frame["reports"] > 0].astype("int64").reset_index(drop=True)


def _raw_hours(
    session: Session, period: Period, area: Area, kind: IncidentKind | None, subtype: str | None = None
) -> pd.DataFrame:
    start, end = period.utc_bounds(city_zone())
    query = select(Incident.reported_at).where(
        Incident.reported_at >= start,
        Incident.reported_at < end,
        records_in(Incident, area),
        _kind_clause(kind, subtype),
    )
    moments = _local(pd.Series([row[0] for row in session.execute(query)], dtype="datetime64[us]"))
    frame = pd.DataFrame({"weekday": moments.dt.day_of_week, "hour": moments.dt.hour})
    grouped = frame.groupby(["weekday", "hour"]).size().rename("reports").reset_index()
    return grouped.astype("int64")


def solve_days(
    session: Session,
    period: Period,
    area: Area,
    kind: IncidentKind | None,
    *,
    by: Sequence[str] = (),
    subtype: str | None = None,
    solved_by: datetime | None = None,
) -> pd.DataFrame:
    """Columns: *by (subtype at most), days, cases. With `solved_by`: only the cases solved by that moment (a
    baseline counted like for like), from the raw rows."""
    keys = [*by, "days"]
    if kind not in (None, IncidentKind.CRIMINAL):
        return _empty(keys, ("cases",))
    if solved_by is not None:
        frame = _raw_solve_days(session, period, area, subtype, solved_by)
    elif area.level is AreaLevel.GRID:
        rows = grid_rows(session, area)
        criminal = _of_kind(rows, IncidentKind.CRIMINAL, subtype)
        rows = rows[_in(rows["filed_day"], period) & rows["solved"].astype(bool) & criminal]
        frame = rows[["subtype", "days"]].assign(cases=1)
    else:
        township = area.level is AreaLevel.TOWNSHIP
        month_table: Any = CriminalSolveTownshipMonth if township else CriminalSolveMonth
        if area.level is AreaLevel.CITY:
            month_table = CriminalSolveCityMonth
        day_table = CriminalSolveTownshipDay if township else CriminalSolveDay
        months, days = split(period)
        frames = []
        keys_by = ("subtype", "days")
        if months is not None:
            frames.append(_rollup(session, month_table, months, area, None, keys_by, ("cases",), subtype=subtype))
        frames += [_rollup(session, day_table, span, area, None, keys_by, ("cases",), subtype=subtype) for span in days]
        frame = pd.concat(frames, ignore_index=True)
    if frame.empty:
        return _empty(keys, ("cases",))
    frame = frame.groupby(keys, as_index=False)["cases"].sum()
    return frame.astype({"cases": "int64", "days": "int64"})


def _raw_solve_days(
    session: Session, period: Period, area: Area, subtype: str | None, solved_by: datetime
) -> pd.DataFrame:
    """Columns: subtype, days, cases: the criminal cases filed in the period and solved by `solved_by`, by whole
    days from filing to solving (each moment truncated to the second, as the histograms count them)."""
    start, end = period.utc_bounds(city_zone())
    query = select(Incident.subtype, Incident.filed_at, Incident.solved_at).where(
        Incident.filed_at >= start,
        Incident.filed_at < end,
        _kind_clause(IncidentKind.CRIMINAL, subtype),
        Incident.solved_at.is_not(None),
        Incident.solved_at <= solved_by,
        records_in(Incident, area),
    )
    rows: list[Any] = list(session.execute(query).all())
    filed = pd.Series([row[1] for row in rows], dtype="datetime64[us]").dt.floor("s")
    solved = pd.Series([row[2] for row in rows], dtype="datetime64[us]").dt.floor("s")
    days = ((solved - filed) // pd.Timedelta(days=1)).clip(lower=0)
    return pd.DataFrame(
        {
            "subtype": pd.Series([str(row[0]) for row in rows], dtype=object),
            "days": days.astype("int64"),
            "cases": np.ones(len(rows), dtype="int64"),
        }
    )


def grid_rows(session: Session, area: Area) -> pd.DataFrame:
    """Every incident of one grid (a few hundred a year, through the grid index), with its city-clock fields:
    kind, subtype, rental (0/1), reported_day, weekday, hour, filed_day (NaT when not filed), solved (0/1), days.
    Kept on the session for the rest of the request: a page asks for several figures of the same grid."""
    cache: dict[str | None, pd.DataFrame] = session.info.setdefault("drill_grid_rows", {})
    if area.code in cache:
        return cache[area.code]
    grid_id = session.scalar(select(Grid.id).where(Grid.code == area.code))
    query = select(
        Incident.kind,
        Incident.subtype,
        Incident.place_type,
        Incident.reported_at,
        Incident.filed_at,
        Incident.solved_at,
    ).where(Incident.grid_id == grid_id)
    rows: list[Any] = list(session.execute(query).all())
    reported = _local(pd.Series([row[3] for row in rows], dtype="datetime64[us]"))
    filed = pd.Series([row[4] for row in rows], dtype="datetime64[us]")
    solved = pd.Series([row[5] for row in rows], dtype="datetime64[us]")
    spent = (solved.dt.floor("s") - filed.dt.floor("s")) // pd.Timedelta(days=1)
    frame = pd.DataFrame(
        {
            "kind": pd.Series([str(row[0]) for row in rows], dtype=object),
            "subtype": pd.Series([row[1] for row in rows], dtype=object),
            "rental": pd.Series([int(str(row[2]) == PlaceType.RENTAL_HOUSING.value) for row in rows], dtype="int64"),
            "reported_day": reported.dt.floor("D"),
            "weekday": reported.dt.day_of_week.astype("int64"),
            "hour": reported.dt.hour.astype("int64"),
            "filed_day": _local(filed).dt.floor("D"),
            "solved": solved.notna().astype("int64"),
            "days": spent.fillna(0).clip(lower=0).astype("int64"),
        }
    )
    cache[area.code] = frame
    return frame


def _in(days: pd.Series, period: Period) -> pd.Series:
    return (days >= pd.Timestamp(period.start)) & (days < pd.Timestamp(period.end))


def _of_kind(rows: pd.DataFrame, kind: IncidentKind | None, subtype: str | None = None) -> pd.Series:
    keep = rows["kind"].notna() if kind is None else rows["kind"] == str(kind)
    return keep if subtype is None else keep & (rows["subtype"] == subtype)


def _tally(rows: pd.DataFrame, area: Area, by: Sequence[str], measures: dict[str, str]) -> pd.DataFrame:
    """Counts of a grid's own rows (`day` set to the day that counts) by the dimensions asked for."""
    rows = rows.assign(child=area.code, grid=area.code)
    if "day" in by or "month" in by:
        rows = rows.assign(day=[stamp.date() for stamp in rows["day"]])
        if "month" in by:
            rows = rows.assign(month=[day.replace(day=1) for day in rows["day"]])
    sums = {name: (column, "sum") for name, column in measures.items()}
    if not by:
        return pd.DataFrame([{name: int(rows[column].sum()) for name, column in measures.items()}])
    frame = rows.groupby(list(by), as_index=False).agg(**sums)
    for name in measures:
        frame[name] = frame[name].astype("int64")
    return frame


def rental_by_grid(
    session: Session,
    period: Period,
    area: Area,
    kind: IncidentKind | None,
    *,
    grids: Sequence[str] | None = None,
    subtype: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Columns: grid (code), rental: rental-housing cases per grid of the area with any (or of `grids` only), most
    first, then by code; the first `limit` of them when given. Under a subtype: from the raw rows (the grid rollups
    have no subtype).

    One statement: the grid-month rollup over the whole months and `rental_grid_day` over the other days, summed
    per grid id in SQL, then joined to the grid for its code (only the summed rows: a few thousand at most)."""
    if area.level is AreaLevel.GRID or subtype is not None:
        frame = incident_counts(session, period, area, kind, by=("grid",), subtype=subtype)
        if grids is not None:
            frame = frame[frame["grid"].isin(list(grids))]
        frame = frame[frame["rental"] > 0][["grid", "rental"]]
        frame = frame.sort_values(["rental", "grid"], ascending=[False, True], kind="stable")
        return (frame if limit is None else frame.head(limit)).reset_index(drop=True)
    chosen = None if grids is None else select(Grid.id).where(Grid.code.in_(list(grids)))
    months, days = split(period)
    parts: list[Any] = []
    spans = ([(IncidentGridMonth.__table__, months)] if months is not None else []) + [
        (RentalGridDay.__table__, span) for span in days
    ]
    for table, span in spans:
        time = table.c.month if "month" in table.c else table.c.day
        where = [time >= span.start, time < span.end, table.c.rental > 0]
        if area.level is AreaLevel.COUNTY:
            where.append(table.c.county_code == area.code)
        elif area.level is AreaLevel.TOWNSHIP:
            where.append(table.c.township_code == area.code)
        if kind is not None:
            where.append(table.c.kind == str(kind))
        if chosen is not None:
            where.append(table.c.grid_id.in_(chosen))
        parts.append(select(table.c.grid_id, table.c.rental).where(*where))
    combined: Any = parts[0] if len(parts) == 1 else union_all(*parts)
    cases = combined.subquery()
    per_grid = select(cases.c.grid_id, func.sum(cases.c.rental).label("rental")).group_by(cases.c.grid_id).subquery()
    query = (
        select(Grid.code, per_grid.c.rental)
        .join(Grid, Grid.id == per_grid.c.grid_id)
        .order_by(per_grid.c.rental.desc(), Grid.code)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = [(str(code), int(rental)) for code, rental in session.execute(query)]
    return pd.DataFrame(
        {"grid": pd.Series([row[0] for row in rows], dtype=object), "rental": [row[1] for row in rows]}
    ).astype({"rental": "int64"})
