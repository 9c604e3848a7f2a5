"""What the wall's charts count: today's reports (incidents by the time reported, hazards by the time found) per hour
of the city's day against yesterday and the same weekday last week, by kind and hazard category, and per area one
level down (the city's counties, a county's townships) beside each area's patrol coverage. Days are the city's
(`zone`); stored times are naive UTC. Read from the record tables: a day's rows, by their time index."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.data.areas import records_in
from dashboard.data.models import County, Grid, Hazard, Incident, Township
from dashboard.data.periods import Area, AreaLevel

HOURS = range(24)
COMPARED = {"today": 0, "yesterday": 1, "last_week": 7}  # the days the hourly chart draws, by how many days back


def day_span(day: date, zone: str) -> tuple[datetime, datetime]:
    """The city's `day` as naive UTC [start, end): 24 hours, or 23 or 25 across a daylight-saving change."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(), tz)
    end = datetime.combine(day + timedelta(days=1), time(), tz)
    return start.astimezone(ZoneInfo("UTC")).replace(tzinfo=None), end.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _moments(session: Session, start: datetime, end: datetime, area: Area) -> list[datetime]:
    incidents = select(Incident.reported_at).where(
        Incident.reported_at >= start, Incident.reported_at < end, records_in(Incident, area)
    )
    hazards = select(Hazard.found_at).where(Hazard.found_at >= start, Hazard.found_at < end, records_in(Hazard, area))
    return [*session.scalars(incidents), *session.scalars(hazards)]


def hourly_reports(session: Session, *, today: date, zone: str, area: Area, now: datetime) -> pd.DataFrame:
    """Reports per hour of the city's clock, today (up to `now`, naive UTC), yesterday and the same weekday a week
    ago. Columns: day (today | yesterday | last_week), hour (0-23), reports; every hour of each day (0 when none),
    today's only up to the hour running now."""
    frames = []
    for name, back in COMPARED.items():
        start, end = day_span(today - timedelta(days=back), zone)
        moments = pd.Series(
            _moments(session, start, min(end, now + timedelta(seconds=1)), area), dtype="datetime64[ns]"
        )
        hours = moments.dt.tz_localize("UTC").dt.tz_convert(zone).dt.hour
        counts = hours.value_counts().reindex(HOURS, fill_value=0)
        if name == "today":
            running = pd.Timestamp(now).tz_localize("UTC").tz_convert(zone).hour
            counts = counts.loc[: max(running, 0)]
        frames.append(pd.DataFrame({"day": name, "hour": counts.index.astype(int), "reports": counts.values}))
    return pd.concat(frames, ignore_index=True).astype({"reports": int})


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
