"""How fast the record tables and the analysis map answer on a large seeded database (read-only).

    .venv/bin/python -m bench.bench_records --url sqlite:///var/drill-large.db
    .venv/bin/python -m bench.bench_records --url 'postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3Ddrill_large'

For the city, one county and one grid (the busiest): the first page of incidents (newest first), page 50, a sort
by subtype, a filter by status label, the patrols of the grid, the key persons of the county; the density of the
year to date and the replay of one week. Each is timed over a few runs and its median printed, with the bytes the
browser would receive. Target: every record page and density under 1 s, a replay under 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from dashboard.config import get_settings
from dashboard.data import db
from dashboard.data.filters import DrillFilter
from dashboard.data.heat import density, replay
from dashboard.data.models import Grid, Incident
from dashboard.data.periods import CITY, Area, Period
from dashboard.views.records import RecordKind, fetch_records

RUNS = 3


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def report(label: str, seconds: float, payload: Any, target: float) -> None:
    size = len(json.dumps(payload, ensure_ascii=False, default=str).encode())
    verdict = "ok" if seconds <= target else "SLOW"
    print(f"  {label:<46} {seconds * 1000:8.1f} ms  {size / 1024:8.1f} KB  (target {target:.0f} s: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", "sqlite:///var/dashboard.db"))
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.url
    get_settings.cache_clear()
    db.reset_caches()
    with db.session_scope() as session:
        newest = session.scalar(select(func.max(Incident.reported_at)))
        busiest = session.execute(
            select(Incident.grid_id, func.count()).where(Incident.reported_at >= newest - timedelta(days=30))
            .group_by(Incident.grid_id).order_by(func.count().desc()).limit(1)
        ).one()  # fmt: skip
        grid = session.execute(select(Grid.code, Grid.county_code).where(Grid.id == busiest[0])).one()
    today = (newest + timedelta(hours=8)).date()
    year = Period.year_to_date(today)
    print(f"{args.url.split('?')[0]}: newest report {newest:%Y-%m-%d}, busiest grid {grid.code}")
    areas = {"city": CITY, f"county {grid.county_code}": Area.county(grid.county_code), f"grid {grid.code}":
             Area.grid(grid.code)}  # fmt: skip
    status = {"status": {"filterType": "text", "type": "contains", "filter": "办结"}}
    for name, area in areas.items():
        print(f"{name}, {year.start} .. {year.last_day}")
        measure(DrillFilter(year, area=area), today, status)


def measure(drill: DrillFilter, today: date, status: dict[str, Any]) -> None:
    area = drill.area
    with db.session_scope() as session:
        cases: list[tuple[str, Callable[[], Any], float]] = [
            ("incidents, first page", lambda: fetch_records(session, RecordKind.INCIDENTS, drill, end=20), 1),
            ("incidents, page 50", lambda: fetch_records(session, RecordKind.INCIDENTS, drill, start=980,
                                                        end=1000), 1),
            ("incidents, sorted by subtype", lambda: fetch_records(
                session, RecordKind.INCIDENTS, drill, end=20, sort_model=[{"colId": "subtype", "sort": "asc"}]), 1),
            ("incidents, status contains 办结", lambda: fetch_records(session, RecordKind.INCIDENTS, drill,
                                                                    end=20, filter_model=status), 1),
            ("hazards, first page", lambda: fetch_records(session, RecordKind.HAZARDS, drill, end=20), 1),
            ("key persons, first page", lambda: fetch_records(session, RecordKind.KEY_PERSONS, drill, end=20), 1),
            ("density, year to date", lambda: density(session, drill), 1),
            ("replay, the last week", lambda: replay(session, area, today - timedelta(days=6), 7), 2),
        ]  # fmt: skip
        if area.code is not None:  # patrols are reached through the area's workers (no index by time alone)
            cases.insert(5, ("patrols, first page", lambda: fetch_records(session, RecordKind.PATROLS, drill,
                                                                         end=20), 1))  # fmt: skip
        for label, run, target in cases:
            seconds, result = timed(run)
            payload = getattr(result, "rows", None) or getattr(result, "points", None) or getattr(
                result, "frames", None)  # fmt: skip
            report(label, seconds, payload, target)


if __name__ == "__main__":
    main()
