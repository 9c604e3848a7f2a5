"""The early-warning worker on the real Redis and database: a burst in one grid is one alert per rule that grows
with it (count, level) instead of one per threshold crossed; operators acknowledge and escalate it (who and when,
audited), and an acknowledged alert re-opens only when its episode outgrows it; a worker restarted mid-burst still
raises it from windows rebuilt from the database; overdue records and patrol gaps are swept."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from dashboard.config import get_settings
from dashboard.data.db import session_scope
from dashboard.data.models import Alert, AuditEntry, Hazard
from dashboard.data.periods import CITY, Area, utc_now
from dashboard.data.redis_client import get_redis
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event, stream_fields
from dashboard.warning import alerts
from dashboard.warning.worker import WarningWorker
from tests.support.events import add_worker, incident_reported
from tests.support.factories import add_city, hazard

GRID = "331004-001-0001"


def setup_city() -> None:
    with session_scope() as session:
        add_city(session)
        add_worker(session)


def push(event: dict) -> None:  # type: ignore[type-arg]
    get_redis().xadd(get_settings().event_stream, stream_fields(parse_event(event), datetime.now(UTC)))


def dispute(n: int, at: datetime | None = None, grid: str = GRID) -> dict:  # type: ignore[type-arg]
    """A dispute a few metres from the others of the burst (all within 100 m of each other)."""
    return incident_reported(
        at, grid_code=grid, kind="dispute", subtype="neighbourhood", place_type="residence", lat=28.005 + n * 2e-5
    )


def stored_alerts() -> list[Alert]:
    with session_scope() as session:
        found = list(session.scalars(select(Alert).order_by(Alert.id)))
        session.expunge_all()
    return found


def by_rule(found: list[Alert]) -> dict[str, list[Alert]]:
    rules: dict[str, list[Alert]] = {}
    for alert in found:
        rules.setdefault(alert.rule, []).append(alert)
    return rules


def test_a_burst_of_25_disputes_in_one_grid_is_one_spike_alert_and_one_repeated_disputes_alert_that_grow():
    setup_city()
    worker = WarningWorker(get_redis(), block_ms=50)
    worker.poll_once()  # the windows (empty history) and the cursor at the stream's end
    version = alerts.current_version(get_redis(), Area.county("331004"))
    counts = []
    for n in range(25):
        push(dispute(n))
        worker.poll_once()  # one report at a time, as they arrive: every threshold is crossed on the way
        counts.append([alert.count for alert in stored_alerts() if alert.rule == "grid_spike"])
    rules = by_rule(stored_alerts())
    assert sorted(rules) == ["grid_spike", "repeated_disputes"]  # the township's spike is the grid's: not twice
    (spike,), (place,) = rules["grid_spike"], rules["repeated_disputes"]
    assert (spike.count, place.count, spike.grid_code, place.grid_code) == (25, 25, GRID, GRID)
    assert counts[1] == [] and counts[2] == [3] and counts[-1] == [25]  # raised at the third, then grew
    assert spike.level == "red" and place.level == "red"  # far past their thresholds (3)
    assert json.loads(spike.detail)["observed"] == 25 and spike.updated_at > spike.raised_at
    assert alerts.current_version(get_redis(), Area.county("331004")) >= version + 23  # every growth announced
    with session_scope() as session:
        shown, more = alerts.active_alerts(session, Area.county("331004"))
        elsewhere, _ = alerts.active_alerts(session, Area.county("331081"))
    assert sorted((a["rule"], a["count"], a["level"]) for a in shown) == [
        ("grid_spike", 25, "red"),
        ("repeated_disputes", 25, "red"),
    ]
    assert more == 0 and elsewhere == []


def test_acknowledged_and_escalated_once_each_audited_and_reopened_only_when_the_episode_doubles():
    setup_city()
    worker = WarningWorker(get_redis(), block_ms=50)
    worker.poll_once()
    for n in range(4):
        push(dispute(n))
    worker.poll_once()
    spike = by_rule(stored_alerts())["grid_spike"][0]
    assert spike.count == 4
    with session_scope() as session:
        assert alerts.acknowledge(session, spike.id, "duty-officer")
        assert not alerts.acknowledge(session, spike.id, "someone-else")  # once
        assert alerts.escalate(session, spike.id, "duty-officer")
        assert not alerts.escalate(session, spike.id, "someone-else")
    for n in range(4, 7):  # 7 disputes: grown, but not past twice the 4 it was acknowledged at
        push(dispute(n))
    worker.poll_once()
    with session_scope() as session:
        stored = session.get(Alert, spike.id)
        assert stored is not None
        assert (stored.count, stored.acknowledged_by, stored.reopened_at) == (7, "duty-officer", None)
    push(dispute(7))  # the eighth: twice the count acknowledged
    worker.poll_once()
    with session_scope() as session:
        stored = session.get(Alert, spike.id)
        assert stored is not None
        assert (stored.count, stored.acknowledged_at, stored.escalation) == (8, None, "county")
        assert stored.reopened_at is not None
        actions = [(e.actor, str(e.action)) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions == [("duty-officer", "alert_acknowledged"), ("duty-officer", "alert_escalated")]
        shown, _ = alerts.active_alerts(session, CITY, now=utc_now() + timedelta(minutes=6))
    assert spike.id in {alert["id"] for alert in shown}  # re-opened: back on the wall as open
    assert len(by_rule(stored_alerts())["grid_spike"]) == 1


def test_a_burst_after_a_quiet_period_is_a_new_episode():
    setup_city()
    worker = WarningWorker(get_redis(), block_ms=50)
    worker.poll_once()
    earlier = utc_now().replace(tzinfo=UTC) - timedelta(hours=4)  # more than the grid spike's 3 quiet hours ago
    for n in range(3):
        push(dispute(n, at=earlier + timedelta(minutes=n)))
    worker.poll_once()
    for n in range(3):
        push(dispute(n))
    worker.poll_once()
    spikes = by_rule(stored_alerts())["grid_spike"]
    assert [alert.count for alert in spikes] == [3, 3]  # two episodes, each its own alert
    assert spikes[1].raised_at - spikes[0].last_seen_at > timedelta(hours=3)


def test_a_worker_restarted_mid_burst_raises_the_spike_from_windows_rebuilt_from_the_database():
    """Before the restart the consumer stored two disputes (below the threshold); the worker that starts afresh
    reads them back, so the third, after the restart, makes the spike (a worker with empty windows sees one)."""
    setup_city()
    first = WarningWorker(get_redis(), block_ms=50)
    first.poll_once()
    consumer = StreamConsumer(get_redis(), name="consumer", block_ms=10)
    consumer.ensure_group()
    a_while_ago = utc_now().replace(tzinfo=UTC) - timedelta(minutes=40)  # stored long before: not on the replay
    for n in range(2):
        push(dispute(n, at=a_while_ago + timedelta(minutes=n)))
    first.poll_once()
    consumer.poll_once()
    get_redis().xtrim(get_settings().event_stream, maxlen=0)  # and gone from the stream: only the database has them
    assert stored_alerts() == [] and consumer.stored == 2
    restarted = WarningWorker(get_redis(), block_ms=50)
    restarted.poll_once()  # rebuilds its windows, goes on from the cursor
    assert restarted.rebuilt["reports"] == 2
    push(dispute(2))
    restarted.poll_once()
    rules = by_rule(stored_alerts())
    assert [alert.count for alert in rules["grid_spike"]] == [3]
    assert [alert.count for alert in rules["repeated_disputes"]] == [3]


def test_overdue_records_raise_alerts_that_go_to_the_county_after_a_day_orange():
    setup_city()
    now = utc_now()
    with session_scope() as session:
        fresh = hazard(now - timedelta(days=3), deadline=now - timedelta(hours=2))
        late = hazard(now - timedelta(days=4), deadline=now - timedelta(hours=30))
        done = hazard(now - timedelta(days=4), deadline=now - timedelta(hours=30), rectified_at=now - timedelta(days=2))
        old = hazard(now - timedelta(days=30), deadline=now - timedelta(days=20))  # on the /sla list, not raised
        session.add_all([fresh, late, done, old])
        ids = {"fresh": fresh.event_id, "late": late.event_id}
    worker = WarningWorker(get_redis(), block_ms=10)
    worker.sweep(now)
    worker.sweep(now)  # idempotent
    with session_scope() as session:
        stored = {
            a.subject: (a.escalation, a.escalated_by, a.level)
            for a in session.scalars(select(Alert).where(Alert.rule == "overdue"))
        }
    assert stored == {ids["fresh"]: ("township", None, "yellow"), ids["late"]: ("county", "system", "orange")}


def test_patrol_gaps_are_raised_per_township():
    setup_city()  # its one worker (grid 1, township 331004001) has never patrolled
    worker = WarningWorker(get_redis(), block_ms=10)
    worker.sweep(utc_now())
    worker.sweep(utc_now())
    with session_scope() as session:
        gaps = session.scalars(select(Alert).where(Alert.rule == "patrol_gap")).all()
        assert [(g.township_code, g.count, json.loads(g.detail)["workers"]) for g in gaps] == [("331004001", 1, 1)]
        assert session.scalars(select(Hazard)).all() == []


def test_the_wall_lists_open_alerts_by_level_so_a_red_spike_is_never_below_yellow_overdue_records():
    setup_city()
    now = utc_now()
    with session_scope() as session:
        session.add_all([hazard(now - timedelta(days=3), deadline=now - timedelta(hours=2)) for _ in range(8)])
    worker = WarningWorker(get_redis(), block_ms=50)
    worker.poll_once()
    for n in range(9):
        push(dispute(n))
    worker.poll_once()
    worker.sweep(utc_now())  # eight overdue records, raised after the spike
    with session_scope() as session:
        shown, more = alerts.active_alerts(session, CITY, limit=6)
    assert sorted((a["rule"], a["level"]) for a in shown[:2]) == [("grid_spike", "red"), ("repeated_disputes", "red")]
    assert {(a["rule"], a["level"]) for a in shown[2:]} <= {("overdue", "yellow"), ("patrol_gap", "yellow")}
    assert len(shown) == 6 and more == 5  # 2 red, 8 overdue and 1 patrol gap: 6 shown
