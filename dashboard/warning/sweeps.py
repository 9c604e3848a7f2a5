"""The early-warning worker's periodic sweeps over the database (every minute, on a thread of their own so the
stream's evaluation never waits for them): records newly overdue (an alert each, the township's), those overdue for
a day escalated to the county (by "system", orange), and townships whose workers have not patrolled for `PATROL_GAP`.

Each sweep reads only the stretch it needs: open records whose deadline fell within `FRESH_OVERDUE` (partial indexes
on open records by deadline), and workers without a recent patrol."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.data import sla
from dashboard.data.city_zone import city_zone
from dashboard.data.models import Alert, Grid, GridWorker, PatrolLog
from dashboard.data.periods import CITY
from dashboard.warning import alerts
from dashboard.warning.rules import Finding
from dashboard.warning.severity import Level

PATROL_GAP = timedelta(hours=36)  # a worker with no patrol started this long
FRESH_OVERDUE = timedelta(days=7)  # overdue records older than this are on the /sla list, not raised again
SWEEP_LIMIT = 20_000  # overdue records read per sweep: far more than a week's in any city we know


def fresh_overdue(session: Session, now: datetime) -> pd.DataFrame:
    """Open records whose deadline fell within `FRESH_OVERDUE` before `now`."""
    return sla.overdue(session, CITY, now=now, since=now - FRESH_OVERDUE, limit=SWEEP_LIMIT)


def overdue_findings(rows: pd.DataFrame, now: datetime) -> list[Finding]:
    """An alert for each record in `rows` (fresh_overdue)."""
    return [
        Finding(
            rule="overdue",
            key=f"overdue:{row.event_id}",
            county=row.county_code,
            township=row.township_code,
            grid=row.grid,
            at=now,
            subject=row.event_id,
            detail={
                "record": row.record,
                "what": row.what,
                "subtype": row.subtype,
                "department": row.department,
                "deadline": row.deadline,
            },
        )
        for row in rows.itertuples()
    ]


def escalate_overdue(session: Session, rows: pd.DataFrame) -> set[str]:
    """Overdue alerts still with the township a day past their record's deadline go to the county (by "system",
    orange), in one statement with one audit entry naming them all (a first sweep of a big city escalates thousands).
    Returns the counties of those escalated."""
    late = sorted(set(rows.loc[rows["escalation"] == "county", "event_id"])) if not rows.empty else []
    pending: list[tuple[int, str]] = []
    for start in range(0, len(late), 500):
        pending += [
            (int(alert_id), county)
            for alert_id, county in session.execute(
                select(Alert.id, Alert.county_code).where(
                    Alert.rule == "overdue",
                    Alert.escalation == "township",
                    Alert.subject.in_(late[start : start + 500]),
                )
            )
        ]
    if not pending:
        return set()
    alerts.escalate_all(session, [alert_id for alert_id, _county in pending], alerts.SYSTEM, level=Level.ORANGE)
    return {county for _alert_id, county in pending}


def patrol_gap_findings(session: Session, now: datetime) -> list[Finding]:
    """One alert per township and day for its workers with no patrol started within `PATROL_GAP`; its count is how
    many workers."""
    since = now - PATROL_GAP
    recent = (
        select(PatrolLog.worker_id).where(PatrolLog.worker_id == GridWorker.id, PatrolLog.started_at >= since).exists()
    )
    rows = session.execute(
        select(GridWorker.code, Grid.code, Grid.township_code, Grid.county_code)
        .join(Grid, Grid.id == GridWorker.grid_id)
        .where(~recent, GridWorker.hire_date <= since.date())
    ).all()
    by_township: dict[tuple[str, str], list[str]] = defaultdict(list)
    for worker, _grid, township, county in rows:
        by_township[(township, county)].append(worker)
    day = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(city_zone())).date()
    return [
        Finding(
            rule="patrol_gap",
            key=f"patrol_gap:{township}:{day}",
            county=county,
            township=township,
            grid=None,
            at=now,
            count=len(workers),
            detail={"workers": len(workers), "codes": sorted(workers)[:10], "hours": PATROL_GAP.total_seconds() / 3600},
        )
        for (township, county), workers in sorted(by_township.items())
    ]
