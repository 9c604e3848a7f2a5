"""The early-warning worker on the real Redis and database: a spike pushed to the stream becomes an alert within
seconds; operators acknowledge and escalate it (who and when, audited); overdue records raise alerts that go to the
county after a day; patrol gaps are raised per township."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from dashboard.config import get_settings
from dashboard.data.db import session_scope
from dashboard.data.events import parse_event, stream_fields
from dashboard.data.models import Alert, AuditEntry, Hazard
from dashboard.data.periods import CITY, Area, utc_now
from dashboard.data.redis_client import get_redis
from dashboard.warning import alerts
from dashboard.warning.worker import WarningWorker
from tests.events import add_worker, incident_reported
from tests.factories import add_city, hazard


def setup_city() -> None:
    with session_scope() as session:
        add_city(session)
        add_worker(session)


def push(event: dict) -> None:  # type: ignore[type-arg]
    get_redis().xadd(get_settings().event_stream, stream_fields(parse_event(event), datetime.now(UTC)))


def test_a_spike_becomes_an_alert_that_is_announced_acknowledged_and_escalated():
    """How fast (the wall within 5 s) is measured by `python -m bench.bench_warning`, not timed here."""
    setup_city()
    worker = WarningWorker(get_redis(), block_ms=50)
    worker.poll_once()  # baselines (empty history) and the cursor at the stream's end
    version = alerts.current_version(get_redis(), Area.county("331004"))
    for _ in range(4):
        push(incident_reported(kind="dispute", subtype="wages", place_type="enterprise"))
    worker.poll_once()
    with session_scope() as session:
        shown, more = alerts.active_alerts(session, Area.county("331004"))
        elsewhere, _ = alerts.active_alerts(session, Area.county("331081"))
    rules = {alert["rule"] for alert in shown}
    assert {"township_spike", "grid_spike"} <= rules and more == 0 and elsewhere == []
    assert alerts.current_version(get_redis(), Area.county("331004")) > version
    spike = next(alert for alert in shown if alert["rule"] == "township_spike")
    assert spike["township_code"] == "331004001" and spike["detail"]["observed"] >= 3
    with session_scope() as session:
        assert alerts.acknowledge(session, spike["id"], "duty-officer")
        assert not alerts.acknowledge(session, spike["id"], "someone-else")  # once
        assert alerts.escalate(session, spike["id"], "duty-officer")
    with session_scope() as session:
        stored = session.get(Alert, spike["id"])
        assert stored is not None
        assert (stored.acknowledged_by, stored.escalated_by, stored.escalation) == (
            "duty-officer",
            "duty-officer",
            "county",
        )
        actions = [(e.actor, str(e.action)) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions == [("duty-officer", "alert_acknowledged"), ("duty-officer", "alert_escalated")]
        later, _ = alerts.active_alerts(session, CITY, now=utc_now() + timedelta(minutes=6))
    assert spike["id"] not in {alert["id"] for alert in later}  # acknowledged alerts leave the wall


def test_overdue_records_raise_alerts_that_go_to_the_county_after_a_day():
    setup_city()
    now = utc_now()
    with session_scope() as session:
        fresh = hazard(now - timedelta(days=3), deadline=now - timedelta(hours=2))
        late = hazard(now - timedelta(days=4), deadline=now - timedelta(hours=30))
        done = hazard(now - timedelta(days=4), deadline=now - timedelta(hours=30), rectified_at=now - timedelta(days=2))
        session.add_all([fresh, late, done])
        ids = {"fresh": fresh.event_id, "late": late.event_id}
    worker = WarningWorker(get_redis(), block_ms=10)
    worker.load_baselines()
    worker.periodic(now)
    worker.periodic(now)  # idempotent
    with session_scope() as session:
        stored = {
            a.subject: (a.escalation, a.escalated_by)
            for a in session.scalars(select(Alert).where(Alert.rule == "overdue"))
        }
    assert stored == {ids["fresh"]: ("township", None), ids["late"]: ("county", "system")}


def test_patrol_gaps_are_raised_per_township():
    setup_city()  # its one worker (grid 1, township 331004001) has never patrolled
    worker = WarningWorker(get_redis(), block_ms=10)
    worker.load_baselines()
    worker.periodic(utc_now())
    with session_scope() as session:
        gaps = session.scalars(select(Alert).where(Alert.rule == "patrol_gap")).all()
        assert [(g.township_code, json.loads(g.detail)["workers"]) for g in gaps] == [("331004001", 1)]
        assert session.scalars(select(Hazard)).all() == []
