"""What the wall's charts count: today's reports (incidents by the time reported, hazards by the time found) per hour
of the city's day against yesterday and the same weekday last week, by kind and hazard category, and per area one
level down (the city's counties, a county's townships) beside each area's patrol coverage. Days are the city's
(`zone`); stored times are naive UTC. Read from the record tables: a day's rows, by their time index."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import ColumnElement, case, func, literal, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session

from dashboard.data.areas import records_in
from dashboard.data.models import County, Grid, Hazard, Incident, Township
from dashboard.data.periods import Area, AreaLevel

HOURS = range(24)
COMPARED = {"today": 0, "yesterday": 1, "last_week": 7}  # the days the hourly chart draws, by how many days back
QUARTER = timedelta(minutes=15)


def day_span(day: date, zone: str) -> tuple[datetime, datetime]:
    """The city's `day` as naive UTC [start, end): 24 hours, or 23 or 25 across a daylight-saving change."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(), tz)
    end = datetime.combine(day + timedelta(days=1), time(), tz)
    return start.astimezone(ZoneInfo("UTC")).replace(tzinfo=None), end.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def hour_starts(start: datetime, end: datetime, zone: str) -> list[tuple[datetime, int]]:
    """Where each hour of the city's clock begins within [start, end) (naive UTC), with that hour (0-23): 24 on
    most days, 23 on the day the clocks go forward (its missing hour has no start), and on the day they go back the
    repeated hour lasts two. Every offset in use is a whole number of quarter hours, so the clock's hour changes
    only on a quarter hour from `start` (a midnight of the city)."""
    tz, utc = ZoneInfo(zone), ZoneInfo("UTC")
    starts: list[tuple[datetime, int]] = []
    moment = start
    while moment < end:
        hour = moment.replace(tzinfo=utc).astimezone(tz).hour
        if not starts or starts[-1][1] != hour:
            starts.append((moment, hour))
        moment += QUARTER
    return starts


def _counts_per_hour(session: Session, start: datetime, end: datetime, zone: str, area: Area) -> dict[int, int]:
    """Reports (incidents by the time reported, hazards by the time found) within [start, end), per hour of the
    city's clock, counted in the database: one CASE over the hours' starting moments, the same SQL on SQLite and
    PostgreSQL, so no report time is read into Python."""
    starts = hour_starts(start, end, zone)
    if not starts:
        return {}

    def hour_of(moment: InstrumentedAttribute[datetime]) -> ColumnElement[int]:
        later = [(moment < begins, before) for (begins, _), (_, before) in zip(starts[1:], starts, strict=False)]
        return case(*later, else_=starts[-1][1]) if later else literal(starts[-1][1])

    incidents = select(hour_of(Incident.reported_at).label("hour")).where(
        Incident.reported_at >= start, Incident.reported_at < end, records_in(Incident, area)
    )
    hazards = select(hour_of(Hazard.found_at).label("hour")).where(
        Hazard.found_at >= start, Hazard.found_at < end, records_in(Hazard, area)
    )
    reports = union_all(incidents, hazards).subquery()
    counted = select(reports.c.hour, func.count()).group_by(reports.c.hour)
    return {int(hour): int(n) for hour, n in session.execute(counted)}


def hourly_reports(session: Session, *, today: date, zone: str, area: Area, now: datetime) -> pd.DataFrame:
    """Reports per hour of the city's clock, today (up to `now`, naive UTC), yesterday and the same weekday a week
    ago. Columns: day (today | yesterday | last_week), hour (0-23), reports; every hour of each day (0 when none),
    today's only up to the hour running now."""
    frames = []
    for name, back in COMPARED.items():
        start, end = day_span(today - timedelta(days=back), zone)
        counted = _counts_per_hour(session, start, min(end, now + timedelta(seconds=1)), zone, area)
        hours = list(HOURS)
        if name == "today":
            running = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(zone)).hour
            hours = hours[: running + 1]
        frames.append(pd.DataFrame({"day": name, "hour": hours, "reports": [counted.get(h, 0) for h in hours]}))
    return pd.concat(frames, ignore_index=True).astype({"hour": int, "reports": int})


def reports_by_kind(session: Session, *, today: date, zone: str, area: Area) -> pd.DataFrame:
    """Today's reports: incidents by kind and hazards by category, each kind and category present (0 when none).
    Columns: family (incident | hazard), code, reports."""
    start, end = day_span(today, zone)
    incidents = session.execute(
        select(Incident.kind, func.count())
        .where(Incident.reported_at >= start, Incident.reported_at < end, records_in(Incident, area))
        .group_by(Incident.kind)
    )
    hazards = session.execute(
        select(Hazard.category, func.count())
        .where(Hazard.found_at >= start, Hazard.found_at < end, records_in(Hazard, area))
        .group_by(Hazard.category)
    )
    rows = [("incident", str(code), int(n)) for code, n in incidents] + [
        ("hazard", str(code), int(n)) for code, n in hazards
    ]
    return pd.DataFrame(rows, columns=["family", "code", "reports"])


def ranked_level(area: Area) -> AreaLevel:
    """The areas a wall ranks: the city's counties, a county's townships (a township's or a grid's: its township)."""
    return AreaLevel.COUNTY if area.level is AreaLevel.CITY else AreaLevel.TOWNSHIP


def reports_by_area(session: Session, *, today: date, zone: str, area: Area) -> pd.DataFrame:
    """Today's reports per area one level down (`ranked_level`), with each area's grid count: every such area of
    `area`, with none reported too. Columns: code, name, name_en, reports, grids."""
    level = ranked_level(area)
    start, end = day_span(today, zone)
    if level is AreaLevel.COUNTY:
        areas = select(County.code, County.name, County.name_en)
        grids = select(Grid.county_code, func.count()).group_by(Grid.county_code)
    else:
        county = area.county_code
        within = Township.code == area.code if area.level is not AreaLevel.COUNTY else Township.county_code == county
        areas = select(Township.code, Township.name, Township.name_en).where(within)
        grids = select(Grid.township_code, func.count()).where(Grid.county_code == county).group_by(Grid.township_code)
    counted: dict[str, int] = {}
    for model, moment in ((Incident, Incident.reported_at), (Hazard, Hazard.found_at)):
        column = model.county_code if level is AreaLevel.COUNTY else model.township_code
        query = (
            select(column, func.count()).where(moment >= start, moment < end, records_in(model, area)).group_by(column)
        )
        for code, n in session.execute(query):
            counted[str(code)] = counted.get(str(code), 0) + int(n)
    grid_counts = {str(code): int(n) for code, n in session.execute(grids)}
    rows = [
        (code, name, name_en, counted.get(code, 0), grid_counts.get(code, 0))
        for code, name, name_en in session.execute(areas)
    ]
    return pd.DataFrame(rows, columns=["code", "name", "name_en", "reports", "grids"])


def with_coverage(areas: pd.DataFrame, patrolled: dict[str, int], level: AreaLevel) -> pd.DataFrame:
    """`areas` (reports_by_area) with `coverage`: the percent of each area's grids patrolled today, from the live
    state's grids patrolled (grid code -> patrols)."""

    def area_of(grid: str) -> str:
        return grid[:6] if level is AreaLevel.COUNTY else grid[:6] + grid[7:10]

    patrolled_grids = pd.Series([area_of(grid) for grid in patrolled], dtype=str).value_counts()
    covered = areas["code"].map(patrolled_grids).fillna(0)
    coverage = (100 * covered / areas["grids"].where(areas["grids"] > 0)).fillna(0.0)
    return areas.assign(coverage=coverage.round(1))
