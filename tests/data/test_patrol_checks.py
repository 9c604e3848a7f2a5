"""Suspicious patrol logs: overlapping patrols, impossible speed and patrols outside the worker's grid are flagged;
ordinary patrols are not."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dashboard.data.db import session_scope
from dashboard.data.models import GridWorker, PatrolLog
from dashboard.data.patrol_checks import suspicious_patrols
from dashboard.data.periods import CITY, Area, Period
from tests.support.factories import add_city

DAY = datetime(2026, 3, 2, 1)  # 09:00 in Taizhou


def patrol(worker: int, grid: int, start: datetime, hours: float, km: float) -> PatrolLog:
    township = {1: "331004001", 2: "331004001", 3: "331004002", 4: "331081001"}[grid]
    return PatrolLog(
        worker_id=worker,
        grid_id=grid,
        township_code=township,
        county_code=township[:6],
        started_at=start,
        ended_at=start + timedelta(hours=hours),
        distance_m=km * 1000,
        findings=0,
    )


def test_suspicious_logs_are_flagged_with_their_reason():
    with session_scope() as session:
        add_city(session)
        for number in (1, 2, 4):
            session.add(
                GridWorker(
                    id=number,
                    code=f"W{number}",
                    name=f"员{number}",
                    phone="13800000000",
                    grid_id=number,
                    hire_date=date(2025, 1, 1),
                    education="high_school",
                    party_member=False,
                )
            )
        session.flush()
        session.add_all(
            [
                patrol(1, 1, DAY, 2.5, 6),  # fine
                patrol(1, 1, DAY + timedelta(hours=2), 2, 5),  # starts before the last ended: overlap
                patrol(2, 2, DAY, 2, 90),  # 45 km/h: speed
                patrol(2, 3, DAY + timedelta(hours=5), 2, 5),  # in grid 3, not its own grid 2: outside_grid
                patrol(4, 4, DAY, 2, 90),  # another county
            ]
        )
    period = Period(date(2026, 3, 1), date(2026, 4, 1))
    with session_scope() as session:
        everywhere = suspicious_patrols(session, period, CITY)
        luqiao = suspicious_patrols(session, period, Area.county("331004"))
    assert sorted(zip(everywhere["worker"], everywhere["reason"], strict=True)) == [
        ("W1", "overlap"),
        ("W2", "outside_grid"),
        ("W2", "speed"),
        ("W4", "speed"),
    ]
    assert set(luqiao["worker"]) == {"W1", "W2"}
