"""Events per second from the ingest API through the Redis stream into the database, with one and two consumers,
on SQLite and PostgreSQL, against a naive insert-and-commit-per-event baseline in the same run. Prints figures;
asserts nothing.

    .venv/bin/python -m bench.bench_pipeline [--events 10000] [--postgres URL | --no-postgres] [--appendfsync always]

Each database gets a fresh SQLite file or a throwaway PostgreSQL schema, the tiny test city and a device token; one
redis-server (append-only; fsync everysec as `make run` has it, or always as the reliability tests run it) and
`gunicorn app:server --workers 2` serve the API. For one and for two consumers
(`python -m dashboard.pipeline.consumer`):
- burst: 10,000 events POSTed in batches of 500 by 4 senders while the consumers run, timed from the first POST
  until the last event is committed and acknowledged (the target: a 10,000-event burst drained within 10 s);
- drain: 10,000 events waiting in the stream; consumers started, timed from their first read until all are stored.
The baseline checks each event as the API does, then inserts and commits it on its own: no stream, no rollups.

Events per second depend on what else the machine runs. CPU time per event does not, much: each run also reports
the CPU seconds its processes spent (web workers, consumers, redis-server, and the PostgreSQL backends serving
them), per event, and what that total allows on two cores given to the pipeline alone.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import psutil
from sqlalchemy import create_engine, text

from dashboard.config import get_settings
from dashboard.data import db
from dashboard.data.db import session_scope
from dashboard.data.directories import grid_directory
from dashboard.data.models import Base, Hazard, Incident
from dashboard.data.redis_client import get_redis
from dashboard.pipeline.events import HazardReported, IncidentReported, parse_event
from dashboard.pipeline.store import hazard_row, incident_row
from tests.conftest import reset_cached, schema_url
from tests.reliability.traffic import burst, drained, pending, post_all, readers, records
from tests.support.events import add_gateway
from tests.support.factories import add_city
from tests.support.servers import Launcher, RedisServer, Service

SENDERS = 4
CORES = 2
APPLICATION = "bench-pipeline"  # the PostgreSQL application_name of every connection of the run
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
RECORD_TABLES = (
    "incident",
    "hazard",
    "patrol_log",
    "patrol_position",
    "pending_update",
    "incident_daily",
    "hazard_daily",
)
PARTS = ("web", "consumers", "redis", "postgres", "bench")


@dataclass
class Figures:
    database: str
    run: str
    events: int
    seconds: float
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per part
    note: str = ""

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    def per_event(self, part: str) -> float:
        return self.cpu.get(part, 0.0) / self.events * 1e6

    @property
    def cpu_per_event(self) -> float:
        return sum(self.per_event(part) for part in PARTS)


class CpuMeter:
    """CPU seconds (user + system) of the pipeline's processes; a process that starts meanwhile counts from zero."""

    def __init__(self, redis_server: RedisServer, web: Service | None, consumers: list[Service]) -> None:
        self.parts: dict[str, Callable[[], list[int]]] = {
            "web": lambda: [] if web is None else family(web.pid),
            "consumers": lambda: [consumer.pid for consumer in consumers],
            "redis": lambda: [redis_server.process.pid] if redis_server.process else [],
            "postgres": backends,
            "bench": lambda: [os.getpid()] if web is None else [],  # the baseline runs in this process
        }
        self.before = self.sample()

    def sample(self) -> dict[str, dict[int, float]]:
        return {part: {pid: cpu_seconds(pid) for pid in pids()} for part, pids in self.parts.items()}

    def spent(self) -> dict[str, float]:
        after = self.sample()
        return {
            part: sum(seconds - self.before[part].get(pid, 0.0) for pid, seconds in after[part].items())
            for part in self.parts
        }


def family(pid: int) -> list[int]:
    process = psutil.Process(pid)
    return [pid, *(child.pid for child in process.children(recursive=True))]


def cpu_seconds(pid: int) -> float:
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


def backends() -> list[int]:
    """The PostgreSQL server processes serving this run's connections (none on SQLite)."""
    if get_settings().backend != "postgresql":
        return []
    with db.get_engine().connect() as connection:
        query = text("SELECT pid FROM pg_stat_activity WHERE application_name = :name")
        return [int(pid) for pid in connection.execute(query, {"name": APPLICATION}).scalars()]


def wait(condition: Callable[[], bool], timeout: float = 600) -> float:
    """Poll every 10 ms; the moment the condition held (time.perf_counter())."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the pipeline did not get there")
        time.sleep(0.01)
    return time.perf_counter()


def all_stored(events: int) -> Callable[[], bool]:
    """Every entry acknowledged, so committed. Asks Redis only: polling the database would slow it down."""

    def check() -> bool:
        return drained() and get_redis().xlen(get_settings().event_stream) >= events

    return check


@contextmanager
def database(kind: str, postgres: str, workdir: Path) -> Iterator[None]:
    """A fresh database with the tables, DATABASE_URL pointing at it."""
    schema = f"bench_{uuid4().hex[:8]}"
    if kind == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.db'}"
    else:
        with create_engine(postgres).begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        os.environ["DATABASE_URL"] = f"{schema_url(postgres, schema)}&application_name={APPLICATION}"
    reset_cached()
    Base.metadata.create_all(db.get_engine())
    try:
        yield
    finally:
        reset_cached()
        if kind == "postgresql":
            with create_engine(postgres).begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def empty_pipeline() -> None:
    """No records, rollups, stream entries or live state: the next run starts from nothing."""
    with db.get_engine().begin() as connection:
        for table in RECORD_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))
    client, settings = get_redis(), get_settings()
    client.delete(settings.event_stream, settings.dead_letter_stream)
    for key in client.scan_iter(match=f"{settings.live_prefix}*"):
        client.delete(key)


def send(base: str, token: str, events: list[dict[str, object]]) -> None:
    statuses = post_all(base, token, events, senders=SENDERS)
    if set(statuses) != {202}:
        raise RuntimeError(f"the API refused batches: {statuses}")


def consumers_named(count: int) -> str:
    return f"{count} consumer{'s' if count > 1 else ''}"


def run_burst(
    kind: str, redis_server: RedisServer, web: Service, base: str, token: str, count: int, events: int, workdir: Path
) -> Figures:
    empty_pipeline()
    launcher = Launcher(workdir)
    consumers = [launcher.consumer(f"bench-{number}") for number in range(count)]
    wait(lambda: readers() == count, timeout=120)
    batch = burst(events, seed=count)
    meter = CpuMeter(redis_server, web, consumers)
    started = time.perf_counter()
    send(base, token, batch)
    posted = time.perf_counter()
    finished = wait(all_stored(events))
    cpu = meter.spent()
    launcher.stop_all()
    assert records() == events, records()
    note = f"API took all in {posted - started:.2f} s ({events / (posted - started):,.0f}/s)"
    return Figures(kind, f"burst, {consumers_named(count)}", events, finished - started, cpu, note)


def run_drain(
    kind: str, redis_server: RedisServer, base: str, token: str, count: int, events: int, workdir: Path
) -> Figures:
    empty_pipeline()
    send(base, token, burst(events, seed=10 + count))
    launcher = Launcher(workdir)
    consumers = [launcher.consumer(f"bench-{number}") for number in range(count)]
    started = wait(lambda: pending() > 0, timeout=120)  # the first batch is read: start-up is over
    meter = CpuMeter(redis_server, None, consumers)
    finished = wait(all_stored(events))
    cpu = meter.spent()
    cpu["bench"] = 0.0
    launcher.stop_all()
    assert records() == events, records()
    return Figures(kind, f"drain, {consumers_named(count)}", events, finished - started, cpu)


def run_baseline(kind: str, redis_server: RedisServer, events: int) -> Figures:
    """The naive way: check the event, look its grid up, INSERT, COMMIT; one event at a time, in this process."""
    empty_pipeline()
    grids = grid_directory()
    batch = burst(events, seed=99)
    meter = CpuMeter(redis_server, None, [])
    started = time.perf_counter()
    for item in batch:
        event = parse_event(item)
        assert isinstance(event, IncidentReported | HazardReported)
        grid = grids.get(event.grid_code)
        assert grid is not None
        with session_scope() as session:
            if isinstance(event, IncidentReported):
                session.add(Incident(**incident_row(event, grid, None)))
            else:
                session.add(Hazard(**hazard_row(event, grid, None)))
    seconds = time.perf_counter() - started
    cpu = meter.spent()
    cpu["redis"] = 0.0
    return Figures(kind, "naive: insert + commit per event", events, seconds, cpu, "no stream, rollups or live state")


def bench_database(
    kind: str, postgres: str, redis_server: RedisServer, events: int, baseline_events: int, workdir: Path
) -> list[Figures]:
    figures = []
    with database(kind, postgres, workdir):
        with session_scope() as session:
            add_city(session)
            token = add_gateway(session)  # reports from every grid
        launcher = Launcher(workdir)
        try:
            web, base = launcher.web(workers=2)
            for count in (1, 2):
                figures.append(run_burst(kind, redis_server, web, base, token, count, events, workdir))
                figures.append(run_drain(kind, redis_server, base, token, count, events, workdir))
            figures.append(run_baseline(kind, redis_server, baseline_events))
        finally:
            launcher.stop_all()
    return figures


def postgres_answers(url: str) -> bool:
    try:
        with create_engine(url, connect_args={"connect_timeout": 2}).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def describe_machine(redis_server: RedisServer, postgres: str | None) -> str:
    redis_version = get_redis().info("server")["redis_version"]
    loads = ", ".join(f"{load:.1f}" for load in os.getloadavg())
    lines = [
        f"machine: {os.cpu_count()} cores, load average {loads} before the run; "
        f"{platform.python_implementation()} {platform.python_version()}",
        f"redis {redis_version}, append-only, appendfsync {redis_server.appendfsync}; "
        "web: gunicorn app:server --workers 2 (sync workers)",
    ]
    if postgres:
        with create_engine(postgres).connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar()
            sync = connection.execute(text("SHOW synchronous_commit")).scalar()
        lines.append(f"postgresql {version}, synchronous_commit {sync}; sqlite: WAL, synchronous=NORMAL")
    return "\n".join(lines)


def report(figures: list[Figures]) -> str:
    header = (
        f"{'database':<11} {'run':<33} {'events':>6} {'s':>6} {'events/s':>8} | CPU µs/event: "
        f"{'web':>4} {'cons':>4} {'redis':>5} {'pg':>4} {'all':>4} | {CORES} cores alone"
    )
    lines = [header, "-" * len(header)]
    for row in figures:
        parts = " ".join(
            f"{row.per_event(part) + (row.per_event('bench') if part == 'web' else 0):>{width}.0f}"
            for part, width in (("web", 4), ("consumers", 4), ("redis", 5), ("postgres", 4))
        )
        capacity = CORES * 1e6 / row.cpu_per_event if row.cpu_per_event else 0
        lines.append(
            f"{row.database:<11} {row.run:<33} {row.events:>6} {row.seconds:>6.2f} {row.rate:>8,.0f} |"
            f"{'':>14}{parts} {row.cpu_per_event:>4.0f} | {capacity:>7,.0f}/s  {row.note}"
        )
    lines.append("(web: the API's gunicorn workers; for the baseline, this process. pg: the PostgreSQL backends.)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_pipeline", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000, help="events per run (default 10000)")
    parser.add_argument("--baseline-events", type=int, default=2_000, help="events for the naive baseline")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--appendfsync",
        choices=["always", "everysec"],
        default="everysec",
        help="Redis fsync policy (default everysec, as `make run` has it; the reliability tests use always)",
    )
    args = parser.parse_args(argv)
    postgres = None if args.no_postgres or not postgres_answers(args.postgres) else args.postgres
    figures: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        redis_server = RedisServer(workdir / "redis", appendfsync=args.appendfsync)
        redis_server.start()
        prefix = f"bench:{uuid4().hex[:8]}:"
        os.environ.update(
            REDIS_URL=redis_server.url,
            DASHBOARD_EVENT_STREAM=f"{prefix}events",
            DASHBOARD_DEAD_LETTER_STREAM=f"{prefix}dead",
            DASHBOARD_LIVE_PREFIX=f"{prefix}live:",
            DASHBOARD_VAR_DIR=str(workdir / "var"),
        )
        reset_cached()
        try:
            print(describe_machine(redis_server, postgres), flush=True)
            for kind in ("sqlite", "postgresql") if postgres else ("sqlite",):
                figures += bench_database(
                    kind, postgres or "", redis_server, args.events, args.baseline_events, workdir
                )
        finally:
            reset_cached()
            redis_server.stop()
    print()
    print(report(figures))
    if not postgres and not args.no_postgres:
        print(f"PostgreSQL does not answer at {args.postgres}: SQLite only.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
