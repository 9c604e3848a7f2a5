"""Two early-warning workers on one stream (real Redis and database): one evaluates, the other stands by; when the
one evaluating stops, or dies without a word, the standby takes over from where the stream was left, with its windows
rebuilt. A holder whose evaluation stalls (a locked table) keeps its lease and its windows."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from dash.testing.wait import until
from sqlalchemy import func, select

from dashboard.config import get_settings
from dashboard.data.db import session_scope
from dashboard.data.models import Alert
from dashboard.data.periods import Area
from dashboard.data.redis_client import get_redis
from dashboard.warning import alerts
from dashboard.warning.lease import Lease
from dashboard.warning.worker import WarningWorker
from tests.reliability.outages import writes_held
from tests.support.events import incident_reported
from tests.warning.test_worker import dispute, push, setup_city

# The test's leases expire faster than the product's TTL_MS, but not so fast that a busy machine (several test
# processes and browsers on two cores) delays a renewal past the time to live: at 600 ms a keeper thread held up
# for 400 ms lost its lease.
SHORT_TTL_MS = 3000


def test_one_holder_at_a_time_and_a_lost_lease_is_never_renewed_or_released_by_its_old_holder():
    first, second = Lease(get_redis(), ttl_ms=SHORT_TTL_MS), Lease(get_redis(), ttl_ms=SHORT_TTL_MS)
    assert first.hold() and not second.hold()
    assert second.holder_now() == first.holder
    time.sleep(SHORT_TTL_MS / 1000 + 0.2)  # the first stalls past the time to live
    assert second.hold()
    first._renewed_at = -float("inf")  # due to renew: it finds the lease is not its own any more
    assert not first.hold()
    first.release()
    assert second.holder_now() == second.holder  # the old holder deleted nothing
    second.release()
    assert second.holder_now() is None and first.hold()
    first.release()


@contextmanager
def running(worker: WarningWorker, lease: Lease) -> Iterator[threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop, lease), daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=10)


def spike_in(grid: str) -> None:
    for _ in range(4):
        push(incident_reported(grid_code=grid, kind="dispute", subtype="wages", place_type="enterprise"))


def alert_count() -> int:
    with session_scope() as session:
        return int(session.scalar(select(func.count()).select_from(Alert)) or 0)


def test_the_standby_evaluates_only_after_the_holder_stops_and_goes_on_from_there():
    setup_city()
    holder, standby = WarningWorker(get_redis(), block_ms=50), WarningWorker(get_redis(), block_ms=50)
    held, waiting = Lease(get_redis(), ttl_ms=SHORT_TTL_MS), Lease(get_redis(), ttl_ms=SHORT_TTL_MS)
    with running(holder, held) as stop_holder:
        until(lambda: held.held, timeout=5)
        with running(standby, waiting):
            time.sleep(0.3)  # the holder has found the stream's end
            spike_in("331004-001-0001")
            until(lambda: alert_count() >= 2, timeout=10)  # the township's and the grid's spikes
            time.sleep(1)
            assert holder.raised == alert_count() and standby.raised == 0  # one evaluates; nothing twice
            assert not waiting.held
            before = alerts.current_version(get_redis(), Area.county("331081"))
            stop_holder.set()  # a clean stop hands the lease back
            until(lambda: waiting.held, timeout=5)
            spike_in("331081-001-0001")  # after the handover, in another county
            until(lambda: alerts.current_version(get_redis(), Area.county("331081")) > before, timeout=10)
            assert standby.raised >= 2
    with session_scope() as session:
        keys = session.scalars(select(Alert.key)).all()
    assert len(keys) == len(set(keys)) == holder.raised + standby.raised


def test_a_holder_that_dies_is_replaced_when_its_lease_runs_out():
    setup_city()
    dead = Lease(get_redis(), ttl_ms=SHORT_TTL_MS)
    assert dead.hold()  # a worker that took the lease and was killed: it never renews or releases
    worker, lease = WarningWorker(get_redis(), block_ms=50), Lease(get_redis(), ttl_ms=SHORT_TTL_MS)
    with running(worker, lease):
        time.sleep(0.2)
        assert not lease.held  # standing by while the dead one's lease lasts
        until(lambda: lease.held, timeout=SHORT_TTL_MS / 1000 + 5)
        time.sleep(0.3)
        spike_in("331004-001-0001")
        until(lambda: worker.raised >= 2, timeout=10)


def grid_spikes() -> list[tuple[int, str]]:
    with session_scope() as session:
        rows = session.execute(
            select(Alert.count, Alert.rule).where(Alert.rule.in_(["grid_spike", "repeated_disputes"]))
        )
        return sorted((count, rule) for count, rule in rows)


def test_a_holder_whose_evaluation_stalls_past_the_lease_time_keeps_its_lease_and_its_windows():
    setup_city()
    holder, standby = WarningWorker(get_redis(), block_ms=50), WarningWorker(get_redis(), block_ms=50)
    held, waiting = Lease(get_redis(), ttl_ms=SHORT_TTL_MS), Lease(get_redis(), ttl_ms=SHORT_TTL_MS)
    with running(holder, held):
        until(lambda: held.held and holder.rebuilds == 1, timeout=5)
        with running(standby, waiting):
            for n in range(2):
                push(dispute(n))
            until(lambda: holder.cursor() == last_entry(), timeout=5)  # evaluated: two, below the threshold
            windows = holder.rules
            with writes_held("alert"):
                push(dispute(2))  # the third: the holder's write of its alert waits on the lock
                time.sleep(2 * SHORT_TTL_MS / 1000)  # stalled twice the lease's time to live
                assert held.held and not waiting.held
            until(lambda: grid_spikes() == [(3, "grid_spike"), (3, "repeated_disputes")], timeout=10)
            assert holder.rules is windows and holder.rebuilds == 1  # the same windows all along
            assert standby.rebuilds == 0 and standby.raised == standby.updated == 0 and not waiting.held


def test_25_disputes_with_a_failover_in_the_middle_are_one_alert_per_rule_that_reaches_25():
    setup_city()
    holder, standby = WarningWorker(get_redis(), block_ms=50), WarningWorker(get_redis(), block_ms=50)
    held, waiting = Lease(get_redis(), ttl_ms=SHORT_TTL_MS), Lease(get_redis(), ttl_ms=SHORT_TTL_MS)
    with running(holder, held) as stop_holder:
        until(lambda: held.held and holder.rebuilds == 1, timeout=5)
        with running(standby, waiting):
            for n in range(12):
                push(dispute(n))
            until(lambda: grid_spikes() == [(12, "grid_spike"), (12, "repeated_disputes")], timeout=10)
            stop_holder.set()  # the holder stops mid-burst; the standby takes over and rebuilds
            until(lambda: waiting.held and standby.rebuilds == 1, timeout=5)
            for n in range(12, 25):
                push(dispute(n))
            until(lambda: grid_spikes() == [(25, "grid_spike"), (25, "repeated_disputes")], timeout=10)
    assert (holder.raised, standby.raised) == (2, 0)  # raised once, then only grown, across the failover
    with session_scope() as session:
        assert int(session.scalar(select(func.count()).select_from(Alert)) or 0) == 2


def last_entry() -> str:
    newest = get_redis().xrevrange(get_settings().event_stream, count=1)
    return str(newest[0][0]) if newest else ""
