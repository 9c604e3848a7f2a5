"""The alert store: the `alert` table (who acknowledged or escalated, and when) and a version counter in Redis that
the wall polls every two seconds, so a new or changed alert shows within five seconds of its report.

- `record(session, finding, growth=...)` → what changed: one alert per rule, place and episode. A finding on a
  place whose alert was last seen within the finding's `quiet` (None: ever) updates that alert when it brings a
  larger count (count, peak ratio, the higher level, when it grew); otherwise it is a new alert, stored once under
  its key (another worker storing the same finding stores nothing). An acknowledged alert re-opens when its count
  reaches `growth` times the count it was acknowledged at.
- `record_all(session, findings, growth=...)`: each of them, the sweep's thousands of unchanged ones in one query.
- `acknowledge(session, alert_id, actor)` / `escalate(session, alert_id, actor)`: set once, audited; a second
  acknowledgement changes nothing. `escalate_all` / `acknowledge_all`: many at once, one audit entry (the sweep's
  overdue records; a township's overdue records on the wall).
- `active_alerts(session, area, now=...)`: what the wall shows: not acknowledged and raised or grown within
  `SHOWN_FOR`, or acknowledged in the last `ACKNOWLEDGED_SHOWN_FOR`; open before acknowledged, red before orange
  before yellow, the latest grown first; at most `limit` (the rest only counted), so a red spike is never below a
  hundred yellow overdue records.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from redis import Redis
from sqlalchemy import ColumnElement, and_, case, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.config import get_settings
from dashboard.data import audit
from dashboard.data.models import Alert
from dashboard.data.periods import Area, AreaLevel, utc_now
from dashboard.data.vocab import AuditAction
from dashboard.warning.rules import Finding
from dashboard.warning.severity import Level, higher

SYSTEM = "system"  # the actor of what the worker does by itself (an overdue record escalated a day late)
SHOWN_FOR = timedelta(hours=24)  # an alert nobody acknowledged leaves the wall after a day (it stays in the table)
ACKNOWLEDGED_SHOWN_FOR = timedelta(minutes=5)


def chunks(values: list[Any], size: int = 500) -> list[list[Any]]:
    """`values` in parts small enough for one IN (...) on either database."""
    return [values[start : start + size] for start in range(0, len(values), size)]


def version_key(county: str | None) -> str:
    """The alerts' version of a county (None: of the whole city): a county's wall redraws only for its own."""
    return f"{get_settings().live_prefix}alerts:version:{county or 'city'}"


def bump(client: Redis, *counties: str) -> None:
    """Tell the walls of the city and of these counties that their alerts changed."""
    pipe = client.pipeline(transaction=False)
    for county in {None, *counties}:
        pipe.incr(version_key(county))
    pipe.execute()


def current_version(client: Redis, area: Area) -> int:
    return int(client.get(version_key(area.county_code)) or 0)


class Change(StrEnum):
    NEW = "new"  # a new episode: a new alert
    GREW = "grew"  # its episode's alert has a larger count now
    REOPENED = "reopened"  # and it outgrew its acknowledgement: back on the wall as open
    SAME = "same"  # nothing the wall shows changed (stored already, or no larger count)

    @property
    def shown(self) -> bool:
        return self is not Change.SAME


def current_episode(session: Session, finding: Finding) -> Alert | None:
    """The alert of the finding's place whose episode is still going (seen within its `quiet`; None: at any time)."""
    query = select(Alert).where(Alert.rule == finding.rule, Alert.place == finding.episode_place)
    if finding.quiet is not None:
        query = query.where(Alert.last_seen_at > finding.at - finding.quiet)
    return session.scalars(query.order_by(Alert.last_seen_at.desc()).limit(1).with_for_update()).first()


def record(session: Session, finding: Finding, *, growth: float) -> Change:
    alert = current_episode(session, finding)
    if alert is None:
        return Change.NEW if _insert(session, finding) else Change.SAME
    alert.last_seen_at = max(alert.last_seen_at, finding.at)  # the episode goes on
    if finding.count <= alert.count:
        return Change.SAME
    alert.count, alert.updated_at = finding.count, max(alert.updated_at, finding.at)
    alert.level = higher(alert.level, finding.level)
    if finding.ratio is not None:
        alert.peak_ratio = max(alert.peak_ratio or 0.0, finding.ratio)
    alert.detail = _json(finding.detail)
    step = math.ceil((alert.acknowledged_count or 0) * growth)
    if alert.acknowledged_at is not None and finding.count >= step:
        alert.acknowledged_at = alert.acknowledged_by = None
        alert.reopened_at = finding.at
        return Change.REOPENED
    return Change.GREW


def record_all(session: Session, findings: list[Finding], *, growth: float) -> list[tuple[Finding, Change]]:
    """`record` each finding, but settle in one query those whose place is its own episode (an overdue record, a
    township's patrol gap of a day: `quiet` None) and whose alert counts as much already: a sweep finds the same
    thousands of overdue records every minute."""
    standing: dict[tuple[str, str], int] = {}
    for places in chunks(sorted({finding.episode_place for finding in findings if finding.quiet is None})):
        rows = session.execute(
            select(Alert.rule, Alert.place, func.max(Alert.count))
            .where(Alert.place.in_(places))
            .group_by(Alert.rule, Alert.place)
        )
        standing |= {(rule, place): int(count) for rule, place, count in rows}
    changes, fresh = [], []
    for finding in findings:
        counted = standing.get((finding.rule, finding.episode_place))
        if finding.quiet is None and counted is not None and counted >= finding.count:
            continue
        if finding.quiet is None and counted is None:
            fresh.append(finding)  # its place has no alert: new, stored below in one statement
            continue
        changes.append((finding, record(session, finding, growth=growth)))
    return changes + _insert_all(session, fresh, growth=growth)


def _insert_all(session: Session, findings: list[Finding], *, growth: float) -> list[tuple[Finding, Change]]:
    """New alerts in one INSERT (a first sweep over a big city raises thousands); if another worker stored one of
    them meanwhile, one at a time instead."""
    unique = list({finding.key: finding for finding in findings}.values())
    if not unique:
        return []
    try:
        with session.begin_nested():
            session.execute(insert(Alert), [_row(finding) for finding in unique])
    except IntegrityError:
        return [(finding, record(session, finding, growth=growth)) for finding in unique]
    return [(finding, Change.NEW) for finding in unique]


def _json(detail: dict[str, Any]) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)


def _row(finding: Finding) -> dict[str, Any]:
    return {
        "key": finding.key,
        "rule": finding.rule,
        "place": finding.episode_place,
        "level": str(finding.level),
        "count": finding.count,
        "peak_ratio": finding.ratio,
        "county_code": finding.county,
        "township_code": finding.township,
        "grid_code": finding.grid,
        "subject": finding.subject,
        "raised_at": finding.at,
        "updated_at": finding.at,
        "last_seen_at": finding.at,
        "detail": _json(finding.detail),
        "escalation": "township",
    }


def _insert(session: Session, finding: Finding) -> bool:
    if session.scalar(select(Alert.id).where(Alert.key == finding.key)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Alert(**_row(finding)))
    except IntegrityError:  # another worker stored the same key just now
        return False
    return True


def acknowledge(session: Session, alert_id: int, actor: str) -> bool:
    """True when this call acknowledged it (False: unknown, or acknowledged already)."""
    alert = session.get(Alert, alert_id, with_for_update=True)
    if alert is None or alert.acknowledged_at is not None:
        return False
    alert.acknowledged_at, alert.acknowledged_by, alert.acknowledged_count = utc_now(), actor, alert.count
    audit.record(session, actor, AuditAction.ALERT_ACKNOWLEDGED, {"alert": alert_id, "rule": alert.rule})
    return True


def acknowledge_all(session: Session, alert_ids: list[int], actor: str) -> int:
    """Acknowledge these alerts at once (a township's overdue records on the wall), with one audit entry naming
    them. Returns how many were still open."""
    open_ids: list[int] = []
    for part in chunks(alert_ids):
        open_ids += session.scalars(select(Alert.id).where(Alert.id.in_(part), Alert.acknowledged_at.is_(None))).all()
    now = utc_now()
    for part in chunks(open_ids):
        session.execute(
            update(Alert)
            .where(Alert.id.in_(part), Alert.acknowledged_at.is_(None))
            .values(acknowledged_at=now, acknowledged_by=actor, acknowledged_count=Alert.count)
        )
    if open_ids:
        audit.record(session, actor, AuditAction.ALERT_ACKNOWLEDGED, {"alerts": sorted(open_ids), "rule": "overdue"})
    return len(open_ids)


def escalate(session: Session, alert_id: int, actor: str, *, level: Level | None = None) -> bool:
    """Hand the alert to the county (True when this call did); `level`: at least this level from now on."""
    alert = session.get(Alert, alert_id, with_for_update=True)
    if alert is None or alert.escalation == "county":
        return False
    alert.escalation, alert.escalated_at, alert.escalated_by = "county", utc_now(), actor
    if level is not None:
        alert.level = higher(alert.level, level)
    audit.record(session, actor, AuditAction.ALERT_ESCALATED, {"alert": alert_id, "rule": alert.rule})
    return True


def escalate_all(session: Session, alert_ids: list[int], actor: str, *, level: Level) -> int:
    """Hand these alerts to the county at once, at least at `level` (the sweep's overdue records), with one audit
    entry naming them. Returns how many were still the township's."""
    rows: list[tuple[int, str]] = []
    for part in chunks(alert_ids):
        rows += [
            (int(alert_id), str(current))
            for alert_id, current in session.execute(
                select(Alert.id, Alert.level).where(Alert.id.in_(part), Alert.escalation == "township")
            )
        ]
    if not rows:
        return 0
    now = utc_now()
    by_level: dict[str, list[int]] = {}
    for alert_id, current in rows:
        by_level.setdefault(str(higher(current, level)), []).append(alert_id)
    for new_level, ids in by_level.items():
        for part in chunks(ids):
            session.execute(
                update(Alert)
                .where(Alert.id.in_(part), Alert.escalation == "township")
                .values(escalation="county", escalated_at=now, escalated_by=actor, level=new_level)
            )
    escalated = sorted(alert_id for alert_id, _level in rows)
    audit.record(session, actor, AuditAction.ALERT_ESCALATED, {"alerts": escalated, "rule": "overdue"})
    return len(escalated)


def _in_area(area: Area) -> ColumnElement[bool]:
    match area.level:
        case AreaLevel.COUNTY:
            return Alert.county_code == area.code
        case AreaLevel.TOWNSHIP:
            return Alert.township_code == area.code
        case AreaLevel.GRID:
            return Alert.grid_code == area.code
    return Alert.id.is_not(None)


def shown_on_wall(area: Area, now: datetime) -> ColumnElement[bool]:
    """The alerts of `area` a wall shows now: open and raised or grown within SHOWN_FOR, or acknowledged lately."""
    return and_(
        _in_area(area),
        Alert.updated_at >= now - SHOWN_FOR,
        or_(Alert.acknowledged_at.is_(None), Alert.acknowledged_at >= now - ACKNOWLEDGED_SHOWN_FOR),
    )


def urgency() -> ColumnElement[int]:
    """An alert's level as its rank (red 3, orange 2, yellow 1), for ordering and for a group's highest level."""
    return case({str(level): level.rank for level in Level}, value=Alert.level, else_=0)


def active_alerts(
    session: Session, area: Area, *, now: datetime | None = None, limit: int = 6, except_rule: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """The alerts the wall shows (newest first, at most `limit`) and how many more there are; those of
    `except_rule` left out (the wall shows its overdue records by township: dashboard/warning/wall_list.py)."""
    now = now or utc_now()
    shown = shown_on_wall(area, now)
    if except_rule is not None:
        shown = and_(shown, Alert.rule != except_rule)
    total = int(session.scalar(select(func.count()).select_from(Alert).where(shown)) or 0)
    order = (Alert.acknowledged_at.is_not(None), urgency().desc(), Alert.updated_at.desc(), Alert.id.desc())
    rows = session.scalars(select(Alert).where(shown).order_by(*order).limit(limit))
    alerts = [
        {
            "id": alert.id,
            "rule": alert.rule,
            "county_code": alert.county_code,
            "township_code": alert.township_code,
            "grid_code": alert.grid_code,
            "subject": alert.subject,
            "raised_at": alert.raised_at,
            "updated_at": alert.updated_at,
            "level": alert.level,
            "count": alert.count,
            "peak_ratio": alert.peak_ratio,
            "reopened_at": alert.reopened_at,
            "detail": json.loads(alert.detail or "{}"),
            "escalation": alert.escalation,
            "acknowledged_at": alert.acknowledged_at,
            "acknowledged_by": alert.acknowledged_by,
            "escalated_at": alert.escalated_at,
            "escalated_by": alert.escalated_by,
        }
        for alert in rows
    ]
    return alerts, max(0, total - len(alerts))
