"""What the wall's alert panel lists: each alert on its own, except overdue records, which come one line per
township ("石塘镇 · 12 件逾期", at the highest level among them). A sweep raises an alert per overdue record (629 on
the default data at start): one card each would bury every other alert. Each record stays reachable on /sla's
overdue list and on its grid's page; acknowledging or escalating a township's line does it to each of its records.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from dashboard.data.models import Alert
from dashboard.data.periods import Area
from dashboard.warning.alerts import active_alerts, shown_on_wall, urgency
from dashboard.warning.severity import Level

OVERDUE = "overdue"
GROUP = "overdue:"  # a township's line in the panel has the value "overdue:<township code>"
GROUP_VALUE = re.compile(r"overdue:(\d{6}|\d{9})")  # a county's code where the records have no township
LEVEL_OF_RANK = {level.rank: str(level) for level in Level}


def overdue_by_township(session: Session, area: Area, *, now: datetime) -> list[dict[str, Any]]:
    """One line per township with overdue records shown on the wall: how many, the highest level, the latest grown,
    and acknowledged (or escalated) only when every one of them is."""
    shown = and_(shown_on_wall(area, now), Alert.rule == OVERDUE)
    rows = session.execute(
        select(
            Alert.county_code,
            Alert.township_code,
            func.count(),
            func.count(Alert.acknowledged_at),
            func.count(Alert.escalated_at),
            func.max(urgency()),
            func.min(Alert.raised_at),
            func.max(Alert.updated_at),
            func.max(Alert.acknowledged_at),
            func.max(Alert.escalated_at),
        )
        .where(shown)
        .group_by(Alert.county_code, Alert.township_code)
    )
    groups = []
    for county, township, count, acknowledged, escalated, rank, raised, updated, acknowledged_at, escalated_at in rows:
        every_acknowledged, every_escalated = acknowledged == count, escalated == count
        groups.append(
            {
                "id": f"{GROUP}{township or county}",
                "group": True,
                "rule": OVERDUE,
                "county_code": county,
                "township_code": township,
                "grid_code": None,
                "level": LEVEL_OF_RANK.get(int(rank or 0), "yellow"),
                "count": int(count),
                "escalated_count": int(escalated),
                "raised_at": raised,
                "updated_at": updated,
                "acknowledged_at": acknowledged_at if every_acknowledged else None,
                "escalated_at": escalated_at if every_escalated else None,
                "escalation": "county" if every_escalated else "township",
            }
        )
    return groups


def wall_alerts(session: Session, area: Area, *, now: datetime, limit: int = 6) -> tuple[list[dict[str, Any]], int]:
    """The panel's lines (each alert but the overdue ones, and a line per township of overdue records), open before
    acknowledged, red before orange before yellow, the latest grown first; at most `limit`, and how many more."""
    single, more = active_alerts(session, area, now=now, limit=limit, except_rule=OVERDUE)
    groups = overdue_by_township(session, area, now=now)
    ranks = {str(level): level.rank for level in Level}
    lines = sorted(single + groups, key=lambda line: line["updated_at"], reverse=True)  # the latest grown first,
    lines.sort(key=lambda line: (line["acknowledged_at"] is not None, -ranks.get(line["level"], 0)))  # within these
    return lines[:limit], more + max(0, len(lines) - limit)


def group_alert_ids(session: Session, area: Area, value: str, *, now: datetime) -> list[int] | None:
    """The overdue alerts a township's line stands for (shown on the wall now, in `area`); None when `value` is not
    a township's line."""
    matched = GROUP_VALUE.fullmatch(value)
    if matched is None:
        return None
    code = matched.group(1)
    place = (
        Alert.township_code == code
        if len(code) == 9
        else and_(Alert.county_code == code, Alert.township_code.is_(None))
    )
    query = select(Alert.id).where(shown_on_wall(area, now), Alert.rule == OVERDUE, place)
    return [int(alert_id) for alert_id in session.scalars(query)]
