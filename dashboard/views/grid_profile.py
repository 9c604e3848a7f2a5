"""One grid's standing facts for its page: where it lies, its outline, its worker and its population (the Grid
row's columns), and how many rental houses and key persons its registries hold. The worker's phone is masked."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.access.masking import mask_phone
from dashboard.data.models import County, Grid, GridWorker, PersonOfConcern, RentalHouse, Township
from dashboard.data.periods import Period


@dataclass(frozen=True)
class Worker:
    code: str
    name: str
    phone: str  # masked
    hire_date: date
    education: str  # an Education code
    party_member: bool


@dataclass(frozen=True)
class GridProfile:
    code: str
    name: str
    township_code: str
    township_name: tuple[str, str]  # zh-CN, en
    county_code: str
    county_name: tuple[str, str]
    urban: bool
    area_km2: float
    residents: int
    migrants: int
    key_persons: int
    special_persons: int
    rental_houses: int
    geometry: dict[str, Any]  # GeoJSON, WGS-84
    centroid: tuple[float, float]  # lat, lon
    workers: tuple[Worker, ...]  # one in practice: the grid's full-time worker
    registered_rental_houses: int  # rows in the rental-house registry
    registered_persons: int  # rows in the key/special persons registry

    def bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]] of the outline, for fitting a map to it."""
        points = list(_positions(self.geometry.get("coordinates", [])))
        if not points:
            lat, lon = self.centroid
            return [[lat - 0.005, lon - 0.005], [lat + 0.005, lon + 0.005]]
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _positions(coordinates: Any) -> Any:
    if (
        isinstance(coordinates, list | tuple)
        and len(coordinates) >= 2
        and all(isinstance(value, int | float) for value in coordinates[:2])
    ):
        yield coordinates
        return
    for part in coordinates if isinstance(coordinates, list | tuple) else []:
        yield from _positions(part)


def grid_profile(session: Session, code: str) -> GridProfile | None:
    row = session.execute(
        select(Grid, Township.name, Township.name_en, County.name, County.name_en)
        .join(Township, Township.code == Grid.township_code)
        .join(County, County.code == Grid.county_code)
        .where(Grid.code == code)
    ).one_or_none()
    if row is None:
        return None
    grid = row[0]
    workers = tuple(
        Worker(w.code, w.name, mask_phone(w.phone), w.hire_date, w.education.value, w.party_member)
        for w in session.scalars(select(GridWorker).where(GridWorker.grid_id == grid.id).order_by(GridWorker.code))
    )
    houses = session.scalar(select(func.count()).select_from(RentalHouse).where(RentalHouse.grid_id == grid.id))
    persons = session.scalar(
        select(func.count()).select_from(PersonOfConcern).where(PersonOfConcern.grid_id == grid.id)
    )
    return GridProfile(
        code=grid.code,
        name=grid.name,
        township_code=grid.township_code,
        township_name=(row[1], row[2]),
        county_code=grid.county_code,
        county_name=(row[3], row[4]),
        urban=grid.urban,
        area_km2=grid.area_km2,
        residents=grid.residents,
        migrants=grid.migrants,
        key_persons=grid.key_persons,
        special_persons=grid.special_persons,
        rental_houses=grid.rental_houses,
        geometry=json.loads(grid.geometry),
        centroid=(grid.centroid_lat, grid.centroid_lon),
        workers=workers,
        registered_rental_houses=int(houses or 0),
        registered_persons=int(persons or 0),
    )


GRID_PERIODS = ("30d", "ytd", "last_year")  # the spans the grid page offers (grid_period), the first by default


def grid_period(choice: str | None, today: date) -> Period:
    """The span the grid page counts over: the last 30 days (today included), this year to date, or last year."""
    match choice:
        case "ytd":
            return Period.year_to_date(today)
        case "last_year":
            return Period.year(today.year - 1)
        case _:
            return Period(today - timedelta(days=29), today + timedelta(days=1))
