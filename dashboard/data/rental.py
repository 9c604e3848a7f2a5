"""出租房: incidents whose place is rental housing, for a drill-down filter, against its baseline.

口径: rental-housing cases = incidents of any kind (or of f.kind, of f.subtype when set) whose place is rental
housing, by report time (city clock); share = of all incidents (of that kind and subtype) reported in the period and
area, in percent; change = of the count, in percent against the baseline (NaN when the baseline is 0); rental
houses = the registry's count per grid (`grid.rental_houses`, which the seed keeps equal to the grid's
`rental_house` rows); per 100 houses = cases / houses × 100 (NaN without houses).

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

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.data import drill
from dashboard.data.areas import grids_in
from dashboard.data.filters import DrillFilter
from dashboard.data.models import Grid, Township
from dashboard.data.periods import Area, AreaLevel
from dashboard.data.queries import percent_changes
from dashboard.data.solve_rates import area_rows


def _ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    return part.astype("float64") / whole.astype("float64").replace(0.0, np.nan) * 100.0


def rental_houses(
    session: Session,
    area: Area,
    *,
    by_child: bool = False,
    by_grid: bool = False,
    grids: list[str] | None = None,
) -> pd.DataFrame:
    """Rental houses of the area: `houses`, by `child` (the next level's code) or by `grid` (code) when asked;
    only of `grids` (codes) when given. Summed in SQL from the grid registry's count (`grid.rental_houses`, which the
    seeder writes equal to the grid's `rental_house` rows; the stream consumer never adds houses)."""
    if by_grid:
        key: Any = Grid.code
    elif by_child:
        level = drill.child_level(area)
        key = {AreaLevel.COUNTY: Grid.county_code, AreaLevel.TOWNSHIP: Grid.township_code}.get(level, Grid.code)
    else:
        key = None
    houses = func.coalesce(func.sum(Grid.rental_houses), 0).label("houses")
    query = select(houses) if key is None else select(key, houses).group_by(key)
    query = query.where(grids_in(area))
    if grids is not None:
        query = query.where(Grid.code.in_(grids))
    rows = [tuple(row) for row in session.execute(query)]
    if key is None:
        return pd.DataFrame({"houses": [int(rows[0][0])]})
    frame = pd.DataFrame(rows, columns=["grid" if by_grid else "child", "houses"])
    return frame.astype({"houses": "int64"})


def rental_summary(session: Session, f: DrillFilter) -> pd.DataFrame:
    """The area's rental-housing cases, their share of all incidents and their change, in one row."""
    # By the next level down, summed here: the same counts as `rental_by_area`, read once when a page shows both.
    now = drill.incident_counts(session, f.period, f.area, f.kind, subtype=f.subtype, by=("child",))
    then = drill.incident_counts(session, f.baseline, f.area, f.kind, subtype=f.subtype, by=("child",))
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
    frame["change"] = percent_changes(frame["rental"], frame["baseline_rental"])
    frame["share_change_points"] = frame["share"] - frame["baseline_share"]
    frame["rental_houses"] = houses
    frame["per_100_houses"] = _ratio(frame["rental"], frame["rental_houses"])
    frame["baseline_per_100_houses"] = _ratio(frame["baseline_rental"], frame["rental_houses"])
    columns = ["rental", "total", "share", "baseline_rental", "baseline_total", "baseline_share", "change"]
    return frame[[*columns, "share_change_points", "rental_houses", "per_100_houses", "baseline_per_100_houses"]]


def rental_by_area(session: Session, f: DrillFilter) -> pd.DataFrame:
    """Rental-housing cases by the next area level down, with shares, changes and cases per 100 rental houses."""
    now = drill.incident_counts(session, f.period, f.area, f.kind, subtype=f.subtype, by=("child",)).rename(
        columns={"child": "code"}
    )
    then = drill.incident_counts(session, f.baseline, f.area, f.kind, subtype=f.subtype, by=("child",)).rename(
        columns={"child": "code"}
    )
    houses = rental_houses(session, f.area, by_child=True).rename(columns={"child": "code", "houses": "rental_houses"})
    frame = area_rows(session, f)
    frame = frame.merge(now.rename(columns={"reported": "total"}), how="left", on="code")
    frame = frame.merge(then[["code", "rental"]].rename(columns={"rental": "baseline_rental"}), how="left", on="code")
    frame = frame.merge(houses, how="left", on="code")
    for name in ("rental", "total", "baseline_rental", "rental_houses"):
        frame[name] = frame[name].fillna(0).astype("int64")
    frame["share"] = _ratio(frame["rental"], frame["total"])
    frame["change"] = percent_changes(frame["rental"], frame["baseline_rental"])
    frame["per_100_houses"] = _ratio(frame["rental"], frame["rental_houses"])
    columns = ["code", "name", "name_en", "level", "rental", "total", "share", "baseline_rental", "change"]
    return frame[[*columns, "rental_houses", "per_100_houses"]]


def top_rental_grids(session: Session, f: DrillFilter, *, limit: int = 10) -> pd.DataFrame:
    """The area's grids with the most rental-housing cases in the period."""
    now = drill.rental_by_grid(session, f.period, f.area, f.kind, subtype=f.subtype, limit=limit)
    codes = list(now["grid"])
    then = drill.rental_by_grid(session, f.baseline, f.area, f.kind, subtype=f.subtype, grids=codes)
    baseline = dict(zip(then["grid"], then["rental"], strict=True))
    query = (
        select(Grid.code, Grid.name, Grid.township_code, Township.name, Grid.rental_houses)
        .join(Township, Township.code == Grid.township_code)
        .where(Grid.code.in_(codes))
    )
    labels: dict[str, tuple[Any, ...]] = {str(row[0]): tuple(row[1:]) for row in session.execute(query)}
    frame = pd.DataFrame(
        {
            "code": pd.Series(codes, dtype=object),
            "name": pd.Series([labels.get(code, (None,) * 4)[0] for code in codes], dtype=object),
            "township_code": pd.Series([labels.get(code, (None,) * 4)[1] for code in codes], dtype=object),
            "township_name": pd.Series([labels.get(code, (None,) * 4)[2] for code in codes], dtype=object),
            "rental": now["rental"].to_numpy(dtype="int64"),
            "baseline_rental": pd.Series([int(baseline.get(code, 0)) for code in codes], dtype="int64"),
            "rental_houses": pd.Series([int(labels.get(code, (0,) * 4)[3] or 0) for code in codes], dtype="int64"),
        }
    )
    frame["change"] = percent_changes(frame["rental"], frame["baseline_rental"])
    frame["per_100_houses"] = _ratio(frame["rental"], frame["rental_houses"])
    columns = ["code", "name", "township_code", "township_name", "rental", "baseline_rental", "change"]
    return frame[[*columns, "rental_houses", "per_100_houses"]]
