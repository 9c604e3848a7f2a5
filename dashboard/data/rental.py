"""出租房: incidents whose place is rental housing, for a drill-down filter, against its baseline.

口径: rental-housing cases = incidents of any kind (or of f.kind) whose place is rental housing, by report time
(city clock); share = of all incidents (of that kind) reported in the period and area, in percent; change = of the
count, in percent against the baseline (NaN when the baseline is 0); rental houses = `rental_house` rows of the
area's grids (the registry as it is now); per 100 houses = cases / houses × 100 (NaN without houses).

- `rental_summary(session, f)` → one row: `rental`, `total`, `share`, `baseline_rental`, `baseline_total`,
  `baseline_share`, `change`, `share_change_points`, `rental_houses`, `per_100_houses`, `baseline_per_100_houses`.
- `rental_by_area(session, f)` → one row per area one level down (city → counties, county → townships, township →
  grids; a grid gives its own row), every such area, in code order: `code`, `name`, `name_en`, `level`, `rental`,
  `total`, `share`, `baseline_rental`, `change`, `rental_houses`, `per_100_houses`.
- `top_rental_grids(session, f, *, limit=10)` → the grids of the area with the most rental-housing cases in the
  period (at least one), most first, then by code: `code`, `name`, `township_code`, `township_name`, `rental`,
  `baseline_rental`, `change`, `rental_houses`, `per_100_houses`.
Counts are int; shares, changes and rates float.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from dashboard.data import drill
from dashboard.data.filters import DrillFilter
from dashboard.data.models import Grid, RentalHouse, Township
from dashboard.data.periods import Area, AreaLevel
from dashboard.data.solve_rates import area_rows
from dashboard.data.trends import percent_change


def _ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    return part.astype("float64") / whole.astype("float64").replace(0.0, np.nan) * 100.0


def _grid_clause(area: Area) -> object:
    match area.level:
        case AreaLevel.CITY:
            return true()
        case AreaLevel.COUNTY:
            return Grid.county_code == area.code
        case AreaLevel.TOWNSHIP:
            return Grid.township_code == area.code
        case AreaLevel.GRID:
            return Grid.code == area.code


def rental_houses(
    session: Session,
    area: Area,
    *,
    by_child: bool = False,
    by_grid: bool = False,
    grids: list[str] | None = None,
) -> pd.DataFrame:
    """Rental houses of the area: `houses`, by `child` (the next level's code) or by `grid` (code) when asked;
    only of `grids` (codes) when given. Counted per grid id from the rental_house index alone, then summed here;
    kept on the session for the rest of the request (a page asks for several figures of the same area)."""
    cache: dict[tuple[str, str | None], pd.DataFrame] = session.info.setdefault("drill_rental_houses", {})
    frame = cache.get((area.level.value, area.code))
    if frame is None and grids is not None:
        frame = _houses_per_grid(session, area, grids)  # a few grids: counted on their own, not kept
    elif frame is None:
        frame = _houses_per_grid(session, area)
        cache[(area.level.value, area.code)] = frame
    if grids is not None:
        frame = frame[frame["grid"].isin(grids)]
    if by_grid:
        return frame[["grid", "houses"]]
    if by_child:
        level = drill.child_level(area)
        column = {AreaLevel.COUNTY: "county", AreaLevel.TOWNSHIP: "township"}.get(level, "grid")
        return frame.groupby(column, as_index=False)["houses"].sum().rename(columns={column: "child"})
    return pd.DataFrame({"houses": [int(frame["houses"].sum())]})


def _houses_per_grid(session: Session, area: Area, grids: list[str] | None = None) -> pd.DataFrame:
    places = select(Grid.id, Grid.code, Grid.township_code, Grid.county_code).where(_grid_clause(area))  # type: ignore[arg-type]
    if grids is not None:
        places = places.where(Grid.code.in_(grids))
    frame = pd.DataFrame(
        [tuple(row) for row in session.execute(places)], columns=["grid_id", "grid", "township", "county"]
    )
    counts = select(RentalHouse.grid_id, func.count()).group_by(RentalHouse.grid_id)
    if area.level is not AreaLevel.CITY or grids is not None:
        counts = counts.where(RentalHouse.grid_id.in_([int(grid_id) for grid_id in frame["grid_id"]]))
    houses = pd.DataFrame([tuple(row) for row in session.execute(counts)], columns=["grid_id", "houses"])
    frame = frame.merge(houses, how="left", on="grid_id")
    frame["houses"] = frame["houses"].fillna(0).astype("int64")
    return frame


def rental_summary(session: Session, f: DrillFilter) -> pd.DataFrame:
    """The area's rental-housing cases, their share of all incidents and their change, in one row."""
    now = drill.incident_counts(session, f.period, f.area, f.kind)
    then = drill.incident_counts(session, f.baseline, f.area, f.kind)
    houses = int(rental_houses(session, f.area)["houses"].sum())
    row = {
        "rental": int(now["rental"].sum()),
        "total": int(now["reported"].sum()),
        "baseline_rental": int(then["rental"].sum()),
        "baseline_total": int(then["reported"].sum()),
    }
    frame = pd.DataFrame([row])
    frame["share"] = _ratio(frame["rental"], frame["total"])
    frame["baseline_share"] = _ratio(frame["baseline_rental"], frame["baseline_total"])
    frame["change"] = percent_change(frame["rental"], frame["baseline_rental"])
    frame["share_change_points"] = frame["share"] - frame["baseline_share"]
    frame["rental_houses"] = houses
    frame["per_100_houses"] = _ratio(frame["rental"], frame["rental_houses"])
    frame["baseline_per_100_houses"] = _ratio(frame["baseline_rental"], frame["rental_houses"])
    columns = ["rental", "total", "share", "baseline_rental", "baseline_total", "baseline_share", "change"]
    return frame[[*columns, "share_change_points", "rental_houses", "per_100_houses", "baseline_per_100_houses"]]


def rental_by_area(session: Session, f: DrillFilter) -> pd.DataFrame:
    """Rental-housing cases by the next area level down, with shares, changes and cases per 100 rental houses."""
    now = drill.incident_counts(session, f.period, f.area, f.kind, by=("child",)).rename(columns={"child": "code"})
    then = drill.incident_counts(session, f.baseline, f.area, f.kind, by=("child",)).rename(columns={"child": "code"})
    houses = rental_houses(session, f.area, by_child=True).rename(columns={"child": "code", "houses": "rental_houses"})
    frame = area_rows(session, f)
    frame = frame.merge(now.rename(columns={"reported": "total"}), how="left", on="code")
    frame = frame.merge(then[["code", "rental"]].rename(columns={"rental": "baseline_rental"}), how="left", on="code")
    frame = frame.merge(houses, how="left", on="code")
    for name in ("rental", "total", "baseline_rental", "rental_houses"):
        frame[name] = frame[name].fillna(0).astype("int64")
    frame["share"] = _ratio(frame["rental"], frame["total"])
    frame["change"] = percent_change(frame["rental"], frame["baseline_rental"])
    frame["per_100_houses"] = _ratio(frame["rental"], frame["rental_houses"])
    columns = ["code", "name", "name_en", "level", "rental", "total", "share", "baseline_rental", "change"]
    return frame[[*columns, "rental_houses", "per_100_houses"]]


def top_rental_grids(session: Session, f: DrillFilter, *, limit: int = 10) -> pd.DataFrame:
    """The area's grids with the most rental-housing cases in the period."""
    now = drill.rental_by_grid(session, f.period, f.area, f.kind)
    now = now.sort_values(["rental", "grid"], ascending=[False, True], kind="stable").head(limit)
    codes = list(now["grid"])
    then = drill.rental_by_grid(session, f.baseline, f.area, f.kind, grids=codes)
    then = then[["grid", "rental"]].rename(columns={"rental": "baseline_rental"})
    frame = now[["grid", "rental"]].merge(then, how="left", on="grid").rename(columns={"grid": "code"})
    houses = rental_houses(session, f.area, by_grid=True, grids=codes)
    houses = houses.rename(columns={"grid": "code", "houses": "rental_houses"})
    frame = frame.merge(houses, how="left", on="code")
    query = (
        select(Grid.code, Grid.name, Grid.township_code, Township.name)
        .join(Township, Township.code == Grid.township_code)
        .where(Grid.code.in_(codes))
    )
    labels = pd.DataFrame(
        [tuple(row) for row in session.execute(query)], columns=["code", "name", "township_code", "township_name"]
    )
    frame = frame.merge(labels, how="left", on="code")
    for name in ("rental", "baseline_rental", "rental_houses"):
        frame[name] = frame[name].fillna(0).astype("int64")
    frame["change"] = percent_change(frame["rental"], frame["baseline_rental"])
    frame["per_100_houses"] = _ratio(frame["rental"], frame["rental_houses"])
    columns = ["code", "name", "township_code", "township_name", "rental", "baseline_rental", "change"]
    return frame.reset_index(drop=True)[[*columns, "rental_houses", "per_100_houses"]]
