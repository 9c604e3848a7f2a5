"""The database unavailable for 60 s under two running consumers: nothing is acked meanwhile, no delivery is counted
twice, nothing is dead-lettered, and when the database is back they store everything once by themselves.

The outage is real. PostgreSQL: the consumers reach the server through a proxy that drops every connection and
refuses new ones for 60 s. SQLite: another connection holds `BEGIN EXCLUSIVE` for 60 s, so each write waits out
busy_timeout and fails with 'database is locked'.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from dashboard.config import get_settings
from tests.reliability.outages import database_proxy, writes_held
from tests.reliability.traffic import (
    burst,
    dead_letters,
    drained,
    live_totals,
    pending,
    pending_entries,
    push,
    records,
    rollup_totals,
    stored_ids,
)
from tests.support.events import incident_reported
from tests.support.servers import Launcher, Proxy, until

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = 60
RECLAIM_IDLE_MS = 30_000  # the consumers' default: entries idle this long may be taken over by another consumer


class Outage:
    """Two consumers, running; `begin()` takes the database away from them, `end()` gives it back."""

    def __init__(self, launcher: Launcher) -> None:
        self.proxy: Proxy | None = None
        env = None
        if get_settings().backend == "postgresql":
            self.proxy, url = database_proxy()
            env = {"DATABASE_URL": url}
        self.consumers = [launcher.consumer(name, env=env) for name in ("a", "b")]
        self.lock = ExitStack()

    def begin(self) -> None:
        if self.proxy:
            self.proxy.cut()
        else:
            self.lock.enter_context(writes_held())

    def end(self) -> None:
        if self.proxy:
            self.proxy.restore()
        self.lock.close()


@pytest.fixture
def outage(launcher: Launcher) -> Iterator[Outage]:
    made = Outage(launcher)
    yield made
    made.lock.close()
    if made.proxy:
        made.proxy.stop()


def test_without_the_database_for_60_s_nothing_is_acked_or_lost_and_the_consumers_resume_by_themselves(
    outage: Outage, token: str
) -> None:
    events = burst(3_000)
    unknown_grid = incident_reported(grid_code="331004-009-0009")  # names no grid: looking it up needs the database
    consumers = outage.consumers
    push(events[:500])
    until(lambda: records() == 500 and drained(), timeout=120, message=lambda: consumers[0].log()[-3000:])

    outage.begin()
    push([*events[500:1_200], unknown_grid, *events[1_200:]])
    until(lambda: pending() == 1_000, timeout=60, message=lambda: f"{pending()} pending")  # a batch each
    held = {entry["message_id"] for entry in pending_entries()}
    began = time.monotonic()
    while time.monotonic() - began < OUTAGE_SECONDS:
        time.sleep(2)
        entries = pending_entries()
        assert {entry["message_id"] for entry in entries} == held  # nothing acked, nothing else handed out
        assert {entry["times_delivered"] for entry in entries} == {1}  # nor taken over: no delivery counted twice
        assert max(entry["time_since_delivered"] for entry in entries) < RECLAIM_IDLE_MS  # kept claimed
        assert (records(), dead_letters()) == (500, [])
        assert all(consumer.running() for consumer in consumers)
    outage.end()

    until(
        lambda: records() == 3_000 and drained(),
        timeout=120,
        message=lambda: f"{records()} stored, {pending()} pending: {consumers[0].log()[-3000:]}",
    )
    assert stored_ids() == Counter(event["event_id"] for event in events)
    totals = rollup_totals()
    assert totals["reported"] + totals["found"] == 3_000
    assert live_totals() == {"incidents": totals["reported"], "open_hazards": totals["found"]}
    assert [letter["reason"] for letter in dead_letters()] == ["grid_code: unknown grid '331004-009-0009'"]
    assert all(consumer.running() for consumer in consumers)  # nobody restarted them
