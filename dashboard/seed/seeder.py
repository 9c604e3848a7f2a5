"""Seeding a database: the city, its registries and a calibrated history, written in one transaction.

`seed_database()` is what the run command and the CLI call. It does nothing on a database that already holds a
city, unless told to `reset`; it returns a `SeedReport` saying what it did, including the headline figures as the
query layer computes them from the rows just written.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import Engine, inspect, text
from tqdm import tqdm

from dashboard.config import get_settings
from dashboard.data.city_zone import city_zone
from dashboard.data.db import get_engine, session_scope, upgrade_to_head
from dashboard.data.queries import HeadlineFigures, headline_figures
from dashboard.data.rollups import DRILL_ROLLUPS
from dashboard.data.zone_clock import zone_clock
from dashboard.formatting import format_percent_change, format_point_change, period_label
from dashboard.seed import daily, registries
from dashboard.seed.bulk import Progress, open_writer
from dashboard.seed.city import City, build_city
from dashboard.seed.columns import Table
from dashboard.seed.history import Plan, Window, generate_hazards, generate_incidents
from dashboard.seed.patrol_days import patrol_worker_day, patrol_worker_month
from dashboard.seed.patrols import generate_patrols
from dashboard.seed.profiles import Profile, get_profile

log = logging.getLogger(__name__)

DEFAULT_SEED = 20170601
# Every table the seeder fills, parents first.
TABLES = (
    "county",
    "township",
    "grid",
    "department",
    "grid_worker",
    "rental_house",
    "person_of_concern",
    "follow_up_visit",
    "incident",
    "hazard",
    "patrol_log",
    "patrol_worker_day",  # patrol compliance
    "patrol_worker_month",
    "incident_daily",
    "hazard_daily",
    *(rollup.name for rollup in DRILL_ROLLUPS),
)
# Random streams, one per part, so that changing one part leaves the others' rows as they were.
STREAMS = {
    "city": 1,
    "workers": 2,
    "rental_houses": 3,
    "persons": 4,
    "visits": 5,
    "incidents": 6,
    "hazards": 7,
    "patrols": 8,
}


@dataclass(frozen=True)
class SeedReport:
    """What a seed did: the rows it wrote per table, seconds per phase, and the headline figures as the query
    layer prints them (empty when nothing was done)."""

    profile: str
    today: date
    seed: int
    backend: str
    seeded: bool  # False: the database already held a city and nothing was done
    message: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # per phase; phases overlap generation and writing
    figures: dict[str, str] = field(default_factory=dict)
    write_seconds: dict[str, float] = field(default_factory=dict)  # per table: writing its rows, no indexes

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def city_today(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


def rng(seed: int, stream: str) -> np.random.Generator:
    return np.random.default_rng([seed, STREAMS[stream]])


def has_city(engine: Engine) -> bool:
    """True when the database already holds a city (any grid)."""
    with engine.connect() as connection:
        return bool(connection.execute(text("SELECT EXISTS (SELECT 1 FROM grid)")).scalar())


def ensure_schema(engine: Engine, url: str) -> None:
    """Migrate an empty database to the newest schema; leave one that has the tables alone."""
    if not set(TABLES) <= set(inspect(engine).get_table_names()):
        upgrade_to_head(url)


def seed_database(
    profile: str = "default",
    *,
    today: date | None = None,
    reset: bool = False,
    progress: bool = True,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
) -> SeedReport:
    """Seed the configured database (DATABASE_URL) with the profile's city and history up to `today` (the city's
    date by default). Does nothing when a city is there already, unless `reset` (which empties the seeded tables
    first, in the same transaction). `now` (UTC) pins the clock, for tests; it defaults to the current time."""
    settings = get_settings()
    chosen = get_profile(profile)
    engine = get_engine()
    ensure_schema(engine, settings.database_url)
    today = today or city_today(settings.timezone)
    window = Window.ending(today, settings.timezone, now)
    if has_city(engine) and not reset:
        message = "the database already holds a city: nothing done (seed again with --reset)"
        log.info(message)
        return SeedReport(chosen.name, today, seed, settings.backend, False, message)
    seconds: dict[str, float] = {}
    writes: dict[str, float] = {}
    rows: dict[str, int] = {}
    seeder = Seeder(chosen, window, seed, progress=progress)
    engine.dispose()  # no idle pooled connection of ours keeps SQLite from leaving WAL mode during the load
    raw, writer = open_writer(engine, TABLES)
    try:
        started = time.perf_counter()
        with writer.session(), ThreadPoolExecutor(1, thread_name_prefix="seed-generate") as generator:
            if reset:
                with timed(seconds, "reset"):
                    clear(raw.driver_connection, settings.backend)
            phases = seeder.phases()
            upcoming = generator.submit(collect, phases[0][1])
            for number, (phase, _) in enumerate(phases):
                with timed(seconds, phase):
                    tables = upcoming.result()  # generated while the phase before was written
                    if number + 1 < len(phases):
                        upcoming = generator.submit(collect, phases[number + 1][1])
                    for table in tables:
                        with timed(writes, table.name), bar(f"{phase}: {table.name}", len(table), progress) as advance:
                            writer.write(table, advance)
                        rows[table.name] = len(table)
                    del tables
            with timed(seconds, "indexes"), bar("indexes", writer.rebuild_steps(), progress, unit="index") as advance:
                writer.rebuild(advance)
        seconds["commit"] = time.perf_counter() - started - sum(seconds.values())
        with timed(seconds, "analyze"):
            writer.analyze()
    finally:
        raw.close()
    figures = figures_text(seeder.window)
    message = f"seeded {sum(rows.values()):,} rows in {sum(seconds.values()):.1f} s"
    log.info("%s (%s profile, today %s, seed %d)", message, chosen.name, today, seed)
    return SeedReport(chosen.name, today, seed, settings.backend, True, message, rows, seconds, figures, writes)


class Seeder:
    """Generates the tables of one seed, phase by phase (each phase yields its tables, parents first)."""

    def __init__(self, profile: Profile, window: Window, seed: int, *, progress: bool) -> None:
        self.profile, self.window, self.seed, self.progress = profile, window, seed, progress
        self.city: City | None = None
        self.plan: Plan | None = None
        self.clock = zone_clock(city_zone())  # the city clock, for the daily rollups

    def phases(self) -> list[tuple[str, Callable[[], Iterator[Table]]]]:
        return [
            ("city", self.city_tables),
            ("registries", self.registry_tables),
            ("incidents", self.incidents),
            ("hazards", self.hazards),
            ("patrols", self.patrols),
        ]

    def the_city(self) -> City:
        if self.city is None:
            self.city = build_city(rng(self.seed, "city"), registry_scale=self.profile.registry_scale)
        return self.city

    def city_tables(self) -> Iterator[Table]:
        city = self.the_city()
        yield registries.county_table(city)
        yield registries.township_table(city)
        yield registries.grid_table(city)
        yield registries.department_table()
        yield registries.worker_table(city, rng(self.seed, "workers"), today=self.window.today)

    def registry_tables(self) -> Iterator[Table]:
        city, window = self.the_city(), self.window
        yield registries.rental_house_table(city, rng(self.seed, "rental_houses"))
        persons = registries.person_table(city, rng(self.seed, "persons"), today=window.today)
        yield persons
        yield registries.visit_table(
            persons, window.clock, rng(self.seed, "visits"), months=self.profile.follow_up_months, now=window.now
        )

    def incidents(self) -> Iterator[Table]:
        table, self.plan = generate_incidents(
            self.the_city(),
            self.window,
            criminal_per_year=self.profile.criminal_per_year,
            per_year=self.profile.incidents_per_year,
            rng=rng(self.seed, "incidents"),
        )
        yield table
        yield daily.incident_daily(table, self.clock)
        yield from daily.drill_rollups(table, self.clock)

    def hazards(self) -> Iterator[Table]:
        table = generate_hazards(
            self.the_city(), self.window, per_year=self.profile.hazards_per_year, rng=rng(self.seed, "hazards")
        )
        yield table
        yield daily.hazard_daily(table, self.clock)

    def patrols(self) -> Iterator[Table]:
        table, _ = generate_patrols(
            self.the_city(),
            self.window.clock,
            self.profile.patrols,
            today=self.window.today,
            now=self.window.now,
            rng=rng(self.seed, "patrols"),
        )
        yield table
        days = patrol_worker_day(table, self.clock)  # patrol compliance
        yield days
        yield patrol_worker_month(days)


def collect(produce: Callable[[], Iterator[Table]]) -> list[Table]:
    """Run a phase's generator to the end (in the generating thread)."""
    return list(produce())


@contextmanager
def timed(seconds: dict[str, float], phase: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[phase] = seconds.get(phase, 0.0) + time.perf_counter() - start


@contextmanager
def bar(description: str, total: int, enabled: bool, unit: str = "rows") -> Iterator[Progress]:
    """A tqdm progress bar on stderr; yields the function that advances it."""
    with tqdm(
        total=total,
        desc=description,
        unit=unit,
        unit_scale=unit == "rows",
        file=sys.stderr,
        disable=not enabled,
        leave=True,
        dynamic_ncols=True,
    ) as progress_bar:
        yield progress_bar.update


# Kept from the seeded rows, emptied with them on --reset.
DERIVED = ("patrol_position", "pending_update")


def clear(connection: Any, backend: str) -> None:
    """Empty every seeded table and what is derived from them, children first (inside the load's transaction)."""
    execute = connection.execute
    if backend == "postgresql":
        execute(f"TRUNCATE {', '.join((*DERIVED, *TABLES))} RESTART IDENTITY CASCADE")
        return
    for name in (*DERIVED, *reversed(TABLES)):
        execute(f"DELETE FROM {name}")


def figures_text(window: Window) -> dict[str, str]:
    """The headline figures of the seeded rows, as the query layer computes them and the tiles print them."""
    period, early = window.headline
    as_of = datetime.fromtimestamp(window.now, UTC).replace(tzinfo=None)
    with session_scope() as session:
        figures: HeadlineFigures = headline_figures(session, period, as_of=as_of)
    yoy = figures.year_over_year
    return {
        "period": period_label(period, "en") + (" (first 60 days of the year: the last full year)" if early else ""),
        "criminal_filed": format_percent_change(yoy.criminal_filed_change, "en", 2),
        "solve_rate": format_point_change(yoy.solve_rate_change, "en", 2),
        "rental_cases": format_percent_change(yoy.rental_cases_change, "en", 1),
        "criminal_filed_count": f"{yoy.current.criminal_filed:,} against {yoy.baseline.criminal_filed:,}",
    }
