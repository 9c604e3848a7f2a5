"""The simulator's platforms take each planned step when its item is ready for it, through the stream, as accounts of
the command room and of the item's township: the queues move under `make run`."""

from __future__ import annotations

from sqlalchemy import select

from dashboard.data.casework import locate, timeline
from dashboard.data.db import session_scope
from dashboard.data.handling import State, Step
from dashboard.data.models import Department, Incident
from dashboard.data.redis_client import get_redis
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.streams import append_events
from dashboard.simulation.platforms import Plan, Platforms
from tests.support.events import add_worker, incident_reported
from tests.support.factories import add_city


def drain() -> None:
    worker = StreamConsumer(get_redis(), name="test", block_ms=10)
    worker.ensure_group()
    while worker.poll_once():
        pass


def test_planned_steps_are_taken_in_order_each_when_its_item_is_ready():
    with session_scope() as session:
        add_city(session)
        add_worker(session)
        session.add(
            Department(code="comprehensive_governance", name="综治办", name_en="Governance", platform="governance")
        )
    report = incident_reported(kind="dispute", subtype="neighbourhood", place_type="residence")
    plans = [Plan(step, "incident", report["event_id"]) for step in (Step.DISPATCH, Step.ACCEPT, Step.NOTE)]
    platforms = Platforms(get_redis())
    assert platforms.take(list(plans)) == plans  # not stored yet: every step waits
    append_events(get_redis(), [parse_event(report)])
    drain()
    waiting = platforms.take(plans)
    assert [plan.step for plan in waiting] == [Step.ACCEPT, Step.NOTE]  # dispatched; signing for waits for it
    for _ in range(2):
        drain()
        waiting = platforms.take(waiting)
    drain()
    assert waiting == [] and platforms.taken == 3
    with session_scope() as session:
        record_id = session.scalar(select(Incident.id))
        found = locate(session, "incident", record_id)
        assert found is not None and found[1].state is State.HANDLING
        taken = [(step.step, step.actor) for step in timeline(session, "incident", record_id)]
    assert taken == [("dispatch", "sim-command"), ("accept", "sim-331004001"), ("note", "sim-331004001")]
