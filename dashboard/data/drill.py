"""The counting core of the drill-down queries (trends.py, solve_rates.py, rental.py): a few grouped counts of
incidents for one period, area and kind, as DataFrames, read from the rollups where they answer and from the raw
rows where they do not. The public modules only shape these counts; the 口径 live here.

- `incident_counts`: incidents by report day (`reported`) and those of them in rental housing (`rental`);
- `criminal_counts`: criminal cases by filing day (`filed`) and those of them solved by now (`solved`);
- `hour_counts`: incidents by the city-clock weekday (0 Monday) and hour they were reported (`reports`);
- `solve_days`: criminal cases filed in the period and solved by now, by whole days from filing to solving
  (`days`, each moment truncated to the second; a solve stamped before the filing counts 0) (`cases`).

Each takes `by`, the dimensions to group by: `day` (city-clock date), `month` (its month's first day), `kind`,
`subtype`, `child` (the code of the next area level down: county, township or grid code; a grid's own code for a
grid) and `grid` (grid code).
Days are city-clock days: a period [start, end) holds the incidents whose city-clock day falls in it.

Where the counts come from (dashboard/data/rollups.py, DRILL_ROLLUPS): a period is split into its whole calendar
months, read from a `*_month` rollup, and its other days, read from the `*_day` rollup (or all of it from the
`*_day` rollup when grouped by day). Counts of the city or a county come from the county rollups, of a township or
a county's townships from the township rollups (solve times too), of a township's grids from the grid rollup plus
the raw rows of the days outside whole months (the rental cases of any area's grids: plus `rental_grid_day`); a
grid's from its own raw rows (a few hundred a year, through the grid index), and so does a township's heatmap
(through the county's index by kind and report time).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Date, and_, case, cast, func, select, text, true
from sqlalchemy.orm import Session

from dashboard.config import get_settings
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
from dashboard.data.rollups import utc_offset
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


def _area_clause(area: Area) -> ColumnElement[bool]:
    match area.level:
        case AreaLevel.CITY:
            return true()
        case AreaLevel.COUNTY:
            return Incident.county_code == area.code
        case AreaLevel.TOWNSHIP:
            return and_(Incident.county_code == area.county_code, Incident.township_code == area.code)
        case AreaLevel.GRID:
            return Incident.grid_id == select(Grid.id).where(Grid.code == area.code).scalar_subquery()


def _kind_clause(kind: IncidentKind | None) -> ColumnElement[bool]:
    # Every kind spelled out: the index (county_code, kind, reported_at) then serves a report-time range for each.
    return Incident.kind.in_([k.value for k in IncidentKind]) if kind is None else Incident.kind == str(kind)


def _day_expression(session: Session, column: Any) -> Any:
    hours = utc_offset().total_seconds() / 3600
    if session.get_bind().dialect.name == "postgresql":
        return cast(column + text(f"INTERVAL '{hours:g} hours'"), Date)
    return func.date(column, f"{hours:+g} hours")


def _dimension(session: Session, name: str, area: Area, moment: Any) -> Any:
    match name:
        case "day":
            return _day_expression(session, moment).label("day")
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
    start, end = period.utc_bounds(get_settings().timezone)
    dims = [_dimension(session, name, area, moment) for name in by]
    query = select(*dims, *(value.label(name) for name, value in measures.items())).where(
        moment >= start, moment < end, _area_clause(area), *where
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
) -> pd.DataFrame:
    """Counts from one rollup table over [span.start, span.end) of its time column."""
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
    query = select(*dims, *(func.sum(table.c[m]).label(m) for m in measures)).where(*where)
    if joined:
        query = query.join(Grid, Grid.id == table.c.grid_id)
    if dims:
        query = query.group_by(*dims)
    return _frame(session.execute(query).all(), [*names, *measures], measures)


def _counts_grain(area: Area, by: Sequence[str]) -> str:
    """Which count rollups answer: city, county, township or grid (or raw for a grid's own rows)."""
    if area.level is AreaLevel.GRID:
        return "own"
    if _needs_grid(area, by):
        return "raw" if ("subtype" in by or "day" in by) else "grid"
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
) -> pd.DataFrame:
    _check(by)
    grain = _counts_grain(area, by)
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
                frames.append(_rollup(session, month_table, months, area, kind, by, measures))
            frames += [_rollup(session, day_table, span, area, kind, by, measures) for span in days]
    return _finish(frames, by, measures)


def incident_counts(
    session: Session, period: Period, area: Area, kind: IncidentKind | None, *, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Columns: *by, reported, rental."""

    def raw(span: Period) -> pd.DataFrame:
        rental = func.coalesce(func.sum(case((Incident.place_type == PlaceType.RENTAL_HOUSING.value, 1), else_=0)), 0)
        measures = {"reported": func.count(), "rental": rental}
        return _raw(session, span, area, [_kind_clause(kind)], Incident.reported_at, _raw_by(by), measures)

    def own(span: Period) -> pd.DataFrame:
        rows = grid_rows(session, area)
        rows = rows[_in(rows["reported_day"], span) & _of_kind(rows, kind)]
        return _tally(rows.assign(day=rows["reported_day"], one=1), area, by, {"reported": "one", "rental": "rental"})

    return _counts(session, period, area, kind, by, ("reported", "rental"), raw, own)


def criminal_counts(
    session: Session, period: Period, area: Area, kind: IncidentKind | None, *, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Columns: *by, filed, solved. Criminal cases only (a kind other than criminal gives no cases)."""
    if kind not in (None, IncidentKind.CRIMINAL):
        _check(by)
        return _empty(by, ("filed", "solved"))

    def raw(span: Period) -> pd.DataFrame:
        solved = func.coalesce(func.sum(case((Incident.solved_at.is_not(None), 1), else_=0)), 0)
        where = [Incident.kind == IncidentKind.CRIMINAL.value, Incident.filed_at.is_not(None)]
        measures = {"filed": func.count(), "solved": solved}
        return _raw(session, span, area, where, Incident.filed_at, _raw_by(by), measures)

    def own(span: Period) -> pd.DataFrame:
        rows = grid_rows(session, area)
        rows = rows[_in(rows["filed_day"], span) & (rows["kind"] == IncidentKind.CRIMINAL.value)]
        return _tally(rows.assign(day=rows["filed_day"], one=1), area, by, {"filed": "one", "solved": "solved"})

    frame = _counts(session, period, area, IncidentKind.CRIMINAL, by, ("filed", "solved"), raw, own)
    if "kind" in frame:
        frame = frame[frame["kind"] == IncidentKind.CRIMINAL.value].reset_index(drop=True)
    return frame


def _raw_by(by: Sequence[str]) -> list[str]:
    """Raw rows group by day where months are asked for (`_finish` turns them into months)."""
    names = ["day" if name == "month" else name for name in by]
    return list(dict.fromkeys(names))


def hour_counts(session: Session, period: Period, area: Area, kind: IncidentKind | None) -> pd.DataFrame:
    """Columns: weekday (0 Monday … 6 Sunday), hour (0–23), reports; only cells with reports."""
    if area.level is AreaLevel.GRID:
        rows = grid_rows(session, area)
        rows = rows[_in(rows["reported_day"], period) & _of_kind(rows, kind)]
        frame = rows.groupby(["weekday", "hour"]).size().rename("reports").reset_index()
        return frame.astype("int64")
    if area.level is AreaLevel.TOWNSHIP:
        return _raw_hours(session, period, area, kind)
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


def _raw_hours(session: Session, period: Period, area: Area, kind: IncidentKind | None) -> pd.DataFrame:
    start, end = period.utc_bounds(get_settings().timezone)
    query = select(Incident.reported_at).where(
        Incident.reported_at >= start, Incident.reported_at < end, _area_clause(area), _kind_clause(kind)
    )
    moments = pd.Series([row[0] for row in session.execute(query)], dtype="datetime64[us]") + utc_offset()
    frame = pd.DataFrame({"weekday": moments.dt.day_of_week, "hour": moments.dt.hour})
    grouped = frame.groupby(["weekday", "hour"]).size().rename("reports").reset_index()
    return grouped.astype("int64")


def solve_days(
    session: Session, period: Period, area: Area, kind: IncidentKind | None, *, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Columns: *by (subtype at most), days, cases."""
    keys = [*by, "days"]
    if kind not in (None, IncidentKind.CRIMINAL):
        return _empty(keys, ("cases",))
    if area.level is AreaLevel.GRID:
        rows = grid_rows(session, area)
        rows = rows[_in(rows["filed_day"], period) & rows["solved"].astype(bool) & (rows["kind"] == "criminal")]
        frame = rows[["subtype", "days"]].assign(cases=1)
    else:
        township = area.level is AreaLevel.TOWNSHIP
        month_table: Any = CriminalSolveTownshipMonth if township else CriminalSolveMonth
        if area.level is AreaLevel.CITY:
            month_table = CriminalSolveCityMonth
        day_table = CriminalSolveTownshipDay if township else CriminalSolveDay
        months, days = split(period)
        frames = []
        if months is not None:
            frames.append(_rollup(session, month_table, months, area, None, ("subtype", "days"), ("cases",)))
        frames += [_rollup(session, day_table, span, area, None, ("subtype", "days"), ("cases",)) for span in days]
        frame = pd.concat(frames, ignore_index=True)
    if frame.empty:
        return _empty(keys, ("cases",))
    frame = frame.groupby(keys, as_index=False)["cases"].sum()
    return frame.astype({"cases": "int64", "days": "int64"})


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
    offset = utc_offset()
    reported = pd.Series([row[3] for row in rows], dtype="datetime64[us]") + offset
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
            "filed_day": (filed + offset).dt.floor("D"),
            "solved": solved.notna().astype("int64"),
            "days": spent.fillna(0).clip(lower=0).astype("int64"),
        }
    )
    cache[area.code] = frame
    return frame


def _in(days: pd.Series, period: Period) -> pd.Series:
    return (days >= pd.Timestamp(period.start)) & (days < pd.Timestamp(period.end))


def _of_kind(rows: pd.DataFrame, kind: IncidentKind | None) -> pd.Series:
    return rows["kind"].notna() if kind is None else rows["kind"] == str(kind)


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
    session: Session, period: Period, area: Area, kind: IncidentKind | None, *, grids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Columns: grid (code), rental: rental-housing cases per grid of the area with any (or of `grids` only)."""
    if area.level is AreaLevel.GRID:
        frame = incident_counts(session, period, area, kind, by=("grid",))
        return frame[frame["rental"] > 0][["grid", "rental"]].reset_index(drop=True)
    codes = {
        int(grid_id): str(code) for grid_id, code in session.execute(select(Grid.id, Grid.code).where(_grid_area(area)))
    }
    ids = None if grids is None else [grid_id for grid_id, code in codes.items() if code in set(grids)]
    months, days = split(period)
    parts: list[tuple[int, int]] = []
    if months is not None:
        table = IncidentGridMonth.__table__
        where = [table.c.month >= months.start, table.c.month < months.end, table.c.rental > 0]
        if area.level is AreaLevel.COUNTY:
            where.append(table.c.county_code == area.code)
        elif area.level is AreaLevel.TOWNSHIP:
            where.append(table.c.township_code == area.code)
        if kind is not None:
            where.append(table.c.kind == str(kind))
        if ids is not None:
            where.append(table.c.grid_id.in_(ids))
        query = select(table.c.grid_id, func.sum(table.c.rental)).where(*where).group_by(table.c.grid_id)
        parts += [(int(grid_id), int(n)) for grid_id, n in session.execute(query)]
    daily = RentalGridDay.__table__
    for span in days:
        where = [daily.c.day >= span.start, daily.c.day < span.end]
        if area.level is AreaLevel.COUNTY:
            where.append(daily.c.county_code == area.code)
        elif area.level is AreaLevel.TOWNSHIP:
            where.append(daily.c.township_code == area.code)
        if kind is not None:
            where.append(daily.c.kind == str(kind))
        if ids is not None:
            where.append(daily.c.grid_id.in_(ids))
        # Summed here, not in SQL: a GROUP BY grid_id would have SQLite sort the rows anyway.
        found: Counter[int] = Counter()
        for grid_id, n in session.execute(select(daily.c.grid_id, daily.c.rental).where(*where)):
            found[int(grid_id)] += int(n)
        parts += list(found.items())
    if not parts:
        return pd.DataFrame({"grid": pd.Series(dtype=object), "rental": pd.Series(dtype="int64")})
    frame = pd.DataFrame(parts, columns=["grid_id", "rental"]).groupby("grid_id", as_index=False)["rental"].sum()
    frame["grid"] = [codes.get(grid_id, "") for grid_id in frame["grid_id"]]
    frame = frame[frame["grid"] != ""]
    return frame[["grid", "rental"]].astype({"rental": "int64"}).reset_index(drop=True)


def _grid_area(area: Area) -> ColumnElement[bool]:
    match area.level:
        case AreaLevel.COUNTY:
            return Grid.county_code == area.code
        case AreaLevel.TOWNSHIP:
            return Grid.township_code == area.code
        case AreaLevel.GRID:
            return Grid.code == area.code
    return true()
