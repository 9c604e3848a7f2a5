"""The city's extent on a map: the bounds its maps fit to (the city's, or an account's county, township or grid),
and a point well inside each county for its name. Computed from the outlines of the city shown (Taizhou's, or an
imported city's), the city's once per city."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from dashboard.config import Language
from dashboard.data.active_city import city_files
from dashboard.data.geography import grids_by_code, load_counties, load_townships
from dashboard.data.periods import Area, AreaLevel

LatLngBounds = list[list[float]]  # [[south, west], [north, east]], as Leaflet takes them


def city_bounds() -> LatLngBounds:
    """The box around every county of the city, islands included."""
    files = city_files()
    return _bounds(files.geography, files.stamp)


def area_bounds(area: Area) -> LatLngBounds:
    """The box around `area`: the city's, or one county's, township's or grid's (an unknown code: the city's)."""
    match area.level:
        case AreaLevel.COUNTY:
            parts = [county.geometry for county in load_counties() if county.code == area.code]
        case AreaLevel.TOWNSHIP:
            parts = [township.geometry for township in load_townships() if township.code == area.code]
        case AreaLevel.GRID:
            grid = grids_by_code().get(area.code or "")
            parts = [grid.geometry] if grid else []
        case _:
            parts = []
    return box(parts) if parts else city_bounds()


def area_point(code: str) -> tuple[float, float] | None:
    """A point inside the grid, township or county with this code (lat, lon), where a wall flies to its alert;
    None for a code the city does not have."""
    if len(code) == 6:
        found = [county.geometry for county in load_counties() if county.code == code]
    elif len(code) == 9:
        found = [township.geometry for township in load_townships() if township.code == code]
    else:
        grid = grids_by_code().get(code)
        found = [grid.geometry] if grid else []
    if not found:
        return None
    spot = found[0].representative_point()
    return round(spot.y, 5), round(spot.x, 5)


def box(geometries: list[BaseGeometry]) -> LatLngBounds:
    west, south, east, north = shapely.total_bounds(geometries)
    return [[round(float(south), 5), round(float(west), 5)], [round(float(north), 5), round(float(east), 5)]]


def county_labels(lang: Language) -> dict[str, Any]:
    """A GeoJSON point per county, with its `code` and its name in `lang` as `label`: the pole of inaccessibility
    of its largest part (the point inside it farthest from its edge), where a name sits clear of the outline."""
    files = city_files()
    return _labels(files.geography, files.stamp, lang)


@lru_cache(maxsize=2)
def _bounds(_folder: Path, _stamp: str) -> LatLngBounds:
    return box([county.geometry for county in load_counties()])


def largest_part(geometry: BaseGeometry) -> Polygon:
    if isinstance(geometry, MultiPolygon):
        return max(geometry.geoms, key=lambda part: part.area)
    assert isinstance(geometry, Polygon), f"a county outline must be a polygon, not {geometry.geom_type}"
    return geometry


@lru_cache(maxsize=4)
def _labels(_folder: Path, _stamp: str, lang: Language) -> dict[str, Any]:
    features = []
    for county in load_counties():
        part = largest_part(county.geometry)
        spot = polylabel(part, tolerance=max(part.bounds[2] - part.bounds[0], 1e-6) / 200)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(spot.x, 5), round(spot.y, 5)]},
                "properties": {"code": county.code, "label": county.name if lang == "zh-CN" else county.name_en},
            }
        )
    return {"type": "FeatureCollection", "features": features}
