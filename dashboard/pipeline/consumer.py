"""The stream consumer: its own process (`python -m dashboard.pipeline.consumer`), any number in one consumer group.

Each batch: entries a dead consumer left pending (XAUTOCLAIM) first, then new ones. Malformed entries and entries
delivered more than `max_deliveries` times go to the dead-letter stream with the reason and the original fields.
The rest are stored in one database transaction (store.py), then the live state in Redis is told, then everything
handled is acknowledged: an entry is acked only after its commit, so a crash anywhere redelivers it, and the
idempotent writes make the redelivery harmless. While a batch is being stored it is kept claimed (so no other
consumer takes it over and burns its delivery count, however long a write waits), and while the database is down
the consumer holds its batch and retries until the database answers again.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any, cast

from redis import Redis
from redis.exceptions import RedisError, ResponseError
from sqlalchemy import delete
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from dashboard.config import get_settings
from dashboard.data.casework import bump_queues
from dashboard.data.db import session_scope
from dashboard.data.directories import (
    Directory,
    GridPlace,
    codes_by_id,
    department_directory,
    grid_directory,
    worker_directory,
)
from dashboard.data.models import PatrolPosition
from dashboard.data.redis_client import REDIS_DOWN, get_redis
from dashboard.data.routing import Route, Routing, get_routing
from dashboard.logs import configure_logging
from dashboard.pipeline.events import (
    AnyEvent,
    HazardReported,
    IncidentReported,
    IncidentUpdated,
    Located,
    MalformedEvent,
    PatrolStarted,
    from_stream,
)
from dashboard.pipeline.live import LiveState
from dashboard.pipeline.store import Resolved, StoreResult, store_events
from dashboard.pipeline.streams import Entry, as_entries

log = logging.getLogger("dashboard.consumer")


# The group's read counter as it truly stands: entries ever added to the stream, less those after the group's last
# delivered id. Redis forgets the counter over a restart (XINFO then shows no lag, or an old one, until far more is
# read), so each consumer sets it again when it (re)connects. One script: no other consumer moves the group between
# reading it and setting it. Skipped (0) on a Redis without lag (before 7.0), or when too much is unread to count.
REPAIR_LAG = """
local group
for _, fields in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local info = {}
  for i = 1, #fields, 2 do info[fields[i]] = fields[i + 1] end
  if info['name'] == ARGV[1] then group = info end
end
if not group or group['entries-read'] == nil then return 0 end
local last = group['last-delivered-id']
if last == '0-0' then return 0 end
local stream = {}
local reply = redis.call('XINFO', 'STREAM', KEYS[1])
for i = 1, #reply, 2 do stream[reply[i]] = reply[i + 1] end
local unread = redis.call('XRANGE', KEYS[1], '(' .. last, '+', 'COUNT', tonumber(ARGV[2]) + 1)
if #unread > tonumber(ARGV[2]) then return 0 end
redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], last, 'ENTRIESREAD', stream['entries-added'] - #unread)
return 1
"""
LAG_SCAN = 100_000  # entries after the last delivered one counted at most


def route_of(report: IncidentReported | HazardReported, routing: Routing) -> Route:
    """The route of a new report: its department and deadline by the routing matrix."""
    if isinstance(report, IncidentReported):
        return routing.incident(report.kind, report.subtype)
    return routing.hazard(report.category, report.subtype, report.severity)


class DatabaseUnavailable(RuntimeError):
    """The database did not answer; the batch is kept and retried."""


@dataclass
class Batch:
    entries: list[Entry]
    deliveries: dict[str, int] = field(default_factory=dict)  # of reclaimed entries: how often delivered so far


def is_outage(error: SQLAlchemyError) -> bool:
    """A database that is down, restarting, unreachable or busy, as opposed to a row it refuses."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    name = type(getattr(error, "orig", error)).__name__
    return name in {"OperationalError", "InterfaceError", "ConnectionFailure", "AdminShutdown", "CannotConnectNow"}


class StreamConsumer:
    def __init__(
        self,
        client: Redis,
        *,
        name: str | None = None,
        batch_size: int = 500,
        block_ms: int = 1000,
        reclaim_idle_ms: int = 30_000,
        max_deliveries: int = 3,
        retry_seconds: float = 1.0,
    ) -> None:
        settings = get_settings()
        self.client = client
        self.stream, self.group = settings.event_stream, settings.consumer_group
        self.dead_letter = settings.dead_letter_stream
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        self.batch_size, self.block_ms = batch_size, block_ms
        self.reclaim_idle_ms, self.max_deliveries = reclaim_idle_ms, max_deliveries
        self.retry_seconds = retry_seconds
        self.hold_seconds = min(5.0, max(reclaim_idle_ms, 300) / 3000)  # well within reclaim_idle_ms
        self.grids: Directory[GridPlace] = grid_directory()
        self.workers: Directory[int] = worker_directory()
        self.departments: Directory[int] = department_directory()
        self.routing = get_routing()  # an incomplete matrix stops the consumer at start-up, naming the entry
        self.live = LiveState(client)
        self.stored = 0  # events this consumer stored (or found stored already), for tests and benchmarks
        self._last_prune = 0.0

    # the group ---------------------------------------------------------------------------------------------------
    def ensure_group(self) -> None:
        """The group (made if missing), with its lag counted right (after a Redis restart it is not)."""
        try:
            self.client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise
        try:
            self.client.eval(REPAIR_LAG, 1, self.stream, self.group, LAG_SCAN)
        except ResponseError as error:  # a Redis without ENTRIESREAD (before 7.0): it shows no lag to repair
            log.info("consumer group lag not repaired: %s", error)

    # one batch ---------------------------------------------------------------------------------------------------
    def fetch(self) -> Batch:
        """Stale entries of dead consumers first; otherwise new ones, waiting up to block_ms."""
        reply = self.client.xautoclaim(self.stream, self.group, self.name, self.reclaim_idle_ms, count=self.batch_size)
        reclaimed = as_entries(reply[1])
        if reclaimed:
            pending = self.client.xpending_range(
                self.stream,
                self.group,
                min=reclaimed[0][0],
                max=reclaimed[-1][0],
                count=len(reclaimed) * 2,
                consumername=self.name,
            )
            counts = {str(item["message_id"]): int(item["times_delivered"]) for item in pending}
            return Batch(reclaimed, counts)
        fresh = cast(
            list[Any],
            self.client.xreadgroup(
                self.group, self.name, {self.stream: ">"}, count=self.batch_size, block=self.block_ms
            ),
        )
        return Batch([entry for _, entries in fresh or [] for entry in as_entries(entries)])

    def resolve(self, event: AnyEvent) -> Resolved:
        """Look up what the event names; an unknown grid, worker or department is a malformed event."""
        grid = None
        if isinstance(event, Located):
            grid = self.grids.get(event.grid_code)
            if grid is None:
                raise MalformedEvent(f"grid_code: unknown grid {event.grid_code!r}")
        worker_id = None
        if isinstance(event, PatrolStarted):
            worker_id = self.workers.get(event.worker_code)
            if worker_id is None:
                raise MalformedEvent(f"worker_code: unknown worker {event.worker_code!r}")
        if isinstance(event, IncidentUpdated) and event.department and self.departments.get(event.department) is None:
            raise MalformedEvent(f"department: unknown department {event.department!r}")
        if isinstance(event, IncidentReported | HazardReported):  # routed on ingest: its department and deadline
            route = route_of(event, self.routing)
            return Resolved(grid=grid, department_id=self.departments.get(route.department), deadline=route.deadline)
        return Resolved(grid=grid, worker_id=worker_id)

    def process(self, batch: Batch) -> int:
        """Store, dead-letter and acknowledge one batch. Returns how many entries were acked.
        Raises DatabaseUnavailable (nothing acked) when the database does not answer."""
        good: list[tuple[str, AnyEvent, Resolved]] = []
        dead: list[tuple[str, dict[str, str], str]] = []
        for stream_id, fields in batch.entries:
            delivered = batch.deliveries.get(stream_id, 1)
            if delivered > self.max_deliveries:
                dead.append((stream_id, fields, f"not stored after {delivered - 1} deliveries"))
                continue
            try:
                event = from_stream(fields)
                good.append((stream_id, event, self.resolve(event)))
            except MalformedEvent as error:
                dead.append((stream_id, fields, str(error)))
            except SQLAlchemyError as error:  # a directory reloading while the database is down
                if is_outage(error):
                    raise DatabaseUnavailable(str(error)) from error
                raise
        stored_ids, refused = self.store(good)
        fields_of = dict(batch.entries)
        dead.extend((stream_id, fields_of[stream_id], reason) for stream_id, reason in refused.items())
        self.park(dead)
        done = [*stored_ids, *(stream_id for stream_id, _, _ in dead)]
        return int(self.client.xack(self.stream, self.group, *done)) if done else 0

    def store(self, good: Sequence[tuple[str, AnyEvent, Resolved]]) -> tuple[list[str], dict[str, str]]:
        """All in one transaction. If the batch is refused (by the database, or by an error storing one of its events;
        not an outage), it is split in halves and each half tried the same way, so one bad entry among n costs about
        2·log2(n) transactions instead of n. An entry refused alone by the contract's rules (MalformedEvent) is
        returned with its reason, to dead-letter now; one refused alone by the database stays pending (it comes back,
        and after max_deliveries goes to the dead-letter stream). Redis errors and outages are raised: nothing is
        acked. Returns the stream ids stored, and the refused ones with their reasons."""
        if not good:
            return [], {}
        try:
            self._commit(good)
            return [stream_id for stream_id, _, _ in good], {}
        except RedisError:
            raise
        except Exception as error:
            self._raise_outage(error)
            if len(good) == 1:
                if isinstance(error, MalformedEvent):
                    return [], {good[0][0]: str(error)}
                log.error("entry %s refused: %s: %s; it stays pending", good[0][0], type(error).__name__, error)
                return [], {}
            log.warning("%d events refused together (%s); trying each half", len(good), type(error).__name__)
        middle = len(good) // 2
        first_stored, first_refused = self.store(good[:middle])
        second_stored, second_refused = self.store(good[middle:])
        return first_stored + second_stored, {**first_refused, **second_refused}

    @staticmethod
    def _raise_outage(error: Exception) -> None:
        if isinstance(error, SQLAlchemyError) and is_outage(error):
            raise DatabaseUnavailable(str(error)) from error

    def _commit(self, good: Sequence[tuple[str, AnyEvent, Resolved]]) -> None:
        received = datetime.now(UTC).replace(tzinfo=None)
        with session_scope() as session:
            result: StoreResult = store_events(session, [(event, resolved) for _, event, resolved in good], received)
        self.live.record(result, codes_by_id(self.grids))
        bump_queues(self.client, result.handled_townships)  # the queues showing these townships redraw
        self.stored += len(good)

    def park(self, dead: Sequence[tuple[str, dict[str, str], str]]) -> None:
        """Append to the dead-letter stream: the reason (naming the field), the stream id and the original fields."""
        if not dead:
            return
        pipe = self.client.pipeline(transaction=True)
        for stream_id, fields, reason in dead:
            original = json.dumps(fields, ensure_ascii=False)
            pipe.xadd(self.dead_letter, {"reason": reason, "stream_id": stream_id, "fields": original})
            log.warning("dead-lettered %s: %s", stream_id, reason)
        pipe.execute()

    def hold(self, batch: Batch) -> None:
        """Keep a batch claimed, without counting a delivery (XCLAIM JUSTID resets the entries' idle time)."""
        ids: list[int | bytes | str | memoryview[int]] = [stream_id for stream_id, _ in batch.entries]
        if ids:
            self.client.xclaim(self.stream, self.group, self.name, 0, ids, justid=True)

    @contextmanager
    def holding(self, batch: Batch) -> Iterator[None]:
        """Hold the batch every few seconds while it is being stored: a write waiting on a lock or on busy_timeout,
        or a database outage, must not let another consumer take it over and count its deliveries up."""
        if not batch.entries:
            yield
            return
        done = threading.Event()

        def keep_claimed() -> None:
            while not done.wait(self.hold_seconds):
                try:
                    self.hold(batch)
                except (RedisError, OSError, ValueError) as error:  # Redis down: the main loop finds out too
                    log.warning("could not hold %d entries: %s", len(batch.entries), error)

        keeper = threading.Thread(target=keep_claimed, name=f"hold-{self.name}", daemon=True)
        keeper.start()
        try:
            yield
        finally:
            done.set()
            keeper.join()

    # the loop ----------------------------------------------------------------------------------------------------
    def poll_once(self) -> int:
        batch = self.fetch()
        with self.holding(batch):
            while True:
                try:
                    return self.process(batch)
                except DatabaseUnavailable as error:
                    log.warning("database unavailable (%s); holding %d entries", error, len(batch.entries))
                    time.sleep(self.retry_seconds)

    def prune_positions(self) -> None:
        """Drop GPS fixes older than the retention period (at most every ten minutes)."""
        if time.monotonic() - self._last_prune < 600:
            return
        self._last_prune = time.monotonic()
        cutoff = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=get_settings().position_retention_days)
        with session_scope() as session:
            session.execute(delete(PatrolPosition).where(PatrolPosition.recorded_at < cutoff))

    def run(self, stop: threading.Event) -> None:
        log.info("consumer %s reading %s as group %s", self.name, self.stream, self.group)
        ready = False
        while not stop.is_set():
            try:
                if not ready:
                    self.ensure_group()  # also after a start while Redis was down
                    ready = True
                self.poll_once()
                self.prune_positions()
            except REDIS_DOWN as error:  # RedisError, or a socket another thread's error handling closed
                log.warning("Redis unavailable (%s: %s); retrying", type(error).__name__, error)
                ready = False  # a restarted Redis: the group again, and its lag counted again
                stop.wait(self.retry_seconds)
            except SQLAlchemyError as error:
                log.warning("database error outside a batch (%s); retrying", error)
                stop.wait(self.retry_seconds)
        log.info("consumer %s stopped after storing %d events", self.name, self.stored)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.pipeline.consumer", description=__doc__.splitlines()[0])
    parser.add_argument("--name", help="consumer name in the group (default: host-pid)")
    parser.add_argument("--batch", type=int, default=500, help="entries per batch (default 500)")
    parser.add_argument(
        "--reclaim-idle-ms",
        type=int,
        default=30_000,
        help="take over entries another consumer left pending this long (default 30000)",
    )
    args = parser.parse_args(argv)
    configure_logging()
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping after this batch (signal %d)", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    consumer = StreamConsumer(get_redis(), name=args.name, batch_size=args.batch, reclaim_idle_ms=args.reclaim_idle_ms)
    consumer.run(stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
