"""Suspicious patrol logs (可疑巡查日志), for the spot checks the streets make:

- `overlap`: a patrol that starts before the same worker's previous patrol ended;
- `speed`: faster on average than a grid worker can go (`MAX_SPEED_KMH`, an e-bike in town);
- `outside_grid`: a patrol logged in another grid than the worker's own.

`suspicious_patrols(session, period, area)` → one row per flag: `worker`, `name`, `grid` (the worker's),
`patrol_grid`, `started_at`, `ended_at` (naive UTC), `distance_km`, `reason`, in order of start.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from dashboard.data.areas import grids_in
from dashboard.data.city_zone import city_zone
from dashboard.data.models import Grid, GridWorker, PatrolLog
from dashboard.data.periods import Area, Period

MAX_SPEED_KMH = 25.0
COLUMNS = ["worker", "name", "grid", "patrol_grid", "started_at", "ended_at", "distance_km", "reason"]


def suspicious_patrols(session: Session, period: Period, area: Area, *, limit: int = 2000) -> pd.DataFrame:
    start, end = period.utc_bounds(city_zone())
    own, logged = aliased(Grid), aliased(Grid)
    query = (
        select(
            GridWorker.code,
            GridWorker.name,
            own.code,
            logged.code,
            PatrolLog.started_at,
            PatrolLog.ended_at,
            PatrolLog.distance_m,
        )
        .join(GridWorker, GridWorker.id == PatrolLog.worker_id)
        .join(own, own.id == GridWorker.grid_id)
        .join(logged, logged.id == PatrolLog.grid_id)
        .where(grids_in(area, own), PatrolLog.started_at >= start, PatrolLog.started_at < end)
        .order_by(GridWorker.code, PatrolLog.started_at)
    )
    rows = pd.DataFrame(
        [tuple(row) for row in session.execute(query)],
        columns=["worker", "name", "grid", "patrol_grid", "started_at", "ended_at", "distance_m"],
    )
    if rows.empty:
        return pd.DataFrame({name: [] for name in COLUMNS})
    started, ended = pd.to_datetime(rows["started_at"]), pd.to_datetime(rows["ended_at"])
    previous_end = ended.groupby(rows["worker"]).shift(1)
    hours = (ended - started).dt.total_seconds() / 3600
    speed = (rows["distance_m"] / 1000) / hours.where(hours > 0)
    flags = {
        "overlap": previous_end.notna() & (started < previous_end),
        "speed": speed.notna() & (speed > MAX_SPEED_KMH),
        "outside_grid": rows["grid"] != rows["patrol_grid"],
    }
    frames = [rows[mask].assign(reason=reason) for reason, mask in flags.items() if mask.any()]
    if not frames:
        return pd.DataFrame({name: [] for name in COLUMNS})
    found = pd.concat(frames, ignore_index=True)
    found["distance_km"] = (found["distance_m"] / 1000).round(2)
    return found[COLUMNS].sort_values(["started_at", "worker", "reason"], ignore_index=True).head(limit)
