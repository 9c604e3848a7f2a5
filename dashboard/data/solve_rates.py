"""破案率: criminal cases filed, solved and the solve rate for a drill-down filter, against its baseline.

口径 (as in dashboard/data/queries.py): cases filed = incidents of kind `criminal` whose filing time falls in the
period (city clock); solved = those of them solved by now (with `f.solve_within`: within that many days of filing);
rate = solved / filed in percent; its change is in percentage points. The baseline counts like for like: its cases
solved by the moment that stands to it as now stands to the period (`DrillFilter.baseline_as_of`). A kind filter
other than `criminal` leaves no cases; a subtype filter keeps that subtype only.

- `solve_rates(session, f, *, by)`; every row has `filed`, `solved`, `baseline_filed`, `baseline_solved` (int),
  `rate`, `baseline_rate` (float percent, NaN when nothing was filed) and `change_points` (float, NaN when either
  rate is undefined), after its key columns:
  - by="area": `code`, `name`, `name_en`, `level`: one row per area one level down (city → counties, county →
    townships, township → grids; a grid gives its own row), every such area even with no cases, in code order;
  - by="subtype": `subtype`: every subtype with cases filed in either period, most filed first;
  - by="month": `bucket` (int), `start` (date, the month's first day within f.period, None past its end),
    `baseline_start` (date or None): calendar months cut to the period, month i against the baseline's month i.
- `time_to_solve(session, f)` → one row for all cases (`subtype` "all") then one per subtype, most solved first:
  `subtype`, `solved` (int: cases filed in the period and solved by now), `median_days`, `p90_days` (float: whole
  days from filing to solving, nearest-rank percentiles; NaN when none solved), and the same three for the
  baseline (its cases solved by the baseline's comparable moment): `baseline_solved`, `baseline_median_days`,
  `baseline_p90_days`.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Literal

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from dashboard.data import area_tree, drill
from dashboard.data.filters import DrillFilter
from dashboard.data.periods import AreaLevel, utc_now
from dashboard.data.trends import bucket_of, bucket_starts

By = Literal["area", "subtype", "month"]
METRICS = ["filed", "solved", "rate", "baseline_filed", "baseline_solved", "baseline_rate", "change_points"]
ALL = "all"


def rate(solved: pd.Series, filed: pd.Series) -> pd.Series:
    """Percent solved, NaN where nothing was filed."""
    base = filed.astype("float64").replace(0.0, np.nan)
    return solved.astype("float64") / base * 100.0


def _with_metrics(frame: pd.DataFrame, now: pd.DataFrame, then: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    then = then.rename(columns={"filed": "baseline_filed", "solved": "baseline_solved"})
    frame = frame.merge(now, how="left", on=keys).merge(then, how="left", on=keys)
    for name in ("filed", "solved", "baseline_filed", "baseline_solved"):
        frame[name] = frame[name].fillna(0).astype("int64")
    frame["rate"] = rate(frame["solved"], frame["filed"])
    frame["baseline_rate"] = rate(frame["baseline_solved"], frame["baseline_filed"])
    frame["change_points"] = frame["rate"] - frame["baseline_rate"]
    return frame


def area_rows(session: Session, f: DrillFilter) -> pd.DataFrame:
    """The rows of the areas one level down (or the grid itself): code, name, name_en, level."""
    if f.area.level is AreaLevel.GRID:
        assert f.area.code is not None
        found = area_tree.names(session, AreaLevel.GRID, [f.area.code]).get(f.area.code, (f.area.code, f.area.code))
        return pd.DataFrame({"code": [f.area.code], "name": [found[0]], "name_en": [found[1]], "level": ["grid"]})
    return area_tree.children(session, f.area)


def solve_rates(session: Session, f: DrillFilter, *, by: By = "area", as_of: datetime | None = None) -> pd.DataFrame:
    """Filed, solved and the solve rate by area one level down, by subtype or by month, against the baseline (its
    cases solved by the comparable moment before `as_of`, default now)."""
    as_of = as_of or utc_now()

    def now_counts(dims: tuple[str, ...]) -> pd.DataFrame:
        return drill.criminal_counts(
            session, f.period, f.area, f.kind, subtype=f.subtype, by=dims, within_days=f.solve_within
        )

    def then_counts(dims: tuple[str, ...]) -> pd.DataFrame:
        return drill.criminal_counts(
            session,
            f.baseline,
            f.area,
            f.kind,
            subtype=f.subtype,
            by=dims,
            solved_by=f.baseline_as_of(as_of),
            within_days=f.solve_within,
        )

    if by == "area":
        now = now_counts(("child",)).rename(columns={"child": "code"})
        then = then_counts(("child",))
        frame = _with_metrics(area_rows(session, f), now, then.rename(columns={"child": "code"}), ["code"])
        return frame[["code", "name", "name_en", "level", *METRICS]]
    if by == "subtype":
        now, then = now_counts(("subtype",)), then_counts(("subtype",))
        keys = pd.DataFrame({"subtype": sorted(set(now["subtype"]) | set(then["subtype"]))}, dtype=object)
        frame = _with_metrics(keys, now, then, ["subtype"])
        frame = frame.sort_values(["filed", "subtype"], ascending=[False, True], kind="stable").reset_index(drop=True)
        return frame[["subtype", *METRICS]]
    if by == "month":
        starts, baseline_starts = bucket_starts(f.period, "month"), bucket_starts(f.baseline, "month")
        now = _by_bucket(now_counts(("month",)), starts)
        then = _by_bucket(then_counts(("month",)), baseline_starts)
        buckets = max(len(starts), len(baseline_starts))
        frame = _with_metrics(pd.DataFrame({"bucket": np.arange(buckets, dtype="int64")}), now, then, ["bucket"])
        frame["start"] = [starts[b] if b < len(starts) else None for b in frame["bucket"]]
        frame["baseline_start"] = [baseline_starts[b] if b < len(baseline_starts) else None for b in frame["bucket"]]
        return frame[["bucket", "start", "baseline_start", *METRICS]]
    raise ValueError(f"by: choose one of area, subtype, month, got {by!r}")


def _by_bucket(counts: pd.DataFrame, starts: list) -> pd.DataFrame:  # type: ignore[type-arg]
    if counts.empty:
        return pd.DataFrame({"bucket": pd.Series(dtype="int64"), "filed": [], "solved": []})
    frame = counts.assign(bucket=bucket_of(counts["month"], starts).astype("int64"))
    return frame.groupby("bucket", as_index=False)[["filed", "solved"]].sum()


def percentile_days(days: np.ndarray, cases: np.ndarray, q: float) -> float:
    """Nearest-rank percentile of a histogram: the least day count d with at least ⌈q·n⌉ cases solved within d
    days. NaN for no cases."""
    total = int(cases.sum())
    if total == 0:
        return math.nan
    order = np.argsort(days, kind="stable")
    cumulative = np.cumsum(cases[order])
    rank = max(1, math.ceil(q * total))
    return float(days[order][int(np.searchsorted(cumulative, rank))])


def _summaries(histogram: pd.DataFrame, prefix: str) -> pd.DataFrame:
    rows = []
    groups = [(ALL, histogram)]
    if not histogram.empty:
        groups += list(histogram.groupby("subtype"))
    for subtype, part in groups:
        days, cases = part["days"].to_numpy(np.int64), part["cases"].to_numpy(np.int64)
        rows.append(
            {
                "subtype": subtype,
                f"{prefix}solved": int(cases.sum()),
                f"{prefix}median_days": percentile_days(days, cases, 0.5),
                f"{prefix}p90_days": percentile_days(days, cases, 0.9),
            }
        )
    return pd.DataFrame(rows)


def time_to_solve(session: Session, f: DrillFilter, *, as_of: datetime | None = None) -> pd.DataFrame:
    """Median and 90th-percentile days from filing to solving, overall and by subtype, against the baseline (its
    cases solved by the comparable moment before `as_of`, default now: the year since adds only slow solves)."""
    solved_by = f.baseline_as_of(as_of or utc_now())
    now = _summaries(drill.solve_days(session, f.period, f.area, f.kind, subtype=f.subtype, by=("subtype",)), "")
    then = _summaries(
        drill.solve_days(session, f.baseline, f.area, f.kind, subtype=f.subtype, by=("subtype",), solved_by=solved_by),
        "baseline_",
    )
    frame = now.merge(then, how="outer", on="subtype")
    for name in ("solved", "baseline_solved"):
        frame[name] = frame[name].fillna(0).astype("int64")
    frame["order"] = (frame["subtype"] != ALL).astype(int)
    frame = frame.sort_values(["order", "solved", "subtype"], ascending=[True, False, True], kind="stable")
    columns = ["subtype", "solved", "median_days", "p90_days", "baseline_solved", "baseline_median_days"]
    return frame.reset_index(drop=True)[[*columns, "baseline_p90_days"]]
