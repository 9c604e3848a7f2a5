"""Handling as deployed: a step taken by one account, until the account it concerns sees it in its queue. Prints
figures beside the target; asserts nothing.

    .venv/bin/python -m bench.bench_casework [--items 40] [--gap 1.0] [--own-consumer]

Run it with the install's own settings (the same environment as `make run`, or none for the embedded default): it
uses the install's database, Redis and stream consumers (`--own-consumer` runs one in this process, for a database
no install serves). It takes up to `--items` reports of one township that no one handled yet (reporting new ones
through the stream when there are too few) and, one every `--gap` seconds, dispatches each as a city operator would
(dashboard.ingest.take_step: the door's checks, then the stream). Meanwhile the township's queue page is played as
the browser runs it: every POLL_MS, from a random phase, the queue's version in Redis; when it moved, the queue
query (dashboard.data.casework.queue) as the page's callback runs it.

- applied: from the click to the step applied by a consumer (its outcome stored);
- in the queue: from the click to the township's queue listing the item as 待签收 (to sign for), the page's polling
  included. Target: p95 <= 1 s. HTTP and drawing the page (tens of milliseconds) are not included;
- then what one drawing of a queue costs in the database (every open item of the area counted by state, the 200
  nearest deadlines listed), for the township, its county and the city, and the wall's handling tile for each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import threading
import time
from datetime import timedelta
from uuid import uuid4

from sqlalchemy import func, select

from dashboard.components.queue_table import POLL_MS
from dashboard.data.casework import QueueFilter, locate, loop_counts, outcome_of, queue, queue_version
from dashboard.data.db import session_scope
from dashboard.data.handling import Actor, State, Step
from dashboard.data.models import Grid, Incident, RecordHandling
from dashboard.data.periods import CITY, Area, utc_now
from dashboard.data.redis_client import get_redis
from dashboard.data.vocab import Role
from dashboard.ingest import step_event, take_step
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.streams import append_events

OPERATOR = Actor("bench-operator", Role.CITY_OPERATOR, None)
TARGET_S = 1.0


def say(line: str = "") -> None:
    print(line, flush=True)


def pick_township() -> str:
    """The township with the most grids (plenty of room for new reports)."""
    with session_scope() as session:
        return str(
            session.scalar(
                select(Grid.township_code).group_by(Grid.township_code).order_by(func.count().desc()).limit(1)
            )
        )


def untouched(township: str, wanted: int) -> list[int]:
    """Reported incidents of the township that no one has acted on, newest first."""
    handled = select(RecordHandling.record_id).where(
        RecordHandling.record == "incident", RecordHandling.record_id == Incident.id
    )
    with session_scope() as session:
        rows = session.scalars(
            select(Incident.id)
            .where(
                Incident.township_code == township, Incident.status == "reported", Incident.department_id.is_not(None)
            )
            .where(~handled.exists())
            .order_by(Incident.id.desc())
            .limit(wanted)
        )
        return list(rows)


def report_more(township: str, count: int) -> None:
    """New disputes in the township's grids, straight into the stream (the consumers store them)."""
    with session_scope() as session:
        grids = session.execute(
            select(Grid.code, Grid.centroid_lat, Grid.centroid_lon).where(Grid.township_code == township).limit(20)
        ).all()
    now = utc_now().isoformat() + "+00:00"
    events = [
        parse_event(
            {
                "type": "incident.reported",
                "event_id": str(uuid4()),
                "device_id": "bench-casework",
                "worker_code": "bench",
                "occurred_at": now,
                "grid_code": code,
                "lat": lat,
                "lon": lon,
                "kind": "dispute",
                "subtype": "neighbourhood",
                "place_type": "residence",
                "summary": "bench: 派单到待办",
            }
        )
        for number in range(count)
        for code, lat, lon in [grids[number % len(grids)]]
    ]
    append_events(get_redis(), events)


def seen_in_queue(township: str, record_id: int, clicked: float, results: list[float], done: threading.Event) -> None:
    """The township's queue page: poll the version every POLL_MS (from a random phase); when it moved, the query."""
    client, area = get_redis(), Area.township(township)
    time.sleep(random.random() * POLL_MS / 1000)
    last = None
    while not done.is_set():
        version = queue_version(client, township)
        if version != last:
            last = version
            with session_scope() as session:
                rows, _ = queue(session, area, Role.TOWNSHIP_STAFF, QueueFilter(state=State.DISPATCHED), now=utc_now())
            if any(row["record"] == "incident" and row["id"] == record_id for row in rows):
                results.append(time.monotonic() - clicked)
                return
        time.sleep(POLL_MS / 1000)


def query_costs(township: str, repeats: int = 20) -> None:
    """The queue's and the tile's database cost per drawing, for the township, its county and the city."""
    areas = (
        (Area.township(township), Role.TOWNSHIP_STAFF),
        (Area.county(township[:6]), Role.COUNTY_LEADER),
        (CITY, Role.CITY_OPERATOR),
    )
    for area, role in areas:
        for name in ("queue", "tile"):
            costs = []
            with session_scope() as session:
                for _ in range(repeats):
                    started, now = time.monotonic(), utc_now()
                    if name == "queue":
                        queue(session, area, role, QueueFilter(), now=now)
                    else:
                        loop_counts(session, area, now=now, day_start=now - timedelta(hours=12))
                    costs.append(time.monotonic() - started)
            p50, p95 = statistics.median(costs) * 1000, percentile(costs, 0.95) * 1000
            say(f"{name:>6} of {area.code or 'the city':>9}: p50 {p50:6.0f} ms   p95 {p95:6.0f} ms")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_casework", description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40, help="steps to time (default 40)")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between two steps (default 1)")
    parser.add_argument("--own-consumer", action="store_true", help="run a stream consumer in this process")
    args = parser.parse_args()
    stop = threading.Event()
    if args.own_consumer:
        worker = StreamConsumer(get_redis(), name="bench-casework", block_ms=100)
        threading.Thread(target=worker.run, args=(stop,), daemon=True).start()
    township = pick_township()
    items = untouched(township, args.items)
    if len(items) < args.items:
        report_more(township, args.items - len(items))
        deadline = time.monotonic() + 30
        while len(items) < args.items and time.monotonic() < deadline:
            time.sleep(0.5)
            items = untouched(township, args.items)
    say(f"township {township}: {len(items)} reports to dispatch, one every {args.gap:g} s")
    say(f"the township's queue page polls every {POLL_MS} ms")
    applied: list[float] = []
    shown: list[float] = []
    refused = 0
    for record_id in items:
        with session_scope() as session:
            found = locate(session, "incident", record_id)
        if found is None:
            continue
        _row, item = found
        done = threading.Event()
        clicked = time.monotonic()
        watcher = threading.Thread(target=seen_in_queue, args=(township, record_id, clicked, shown, done), daemon=True)
        watcher.start()
        action = uuid4()
        event = step_event(OPERATOR, "incident", record_id, Step.DISPATCH, seen_version=item.version,
                           action_id=action, department=item.department)  # fmt: skip
        answer = take_step(event, wait_s=0)
        if answer is not None:  # refused at the door (someone else acted on it meanwhile)
            refused += 1
            done.set()
            continue
        while time.monotonic() - clicked < 10:
            with session_scope() as session:
                if outcome_of(session, str(action)) is not None:
                    applied.append(time.monotonic() - clicked)
                    break
            time.sleep(0.01)
        watcher.join(10)
        done.set()
        time.sleep(max(0.0, args.gap - (time.monotonic() - clicked)))
    stop.set()
    say(f"steps timed: {len(shown)} (refused at the door: {refused})")
    for name, values in (("applied (consumer)", applied), ("in the recipient's queue", shown)):
        if values:
            p50, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
            say(f"{name:>26}: p50 {p50:6.0f} ms   p95 {p95:6.0f} ms   max {max(values) * 1000:6.0f} ms")
    if shown:
        verdict = "met" if percentile(shown, 0.95) <= TARGET_S else "NOT met"
        say(f"target: action -> recipient's queue p95 <= {TARGET_S:g} s: {verdict}")
    say("one drawing's database cost:")
    query_costs(township)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
