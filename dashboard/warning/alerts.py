"""The alert store: the `alert` table (who acknowledged or escalated, and when) and a version counter in Redis that
the wall polls every two seconds, so a new or changed alert shows within the five seconds the issue asks.

- `raise_alert(session, finding)` → the new alert's id, or None when its key is stored already (idempotent).
- `acknowledge(session, alert_id, actor)` / `escalate(session, alert_id, actor)`: set once, audited; a second
  acknowledgement changes nothing.
- `active_alerts(session, area, now=...)`: what the wall shows: not acknowledged and raised within `SHOWN_FOR`, or
  acknowledged in the last `ACKNOWLEDGED_SHOWN_FOR`; newest first, at most `limit` (the rest only counted).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from redis import Redis
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.config import get_settings
from dashboard.data import audit
from dashboard.data.models import Alert
from dashboard.data.periods import Area, AreaLevel, utc_now
from dashboard.data.vocab import AuditAction
from dashboard.warning.rules import Finding

SHOWN_FOR = timedelta(hours=24)  # an alert nobody acknowledged leaves the wall after a day (it stays in the table)
ACKNOWLEDGED_SHOWN_FOR = timedelta(minutes=5)


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


def raise_alert(session: Session, finding: Finding) -> int | None:
    if session.scalar(select(Alert.id).where(Alert.key == finding.key)) is not None:
        return None
    alert = Alert(
        key=finding.key,
        rule=finding.rule,
        county_code=finding.county,
        township_code=finding.township,
        grid_code=finding.grid,
        subject=finding.subject,
        raised_at=finding.at,
        detail=json.dumps(finding.detail, ensure_ascii=False, sort_keys=True, default=str),
        escalation="township",
    )
    try:
        with session.begin_nested():
            session.add(alert)
    except IntegrityError:  # another worker stored the same key just now
        return None
    return alert.id


def acknowledge(session: Session, alert_id: int, actor: str) -> bool:
    """True when this call acknowledged it (False: unknown, or acknowledged already)."""
    alert = session.get(Alert, alert_id, with_for_update=True)
    if alert is None or alert.acknowledged_at is not None:
        return False
    alert.acknowledged_at, alert.acknowledged_by = utc_now(), actor
    audit.record(session, actor, AuditAction.ALERT_ACKNOWLEDGED, {"alert": alert_id, "rule": alert.rule})
    return True


def escalate(session: Session, alert_id: int, actor: str) -> bool:
    """Hand the alert to the county (True when this call did)."""
    alert = session.get(Alert, alert_id, with_for_update=True)
    if alert is None or alert.escalation == "county":
        return False
    alert.escalation, alert.escalated_at, alert.escalated_by = "county", utc_now(), actor
    audit.record(session, actor, AuditAction.ALERT_ESCALATED, {"alert": alert_id, "rule": alert.rule})
    return True


def _in_area(area: Area) -> ColumnElement[bool]:
    match area.level:
        case AreaLevel.COUNTY:
            return Alert.county_code == area.code
        case AreaLevel.TOWNSHIP:
            return Alert.township_code == area.code
        case AreaLevel.GRID:
            return Alert.grid_code == area.code
    return Alert.id.is_not(None)


def active_alerts(
    session: Session, area: Area, *, now: datetime | None = None, limit: int = 6
) -> tuple[list[dict[str, Any]], int]:
    """The alerts the wall shows (newest first, at most `limit`) and how many more there are."""
    now = now or utc_now()
    shown = and_(
        _in_area(area),
        Alert.raised_at >= now - SHOWN_FOR,
        or_(Alert.acknowledged_at.is_(None), Alert.acknowledged_at >= now - ACKNOWLEDGED_SHOWN_FOR),
    )
    total = int(session.scalar(select(func.count()).select_from(Alert).where(shown)) or 0)
    rows = session.scalars(select(Alert).where(shown).order_by(Alert.raised_at.desc(), Alert.id.desc()).limit(limit))
    alerts = [
        {
            "id": alert.id,
            "rule": alert.rule,
            "county_code": alert.county_code,
            "township_code": alert.township_code,
            "grid_code": alert.grid_code,
            "subject": alert.subject,
            "raised_at": alert.raised_at,
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
