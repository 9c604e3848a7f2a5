"""Where incidents cluster: density points for a heatmap, aggregated on the server so the wire stays small.

Over a county or the city, incidents are summed per grid (at the grid's centroid) from the daily rollup, so a
city-year over millions of incidents is at most one point per grid (7,369). Inside one grid, where a single
centroid says nothing, raw incidents are summed per cell of CELL_DEGREES (about 50 m). The replay of one day or
week hour by hour reads the raw incidents of those days (by report time, on the city's clock) the same way.
Points are [lat, lon, weight] lists, ready for JSON.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true, union_all
from sqlalchemy.orm import Session

from dashboard.data.areas import records_in
from dashboard.data.city_zone import city_zone
from dashboard.data.drill import split
from dashboard.data.filters import DrillFilter
from dashboard.data.models import Grid, Incident, IncidentDaily, IncidentGridMonth
from dashboard.data.periods import Area, AreaLevel, Period
from dashboard.data.vocab import IncidentKind, PlaceType

CELL_DEGREES = 0.0005  # inside one grid: cells about 50 m across
# The map's hexagons across the area's wider side, by the area's level: enough for a surface, few enough that a
# hexagon holds several of the points below it (a township's ~150 grid centroids, a county's ~800, the city's 7,369).
HEXES_ACROSS = {AreaLevel.CITY: 32, AreaLevel.COUNTY: 24, AreaLevel.TOWNSHIP: 12, AreaLevel.GRID: 10}
SQRT3 = math.sqrt(3)
REPLAY_DAYS = (1, 7)  # a day or a week, hour by hour
Point = list[float]  # [lat, lon, weight] (the weight a whole number)


@dataclass(frozen=True)
class Density:
    points: list[Point]
    total: int  # incidents counted

    @property
    def peak(self) -> int:
        return int(max((point[2] for point in self.points), default=0))


@dataclass(frozen=True)
class Replay:
    start: date  # the first day, on the city's clock
    days: int
    frames: list[list[Point]]  # one per hour, 24 × days

    @property
    def peak(self) -> int:
        return int(max((point[2] for frame in self.frames for point in frame), default=0))

    @property
    def total(self) -> int:
        return int(sum(point[2] for frame in self.frames for point in frame))


def cell(lat: float, lon: float) -> tuple[float, float]:
    """The centre of the CELL_DEGREES cell a position falls in."""
    return round(round(lat / CELL_DEGREES) * CELL_DEGREES, 5), round(round(lon / CELL_DEGREES) * CELL_DEGREES, 5)


def density(session: Session, drill: DrillFilter, place: PlaceType | None = None) -> Density:
    """Incidents reported in the period (of the filter's kind, or all; in one kind of place, or anywhere), in the
    area, as weighted points."""
    if drill.area.level is AreaLevel.GRID:
        start, end = drill.period.utc_bounds(city_zone())
        query = select(Incident.lat, Incident.lon).where(
            records_in(Incident, drill.area), Incident.reported_at >= start, Incident.reported_at < end
        )
        if drill.kind is not None:
            query = query.where(Incident.kind == drill.kind)
        if drill.subtype is not None:
            query = query.where(Incident.subtype == drill.subtype)
        if place is not None:
            query = query.where(Incident.place_type == place)
        cells: dict[tuple[float, float], int] = defaultdict(int)
        for lat, lon in session.execute(query):
            cells[cell(lat, lon)] += 1
        points: list[Point] = [[lat, lon, weight] for (lat, lon), weight in sorted(cells.items())]
        return Density(points, sum(cells.values()))
    counts = union_all(*grid_counts(drill, place)).subquery()
    weight = func.sum(counts.c.n)
    summed = (
        select(Grid.centroid_lat, Grid.centroid_lon, weight)
        .join(Grid, Grid.id == counts.c.grid_id)
        .group_by(Grid.id, Grid.centroid_lat, Grid.centroid_lon)
        .having(weight > 0)
        .order_by(Grid.id)
    )
    summed_points: list[Point] = [
        [round(lat, 5), round(lon, 5), int(total)] for lat, lon, total in session.execute(summed)
    ]
    return Density(summed_points, int(sum(point[2] for point in summed_points)))


def grid_counts(drill: DrillFilter, place: PlaceType | None) -> list[Select[int, int]]:
    """(grid_id, n) rows that sum to each grid's count: the grid-month rollup over the period's whole months (it
    counts every incident and those in rental housing, by kind), the daily rollup over the other days, or over the
    whole period where a subtype or another place is asked for (the monthly rollup has neither)."""
    months, days = split(drill.period)
    parts: list[Select[int, int]] = []
    if months is not None and drill.subtype is None and place in (None, PlaceType.RENTAL_HOUSING):
        table = IncidentGridMonth
        measure = table.rental if place is PlaceType.RENTAL_HOUSING else table.reported
        monthly = select(table.grid_id, measure.label("n")).where(
            month_area(drill.area), table.month >= months.start, table.month < months.end
        )
        parts.append(monthly if drill.kind is None else monthly.where(table.kind == drill.kind))
    else:
        days = [drill.period]
    for span in days:
        daily = select(IncidentDaily.grid_id, IncidentDaily.reported.label("n")).where(
            records_in(IncidentDaily, drill.area), IncidentDaily.day >= span.start, IncidentDaily.day < span.end
        )
        if drill.kind is not None:
            daily = daily.where(IncidentDaily.kind == drill.kind)
        if drill.subtype is not None:
            daily = daily.where(IncidentDaily.subtype == drill.subtype)
        if place is not None:
            daily = daily.where(IncidentDaily.place_type == place)
        parts.append(daily)
    return parts


def month_area(area: Area) -> ColumnElement[bool]:
    match area.level:
        case AreaLevel.CITY:
            return true()
        case AreaLevel.COUNTY:
            return IncidentGridMonth.county_code == area.code
        case _:
            return IncidentGridMonth.township_code == area.code


def replay(
    session: Session,
    area: Area,
    first_day: date,
    days: int,
    kind: IncidentKind | None = None,
    subtype: str | None = None,
    place: PlaceType | None = None,
) -> Replay:
    """The incidents of `days` days from `first_day` (city clock), hour by hour: one list of points per hour."""
    if days not in REPLAY_DAYS:
        raise ValueError(f"days: a replay is 1 or 7 days, not {days!r}")
    start, end = Period(first_day, first_day + timedelta(days=days)).utc_bounds(city_zone())
    by_grid = area.level is not AreaLevel.GRID
    position: Any = (Incident.grid_id, Incident.grid_id) if by_grid else (Incident.lat, Incident.lon)
    query = select(Incident.reported_at, *position).where(
        records_in(Incident, area), Incident.reported_at >= start, Incident.reported_at < end
    )
    if kind is not None:
        query = query.where(Incident.kind == kind)
    if subtype is not None:
        query = query.where(Incident.subtype == subtype)
    if place is not None:
        query = query.where(Incident.place_type == place)
    rows = session.execute(query).all()
    centroids: dict[int, tuple[float, float]] = {}
    if by_grid and rows:
        grid_ids = sorted({row[1] for row in rows})
        for chunk in range(0, len(grid_ids), 1000):
            found = select(Grid.id, Grid.centroid_lat, Grid.centroid_lon).where(
                Grid.id.in_(grid_ids[chunk : chunk + 1000])
            )
            centroids.update({grid_id: (round(lat, 5), round(lon, 5)) for grid_id, lat, lon in session.execute(found)})
    hours: list[dict[tuple[float, float], int]] = [defaultdict(int) for _ in range(24 * days)]
    for reported_at, first, second in rows:
        hour = int((reported_at - start).total_seconds() // 3600)
        hours[hour][centroids[first] if by_grid else cell(first, second)] += 1
    frames: list[list[Point]] = [
        [[lat, lon, weight] for (lat, lon), weight in sorted(frame.items())] for frame in hours
    ]
    return Replay(first_day, days, frames)


@dataclass(frozen=True)
class HexGrid:
    """Pointy-topped hexagons over an area, for the density map: the points summed per hexagon read as a heatmap of
    the area (one weighted circle per grid drew a township as one overlapping blob). Sized to the area shown
    (HEXES_ACROSS by its level). Positions are scaled by cos(latitude) so the hexagons are regular on the map."""

    radius: float  # centre to corner, in degrees of latitude
    scale: float  # a degree of longitude, in degrees of latitude, at the area's middle

    @classmethod
    def over(cls, bounds: list[list[float]], across: int) -> HexGrid:
        """`across` hexagons over the wider side of an area's box [[south, west], [north, east]]."""
        (south, west), (north, east) = bounds
        scale = math.cos(math.radians((south + north) / 2))
        wide = max((east - west) * scale, north - south, CELL_DEGREES)
        return cls(radius=wide / (across * SQRT3), scale=scale)

    def cell_of(self, lat: float, lon: float) -> tuple[int, int]:
        """The hexagon (axial q, r) a position falls in."""
        x, y = lon * self.scale / self.radius, lat / self.radius
        q, r = SQRT3 / 3 * x - y / 3, 2 / 3 * y
        # the nearest hexagon: round the cube coordinates (q, r, -q-r) and fix the one that moved most
        cube = (q, r, -q - r)
        rounded = [round(value) for value in cube]
        moved = [abs(a - b) for a, b in zip(rounded, cube, strict=True)]
        if moved[0] > moved[1] and moved[0] > moved[2]:
            rounded[0] = -rounded[1] - rounded[2]
        elif moved[1] > moved[2]:
            rounded[1] = -rounded[0] - rounded[2]
        return rounded[0], rounded[1]

    def centre(self, q: int, r: int) -> tuple[float, float]:
        """(lat, lon) of a hexagon's centre."""
        x = self.radius * SQRT3 * (q + r / 2)
        y = self.radius * 1.5 * r
        return round(y, 6), round(x / self.scale, 6)

    def binned(self, points: list[Point]) -> list[Point]:
        """The points summed per hexagon, as [lat, lon, weight] of its centre (the weights' total kept)."""
        sums: dict[tuple[int, int], float] = defaultdict(float)
        for lat, lon, weight in points:
            sums[self.cell_of(lat, lon)] += weight
        return [[*self.centre(q, r), int(weight)] for (q, r), weight in sorted(sums.items())]

    def as_data(self) -> dict[str, float]:
        """What the browser needs to draw the hexagons around the centres (assets/30-analysis-map.js)."""
        return {"radius": self.radius, "scale": self.scale}
