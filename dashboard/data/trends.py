"""案件趋势: incidents over time for a drill-down filter, with its baseline period aligned bucket by bucket.

Every function takes a session and a `DrillFilter` f (period, compare → f.baseline, area, kind); the area is the
one the user may see (the caller intersects it with the account's scope). Incidents count by their report time
(city clock); a kind filter keeps that kind only, a subtype filter (f.subtype, with its kind) that subtype only.

- `case_trend(session, f, *, grain)`, grain "day", "week" or "month" → one row per bucket and series:
  `bucket` (int, 0 = the first bucket of the period), `start` (date: the bucket's first day in f.period, None when
  the baseline has more buckets), `baseline_start` (date: the aligned bucket's first day in f.baseline, or None),
  `series` (str: the kind code, or the subtype code when f.kind is set), `current` (int), `baseline` (int).
  Buckets: days; weeks of 7 days counted from the period's first day (the last may be shorter); calendar months
  cut to the period. Bucket i of the period is set against bucket i of the baseline (同比: the same days or months
  last year; 环比: the span just before). Every series seen in either period has a row for every bucket (zeros
  filled); rows are ordered by bucket, then series.
- `hour_weekday(session, f)` → 168 rows: `weekday` (int, 0 Monday … 6 Sunday), `hour` (int, 0–23, city clock),
  `reports` (int, in f.period), `baseline` (int, in f.baseline).
- `top_subtypes(session, f, *, limit=10)` → up to `limit` rows, most reported first: `kind` (str), `subtype` (str),
  `current` (int), `baseline` (int), `change` (float: percent against the baseline; NaN when the baseline is 0).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from dashboard.data import drill
from dashboard.data.filters import DrillFilter
from dashboard.data.periods import Period, shift_months
from dashboard.data.queries import percent_changes

Grain = Literal["day", "week", "month"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month")


def bucket_starts(period: Period, grain: Grain) -> list[date]:
    """The first day of each bucket of `period` at `grain`."""
    if grain not in GRAINS:
        raise ValueError(f"grain: choose one of {', '.join(GRAINS)}, got {grain!r}")
    if grain == "day":
        return [period.start + timedelta(days=n) for n in range(period.days)]
    if grain == "week":
        return [period.start + timedelta(days=n) for n in range(0, period.days, 7)]
    starts, month = [period.start], shift_months(period.start.replace(day=1), 1)
    while month < period.end:
        starts.append(month)
        month = shift_months(month, 1)
    return starts


def bucket_of(days: pd.Series, starts: list[date]) -> np.ndarray:
    """The index of the bucket each day falls in (a month's first day: its month's bucket, the first bucket for the
    month the period starts in)."""
    edges = np.array(starts, dtype="datetime64[D]")
    values: np.ndarray = pd.to_datetime(days).to_numpy().astype("datetime64[D]")  # vectorised: ~20x faster
    return np.maximum(np.searchsorted(edges, values, side="right") - 1, 0)


def _bucketed(counts: pd.DataFrame, starts: list[date], series: str, name: str) -> pd.DataFrame:
    if counts.empty:
        return pd.DataFrame({"bucket": pd.Series(dtype="int64"), "series": pd.Series(dtype=object), name: []})
    time = "month" if "month" in counts else "day"
    frame = pd.DataFrame(
        {"bucket": bucket_of(counts[time], starts), "series": counts[series].astype(str), name: counts["reported"]}
    )
    return frame.groupby(["bucket", "series"], as_index=False)[name].sum()


def case_trend(session: Session, f: DrillFilter, *, grain: Grain = "day") -> pd.DataFrame:
    """Incidents per bucket and series (kind, or subtype under a kind filter), against the aligned baseline."""
    current_starts, baseline_starts = bucket_starts(f.period, grain), bucket_starts(f.baseline, grain)
    series = "subtype" if f.kind is not None else "kind"
    time = "month" if grain == "month" else "day"  # whole months come from the monthly rollups
    current = drill.incident_counts(session, f.period, f.area, f.kind, subtype=f.subtype, by=(time, series))
    baseline = drill.incident_counts(session, f.baseline, f.area, f.kind, subtype=f.subtype, by=(time, series))
    now = _bucketed(current, current_starts, series, "current")
    then = _bucketed(baseline, baseline_starts, series, "baseline")
    names = sorted(set(now["series"]) | set(then["series"]))
    buckets = max(len(current_starts), len(baseline_starts))
    frame = pd.MultiIndex.from_product([range(buckets), names], names=["bucket", "series"]).to_frame(index=False)
    frame = frame.merge(now, how="left", on=["bucket", "series"]).merge(then, how="left", on=["bucket", "series"])
    frame["current"] = frame["current"].fillna(0).astype("int64")
    frame["baseline"] = frame["baseline"].fillna(0).astype("int64")
    frame["bucket"] = frame["bucket"].astype("int64")
    frame["start"] = [current_starts[b] if b < len(current_starts) else None for b in frame["bucket"]]
    frame["baseline_start"] = [baseline_starts[b] if b < len(baseline_starts) else None for b in frame["bucket"]]
    frame["series"] = frame["series"].astype(object)
    return frame[["bucket", "start", "baseline_start", "series", "current", "baseline"]]


def hour_weekday(session: Session, f: DrillFilter) -> pd.DataFrame:
    """Reports by weekday and hour of the city clock, in the period and in the baseline (all 168 cells)."""
    frame = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"]).to_frame(index=False)
    for period, name in ((f.period, "reports"), (f.baseline, "baseline")):
        counts = drill.hour_counts(session, period, f.area, f.kind, subtype=f.subtype).rename(columns={"reports": name})
        frame = frame.merge(counts, how="left", on=["weekday", "hour"])
        frame[name] = frame[name].fillna(0).astype("int64")
    return frame.astype("int64")


def top_subtypes(session: Session, f: DrillFilter, *, limit: int = 10) -> pd.DataFrame:
    """The most reported subtypes in the period, with their baseline counts and change."""
    keys = ["kind", "subtype"]
    current = drill.incident_counts(session, f.period, f.area, f.kind, subtype=f.subtype, by=keys)
    baseline = drill.incident_counts(session, f.baseline, f.area, f.kind, subtype=f.subtype, by=keys)
    # only subtypes reported in the period: a rollup row may hold a case filed in the period but reported before it
    current = current[current["reported"] > 0]
    frame = current[[*keys, "reported"]].rename(columns={"reported": "current"})
    frame = frame.merge(baseline[[*keys, "reported"]].rename(columns={"reported": "baseline"}), how="left", on=keys)
    frame["baseline"] = frame["baseline"].fillna(0).astype("int64")
    frame["current"] = frame["current"].astype("int64")
    frame["change"] = percent_changes(frame["current"], frame["baseline"])
    frame = frame.sort_values(["current", "kind", "subtype"], ascending=[False, True, True], kind="stable")
    return frame.head(limit).reset_index(drop=True)[["kind", "subtype", "current", "baseline", "change"]]
