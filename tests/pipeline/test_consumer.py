"""The stream consumer against the real Redis and database: idempotent storage, updates in any order, rollups and
live counters in step, dead letters with reasons, take-over of a dead consumer's entries."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.config import get_settings
from dashboard.data.db import session_scope
from dashboard.data.models import Hazard, HazardDaily, Incident, IncidentDaily, PatrolLog, PatrolPosition, PendingUpdate
from dashboard.data.redis_client import get_redis
from dashboard.data.rollups import rebuild_rollups
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event, stream_fields
from tests.support.events import (
    add_worker,
    hazard_reported,
    hazard_updated,
    incident_reported,
    incident_updated,
    minutes,
    now,
    patrol_ended,
    patrol_position,
    patrol_started,
)
from tests.support.factories import add_city


@pytest.fixture(autouse=True)
def city() -> None:
    with session_scope() as session:
        add_city(session)
        add_worker(session)


def push(*events: dict[str, Any]) -> None:
    """Append to the stream as the ingest API does (validated, stamped)."""
    for event in events:
        get_redis().xadd(get_settings().event_stream, stream_fields(parse_event(event), datetime.now(UTC)))


def push_raw(fields: dict[str, str]) -> None:
    get_redis().xadd(get_settings().event_stream, fields)


def consumer(**options: Any) -> StreamConsumer:
    made = StreamConsumer(get_redis(), block_ms=10, **options)
    made.ensure_group()
    return made


def drain(worker: StreamConsumer) -> int:
    total = 0
    while acked := worker.poll_once():
        total += acked
    return total


def count(model: Any) -> int:
    with session_scope() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def pending() -> int:
    return int(get_redis().xpending(get_settings().event_stream, get_settings().consumer_group)["pending"])


def dead_letters() -> list[dict[str, str]]:
    return [fields for _, fields in get_redis().xrange(get_settings().dead_letter_stream)]


def rollup_rows(session: Session) -> set[tuple[Any, ...]]:
    incident = session.execute(
        select(
            IncidentDaily.day,
            IncidentDaily.grid_id,
            IncidentDaily.kind,
            IncidentDaily.subtype,
            IncidentDaily.place_type,
            IncidentDaily.reported,
            IncidentDaily.filed,
            IncidentDaily.solved,
            IncidentDaily.resolved,
        )
    ).all()
    hazard = session.execute(
        select(
            HazardDaily.day,
            HazardDaily.grid_id,
            HazardDaily.category,
            HazardDaily.severity,
            HazardDaily.found,
            HazardDaily.rectified,
            HazardDaily.rectified_on_time,
        )
    ).all()
    return {tuple(row) for row in incident} | {tuple(row) for row in hazard}


def test_a_report_and_its_updates_are_stored_with_the_time_of_each_step():
    report = incident_reported(now() - minutes(50))
    push(
        report,
        incident_updated(report["event_id"], "dispatched", now() - minutes(40)),
        incident_updated(report["event_id"], "solved", now() - minutes(10)),
    )
    assert drain(consumer()) == 3
    with session_scope() as session:
        row = session.scalars(select(Incident)).one()
    assert (row.status, row.summary, row.place_type) == ("solved", "电动车被盗", "rental_housing")
    assert row.filed_at == row.reported_at and row.dispatched_at < row.solved_at
    assert pending() == 0


def test_replaying_every_event_three_times_changes_nothing():
    reports = [incident_reported(now() - minutes(30 - n)) for n in range(20)]
    hazards = [hazard_reported(now() - minutes(20)) for _ in range(5)]
    updates = [incident_updated(r["event_id"], "solved", now() - minutes(2)) for r in reports[:7]]
    updates += [hazard_updated(h["event_id"], "rectified", now() - minutes(1)) for h in hazards[:2]]
    for _ in range(3):
        push(*reports, *hazards, *updates)
    worker = consumer()
    drain(worker)
    assert (count(Incident), count(Hazard)) == (20, 5)
    with session_scope() as session:
        stored = rollup_rows(session)
        solved = session.scalar(select(func.sum(IncidentDaily.solved)))
        rebuild_rollups(session.connection())
        assert rollup_rows(session) == stored  # the kept rollups equal a rebuild from the raw rows
    assert solved == 7
    live = worker.live
    today = (datetime.now(UTC) + timedelta(hours=8)).date()
    assert sum(live.incidents_on(today).values()) + sum(live.incidents_on(today - timedelta(days=1)).values()) == 20
    assert live.open_hazards() == {"331004-001-0002": 3}


def test_an_update_that_arrives_before_its_report_waits_for_it():
    report = incident_reported(now() - minutes(30))
    hazard = hazard_reported(now() - minutes(30))
    push(
        incident_updated(report["event_id"], "closed", now() - minutes(5)),
        hazard_updated(hazard["event_id"], "rectified", now() - minutes(4)),
    )
    worker = consumer()
    drain(worker)
    assert (count(Incident), count(PendingUpdate), pending()) == (0, 2, 0)  # acked: kept safe in the database
    push(report, hazard)
    drain(worker)
    with session_scope() as session:
        assert session.scalars(select(Incident.status)).one() == "closed"
        assert session.scalars(select(Hazard.status)).one() == "rectified"
    assert count(PendingUpdate) == 0
    assert worker.live.open_hazards() == {}


def test_updates_in_any_order_end_in_the_same_state():
    report = incident_reported(now() - minutes(60))
    steps = [
        incident_updated(report["event_id"], status, now() - minutes(50 - 10 * n))
        for n, status in enumerate(["dispatched", "handling", "solved", "closed"])
    ]
    push(report, *reversed(steps))
    drain(consumer())
    with session_scope() as session:
        row = session.scalars(select(Incident)).one()
    assert row.status == "closed"
    assert row.dispatched_at < row.handling_at < row.solved_at < row.closed_at


def test_malformed_entries_are_dead_lettered_with_their_reason_and_the_rest_stored():
    good = incident_reported()
    push_raw({"event": json.dumps({**incident_reported(), "lat": 95})})
    push_raw({"event": "{not json"})
    push_raw({"something": "else"})
    push_raw({"event": json.dumps(incident_reported(grid_code="331004-009-0009"))})
    push(good)
    assert drain(consumer()) == 5
    reasons = [letter["reason"] for letter in dead_letters()]
    assert reasons[0].startswith("lat: Input should be less than or equal to 90")
    assert reasons[1].startswith("event: Invalid JSON")
    assert reasons[2] == "event: the stream entry has no 'event' field"
    assert reasons[3] == "grid_code: unknown grid '331004-009-0009'"
    assert json.loads(dead_letters()[3]["fields"])["event"]  # the original, ready to replay
    assert (count(Incident), pending()) == (1, 0)


def test_a_dead_consumers_entries_are_taken_over_and_stored_once():
    push(*(incident_reported() for _ in range(30)))
    dying = consumer(name="dying", batch_size=30)
    batch = dying.fetch()  # read, then the process dies before it stores or acks anything
    assert len(batch.entries) == 30 and pending() == 30
    survivor = consumer(name="survivor", reclaim_idle_ms=0)
    assert drain(survivor) == 30
    assert (count(Incident), pending()) == (30, 0)


def test_an_entry_the_database_keeps_refusing_is_dead_lettered_after_three_deliveries():
    # Valid by the contract, refused by the database: no rental house 999 exists (a foreign key).
    push(incident_reported(), incident_reported(rental_house_id=999), incident_reported())
    worker = consumer(reclaim_idle_ms=0)
    for _ in range(6):
        worker.poll_once()
    assert count(Incident) == 2
    assert [letter["reason"] for letter in dead_letters()] == ["not stored after 3 deliveries"]
    assert pending() == 0


def test_patrols_track_the_worker_and_end():
    start = patrol_started(now() - minutes(100))
    ref = start["event_id"]
    fixes = [patrol_position(ref, 28.004 + n / 1e4, 121.004, now() - minutes(90 - n)) for n in range(5)]
    push(start, *fixes)
    worker = consumer()
    drain(worker)
    positions = worker.live.positions()
    assert positions["W331004001001"]["patrol"] == ref
    assert positions["W331004001001"]["lat"] == pytest.approx(28.0044)
    assert count(PatrolPosition) == 5
    push(patrol_ended(ref, now() - minutes(1)), *fixes)  # the replayed fixes change nothing
    drain(worker)
    assert worker.live.positions() == {}
    with session_scope() as session:
        patrol = session.scalars(select(PatrolLog)).one()
    assert patrol.ended_at is not None and patrol.distance_m == 5200.0 and patrol.findings == 2
    assert count(PatrolPosition) == 5
