"""The city's clock: the time zone stored with the city (its counties' `timezone`, written by the grids import that
made it), or the process setting DASHBOARD_TIMEZONE for a city with none (the seeded Taizhou). Every page, query,
export and worker that turns stored UTC into the city's days, months and hours asks here.

Read from the database once per city: the answer is cached on the database URL and the imported city's stamp
(dashboard.data.active_city), which a grids import changes after it committed the city, so each process picks up a
new city's zone on its next call. When the database cannot say (not reachable, not migrated yet, a SQLite file not
created yet, which asking would create), the process setting answers, uncached.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, make_url, select
from sqlalchemy.exc import SQLAlchemyError

from dashboard.config import get_settings
from dashboard.data.active_city import city_files
from dashboard.data.db import get_engine
from dashboard.data.models import Base, County
from dashboard.data.zone_clock import ZoneClock, zone_clock


def city_zone() -> str:
    """The IANA zone of the city's clock, e.g. "Asia/Shanghai"."""
    settings = get_settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():  # connecting would create it
        return settings.timezone
    try:
        stored = _stored_zone(settings.database_url, city_files().stamp)
    except SQLAlchemyError:
        return settings.timezone
    return stored or settings.timezone


@lru_cache(maxsize=8)
def _stored_zone(_url: str, _stamp: str) -> str | None:
    with get_engine().connect() as connection:
        zones = connection.scalars(select(County.timezone).where(County.timezone.is_not(None)).distinct()).all()
    return min(zone for zone in zones if zone) if zones else None  # one per city: the grids import writes the same


def reset_cache() -> None:
    """Forget the stored zone (tests that change the database under a running process)."""
    _stored_zone.cache_clear()


def city_today() -> date:
    """Today on the city's clock."""
    return datetime.now(ZoneInfo(city_zone())).date()


def city_clock() -> ZoneClock:
    """The city's clock, daylight saving included (data/zone_clock.py)."""
    return zone_clock(city_zone())


def local_shifts(connection: Connection, table: str, columns: Iterable[str], *, alias: str = "") -> dict[str, str]:
    """Each time column's offset to its city-clock time, as SQL (ZoneClock.sql_shift) over the span its stored
    values cover: in a zone with daylight saving, a CASE over the clock changes within it. `alias`: the table's
    name in the query the SQL goes into."""
    model = Base.metadata.tables[table]
    names = list(columns)
    spans = connection.execute(select(*(f(model.c[n]) for n in names for f in (func.min, func.max)))).one()
    clock, now = city_clock(), datetime.now(UTC).replace(tzinfo=None)
    shifts = {}
    for number, name in enumerate(names):
        first, last = spans[2 * number], spans[2 * number + 1]
        column = f"{alias}.{name}" if alias else name
        shifts[name] = clock.sql_shift(column, connection.dialect.name, first or now, last or now)
    return shifts
