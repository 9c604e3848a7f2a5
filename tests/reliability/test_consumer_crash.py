"""A consumer that dies in the middle of a batch: another one takes its pending entries over and stores them once,
whether it died before its commit (kill -9 of the process) or after it, before telling the live state and acking."""

from __future__ import annotations

from collections import Counter

from dashboard.data.db import session_scope
from dashboard.data.redis_client import get_redis
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import from_stream
from dashboard.pipeline.store import store_events
from tests.reliability.outages import writes_held
from tests.reliability.traffic import (
    burst,
    dead_letters,
    drained,
    live_totals,
    pending,
    pending_by_consumer,
    push,
    records,
    rollup_totals,
    stored_ids,
)
from tests.support.events import hazard_updated, now
from tests.support.servers import Launcher, until


def test_a_consumer_killed_mid_batch_leaves_its_entries_to_another_that_stores_them_once(
    launcher: Launcher, token: str
) -> None:
    events = burst(2_000)
    push(events)
    with writes_held():  # its write waits on the lock: it has read its batch and is in the middle of storing it
        dying = launcher.consumer("dying")
        until(
            lambda: pending_by_consumer().get("dying") == 500,
            timeout=60,
            message=lambda: f"{pending_by_consumer()}: {dying.log()}",
        )
        assert records() == 0
        dying.kill()
    assert pending_by_consumer() == {"dying": 500}  # its batch, left pending by a process that is gone

    survivor = launcher.consumer("survivor", "--reclaim-idle-ms", "1000")
    until(
        lambda: records() == 2_000 and drained(),
        timeout=120,
        message=lambda: f"{records()} stored, {pending_by_consumer()} pending: {survivor.log()[-3000:]}",
    )
    assert stored_ids() == Counter(event["event_id"] for event in events)
    totals = rollup_totals()
    assert totals["reported"] + totals["found"] == 2_000
    assert live_totals() == {"incidents": totals["reported"], "open_hazards": totals["found"]}
    assert dead_letters() == []


def test_a_consumer_that_died_between_its_commit_and_its_ack_is_made_good_by_the_next(token: str) -> None:
    reports = burst(1_000)
    hazards = [event for event in reports if event["type"] == "hazard.reported"]
    rectified = [hazard_updated(hazard["event_id"], "rectified", now()) for hazard in hazards[:50]]
    push(reports + rectified)
    dying = StreamConsumer(get_redis(), name="dying", batch_size=2_000, block_ms=10)
    dying.ensure_group()
    batch = dying.fetch()
    stored = []
    for _, fields in batch.entries:
        event = from_stream(fields)
        stored.append((event, dying.resolve(event)))
    with session_scope() as session:  # its commit went through; then it died: no live update, no ack
        store_events(session, stored, now().replace(tzinfo=None))
    assert pending() == 1_050 and records() == 1_000

    survivor = StreamConsumer(get_redis(), name="survivor", reclaim_idle_ms=0, block_ms=10)
    while survivor.poll_once():
        pass
    assert stored_ids() == Counter(event["event_id"] for event in reports)
    totals = rollup_totals()
    assert (totals["reported"], totals["found"], totals["rectified"]) == (800, 200, 50)  # counted once, not twice
    assert live_totals() == {"incidents": 800, "open_hazards": 150}  # the wall hears of them after all
    assert (pending(), dead_letters()) == (0, [])
