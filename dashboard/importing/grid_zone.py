"""The clock a grids import gives the city: the grid mapping's `timezone`, else DASHBOARD_TIMEZONE as the import
runs, stored with every county (dashboard.data.city_zone reads it back), so the city keeps its clock whatever the
zone of the processes that later serve it. Grids added to a city (no --replace) keep the city's clock: a mapping
naming another zone is a problem of the import. The report says which zone the city gets and why."""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update

from dashboard.config import get_settings
from dashboard.data.models import County
from dashboard.importing.mapping import GridMapping
from dashboard.importing.report import ImportReport


def import_zone(connection: Connection | None, mapping: GridMapping, *, replace: bool, report: ImportReport) -> str:
    """The city's zone after the import (`connection`: the database as the import finds it; None for one with no
    tables yet). A mapping's zone that the city cannot take goes into the report's problems."""
    setting = get_settings().timezone
    if connection is not None and not replace and connection.scalar(select(func.count()).select_from(County)):
        stored = connection.scalar(select(County.timezone).where(County.timezone.is_not(None)).limit(1))
        current = stored or setting
        if mapping.timezone and mapping.timezone != current:
            report.problems.append(
                f"timezone: '{mapping.timezone}' is not the clock of the city the grids are added to ({current}); "
                "grids added to a city keep its zone (import with --replace to give the city another)"
            )
        report.notes.append(f"time zone: {current} (the city's, kept)")
        return current
    zone = mapping.timezone or setting
    source = "the mapping's timezone" if mapping.timezone else "DASHBOARD_TIMEZONE, as the mapping names none"
    report.notes.append(f"time zone: {zone} ({source}), stored with the city: its pages, figures and files use it")
    return zone


def store_zone(connection: Connection, zone: str) -> None:
    """Every county of the city on the zone's clock (the counties a grids import adds, and those it added to)."""
    connection.execute(update(County).values(timezone=zone))
