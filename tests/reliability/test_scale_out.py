"""Scale-out: two web workers (`gunicorn app:server --workers 2`) and two consumers (`python -m
dashboard.pipeline.consumer`, separate processes) on one database and one Redis share a 10,000-event burst: every event
stored once, both web workers answering, both consumers doing their share. On SQLite as on PostgreSQL: the embedded
default must take several writers too (they wait on each other's lock, within busy_timeout)."""

from __future__ import annotations

import re
from collections import Counter

from tests.reliability.traffic import (
    burst,
    dead_letters,
    drained,
    live_totals,
    pending,
    post_all,
    readers,
    records,
    rollup_totals,
    stored_ids,
)
from tests.support.servers import Launcher, answering_workers, until


def test_two_web_workers_and_two_consumers_store_every_event_of_a_burst_once(launcher: Launcher, gateway: str) -> None:
    web, base = launcher.web(workers=2)
    consumers = [launcher.consumer(name) for name in ("one", "two")]
    until(lambda: readers() == 2, timeout=60, message=lambda: "\n".join(c.log() for c in consumers))
    events = burst(10_000)

    assert post_all(base, gateway, events, senders=4) == {202: 20}
    until(
        lambda: records() == 10_000 and drained(),
        timeout=180,
        message=lambda: f"{records()} stored, {pending()} pending",
    )
    assert [consumer.stop() for consumer in consumers] == [0, 0]  # SIGTERM: each finishes its batch and says so
    shares = {
        consumer.name: int(re.findall(r"stopped after storing (\d+) events", consumer.log())[-1])
        for consumer in consumers
    }
    answered_by = answering_workers(web.log(), "POST 202")

    assert stored_ids() == Counter(event["event_id"] for event in events)  # every event stored exactly once
    totals = rollup_totals()
    assert totals["reported"] + totals["found"] == 10_000
    assert live_totals() == {"incidents": totals["reported"], "open_hazards": totals["found"]}
    assert dead_letters() == []
    assert sum(shares.values()) == 10_000 and min(shares.values()) > 0, shares  # both consumers did work
    assert len(answered_by) == 2 and sum(answered_by.values()) == 20, answered_by  # both web workers answered
