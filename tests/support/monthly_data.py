"""The rows the 月度通报 tests count over: the drill-down test city (600 incidents over 2024–2025), departments,
hazards and grid workers with patrols around June 2025, and plain-Python counts over those rows to check against."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from dashboard.data.db import get_engine, session_scope
from dashboard.data.models import Department, GridWorker, Hazard, Incident, PatrolLog
from dashboard.data.patrol_compliance import rebuild_worker_days
from dashboard.data.periods import Period
from tests.support.drill_data import add_drill_city
from tests.support.factories import GRIDS, TOWNSHIPS, hazard

HOURS = timedelta(hours=8)  # Asia/Shanghai
MONTH = Period.month(2025, 6)
AS_OF = datetime(2025, 12, 1)
DEPARTMENTS = {1: ("public_security", "公安", "Public security"), 2: ("fire", "消防", "Fire")}


def local_day(moment: datetime) -> date:
    return (moment + HOURS).date()


def in_month(moment: datetime | None, month: Period) -> bool:
    return moment is not None and month.start <= local_day(moment) < month.end


def add_month_city(seed: int = 5) -> None:
    """The drill city plus departments, ~120 hazards over May–July 2025 and a worker per grid patrolling in June."""
    add_drill_city()
    rng = random.Random(seed)
    with session_scope() as session:
        for number, (code, name, name_en) in DEPARTMENTS.items():
            session.add(Department(id=number, code=code, name=name, name_en=name_en, platform=None))
        session.flush()
        for _ in range(120):
            found = datetime(2025, 5, 1) + timedelta(minutes=rng.randrange(0, 92 * 24 * 60)) - HOURS
            deadline = found + timedelta(days=rng.choice([3, 7, 15]))
            rectified = found + timedelta(days=rng.randrange(0, 20)) if rng.random() < 0.6 else None
            grid = rng.choice(list(GRIDS))
            session.add(
                hazard(
                    found,
                    deadline=deadline,
                    rectified_at=rectified,
                    department_id=rng.choice([1, 2, None]),
                    grid_id=list(GRIDS).index(grid) + 1,
                    township_code=GRIDS[grid],
                    county_code=TOWNSHIPS[GRIDS[grid]],
                    status="rectified" if rectified else "open",
                )
            )
        for number in range(1, len(GRIDS) + 1):
            hired = date(2025, 6, 10) if number == 4 else date(2024, 1, 1)
            session.add(
                GridWorker(
                    id=number,
                    code=f"W{number}",
                    name=f"员{number}",
                    phone="13800000000",
                    grid_id=number,
                    hire_date=hired,
                    education="high_school",
                    party_member=False,
                )
            )
        session.flush()
        for number, code in enumerate(GRIDS, start=1):
            for offset in range(-1, 31):
                day = MONTH.start + timedelta(days=offset)
                for _ in range(rng.choice([1, 2, 2, 3])):
                    started = datetime(day.year, day.month, day.day, rng.choice([0, 8, 14]), 0) - HOURS
                    ended = started + timedelta(minutes=rng.choice([90, 120, 150])) if rng.random() > 0.05 else None
                    session.add(
                        PatrolLog(
                            worker_id=number,
                            grid_id=number,
                            township_code=GRIDS[code],
                            county_code=TOWNSHIPS[GRIDS[code]],
                            started_at=started,
                            ended_at=ended,
                        )
                    )
    with get_engine().begin() as connection:  # patrols written here, not through the stream consumer
        rebuild_worker_days(connection)


def incidents() -> list[Any]:
    with session_scope() as session:
        return list(
            session.execute(
                select(
                    Incident.kind,
                    Incident.county_code,
                    Incident.township_code,
                    Incident.grid_id,
                    Incident.place_type,
                    Incident.reported_at,
                    Incident.filed_at,
                    Incident.solved_at,
                )
            ).all()
        )


def county_counts(month: Period, county: str | None = None) -> dict[str, Counter[str]]:
    """Per county (or per township of `county`): filed, solved, rental, reported, counted over the raw rows."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in incidents():
        if county is not None and row.county_code != county:
            continue
        key = row.county_code if county is None else row.township_code
        if row.kind == "criminal" and in_month(row.filed_at, month):
            counts[key]["filed"] += 1
            counts[key]["solved"] += row.solved_at is not None
        if in_month(row.reported_at, month):
            counts[key]["reported"] += 1
            counts[key]["rental"] += row.place_type == "rental_housing"
    return counts


def grid_reported(month: Period) -> Counter[str]:
    codes = list(GRIDS)
    return Counter(codes[row.grid_id - 1] for row in incidents() if in_month(row.reported_at, month))


def hazards_by_department(month: Period, as_of: datetime) -> dict[str, tuple[int, int, int]]:
    """department code ('' for none) → (found, rectified by as_of, overdue at as_of)."""
    with session_scope() as session:
        rows = session.execute(
            select(Hazard.department_id, Hazard.found_at, Hazard.deadline, Hazard.rectified_at)
        ).all()
    result: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for department, found, deadline, rectified in rows:
        if not in_month(found, month):
            continue
        key = DEPARTMENTS[department][0] if department else ""
        done = rectified is not None and rectified <= as_of
        result[key][0] += 1
        result[key][1] += done
        result[key][2] += (not done) and deadline < as_of
    return {key: (found, done, late) for key, (found, done, late) in result.items()}


def patrol_days(month: Period) -> dict[str, tuple[int, int]]:
    """county → (worker-days due, compliant worker-days), over the raw patrols."""
    with session_scope() as session:
        workers = {w.id: w.hire_date for w in session.scalars(select(GridWorker))}
        patrols = session.execute(select(PatrolLog.worker_id, PatrolLog.started_at, PatrolLog.ended_at)).all()
    long: Counter[tuple[int, date]] = Counter()
    for worker, started, ended in patrols:
        if ended is not None and ended - started >= timedelta(hours=2):
            long[(worker, local_day(started))] += 1
    result: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    codes = list(GRIDS)
    for worker, hired in workers.items():
        county = TOWNSHIPS[GRIDS[codes[worker - 1]]]
        day = month.start
        while day < month.end:
            if day >= hired:
                result[county][0] += 1
                result[county][1] += long[(worker, day)] >= 2
            day += timedelta(days=1)
    return {county: (due, ok) for county, (due, ok) in result.items()}
