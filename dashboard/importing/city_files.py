"""Writing the active city's files (dashboard.data.active_city) from the database's county, township and grid
tables, after a grid import: the geography files the app reads (counties/townships/grids.geojson, the format of
dashboard/data/geography/), the browser's map layers (grid_cells and county_outlines, as GeoJSON with a brotli copy,
as tools/geography writes them into assets/), the grid codes of the old system, and `city.json` (names, centre,
zoom, bounds), written last: its appearance switches every page to the city."""

from __future__ import annotations

import json
import math
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from dashboard.data.active_city import BROTLI_COPY, CITY_FILE, brotli_copy
from dashboard.data.models import County, Grid, Township
from dashboard.importing.mapping import CityNames

FULL_DECIMALS = 6
WEB_DECIMALS = 5  # about a metre: what the committed web layers use
WEB_TOLERANCE = 0.0001  # degrees (~10 m) of simplification for the browser's grid layer
MAP_PIXELS = (1200, 700)  # the wall's map, about: the zoom that shows the whole city in it


def map_zoom(bounds: tuple[float, float, float, float]) -> int:
    """The closest Web Mercator zoom that shows the bounds (west, south, east, north) whole in MAP_PIXELS."""
    west, south, east, north = bounds
    width, height = MAP_PIXELS
    lat = math.radians((south + north) / 2)
    fits = [
        width * 360 / (256 * max(east - west, 1e-6)),
        height * 360 * math.cos(lat) / (256 * max(north - south, 1e-6)),
    ]
    return int(min(17, max(3, math.floor(math.log2(min(fits))))))


def area_km2(geometry: Any) -> float:
    """Near enough for a grid: degrees² scaled at the grid's latitude."""
    lat = math.radians(shapely.centroid(geometry).y)
    return float(shapely.area(geometry)) * 111.32**2 * math.cos(lat)


def _rounded(geometry: Any, decimals: int) -> dict[str, Any]:
    mapped = json.loads(shapely.to_geojson(shapely.set_precision(geometry, 10.0**-decimals)))
    return dict(mapped)


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)  # a reader sees the old file or the new one, never half of one


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_json(path: Path, value: Any) -> None:
    _write(path, _json(value))


def write_city_files(
    connection: Connection, folder: Path, names: CityNames, source_codes: dict[str, str] | None = None
) -> dict[str, Any]:
    """Write the city's files into `folder` from the database; returns what city.json says."""
    folder.mkdir(parents=True, exist_ok=True)
    with Session(connection) as session:
        counties = session.execute(select(County).order_by(County.code)).all()
        townships = session.execute(select(Township).order_by(Township.code)).all()
        grids = session.execute(select(Grid).order_by(Grid.code)).all()
    shapes = shapely.from_geojson([row.Grid.geometry for row in grids])
    by_county: dict[str, list[int]] = defaultdict(list)
    by_township: dict[str, list[int]] = defaultdict(list)
    for position, row in enumerate(grids):
        by_county[row.Grid.county_code].append(position)
        by_township[row.Grid.township_code].append(position)

    grid_features = [
        {
            "type": "Feature",
            "properties": {
                "code": row.Grid.code,
                "name": row.Grid.name,
                "township_code": row.Grid.township_code,
                "county_code": row.Grid.county_code,
                "urban": row.Grid.urban,
                "area_km2": round(row.Grid.area_km2, 4),
                "centroid_lat": row.Grid.centroid_lat,
                "centroid_lon": row.Grid.centroid_lon,
            },
            "geometry": _rounded(shape, FULL_DECIMALS),
        }
        for row, shape in zip(grids, shapes, strict=True)
    ]
    township_features = [
        {
            "type": "Feature",
            "properties": {
                "code": row.Township.code,
                "name": row.Township.name,
                "name_en": row.Township.name_en,
                "county_code": row.Township.county_code,
                "kind": str(row.Township.kind),
                "generated": False,
            },
            "geometry": _rounded(shapely.union_all(shapes[by_township[row.Township.code]]), FULL_DECIMALS),
        }
        for row in townships
        if by_township[row.Township.code]
    ]
    county_shapes = {code: shapely.union_all(shapes[members]) for code, members in by_county.items()}
    county_features = [
        {
            "type": "Feature",
            "properties": {
                "code": row.County.code,
                "name": row.County.name,
                "name_en": row.County.name_en,
                "seat_lat": row.County.seat_lat,
                "seat_lon": row.County.seat_lon,
            },
            "geometry": _rounded(county_shapes[row.County.code], FULL_DECIMALS),
        }
        for row in counties
        if row.County.code in county_shapes
    ]
    _write_json(folder / "counties.geojson", _collection(county_features))
    _write_json(folder / "townships.geojson", _collection(township_features))
    _write_json(folder / "grids.geojson", _collection(grid_features))
    _write_json(folder / "grid_source_codes.json", source_codes or {})

    simplified = shapely.simplify(shapes, WEB_TOLERANCE, preserve_topology=True)
    cells = [
        {
            "type": "Feature",
            "properties": {"code": row.Grid.code, "id": number},
            "geometry": _rounded(shape, WEB_DECIMALS),
        }
        for number, (row, shape) in enumerate(zip(grids, simplified, strict=True), start=1)
    ]
    outlines = [
        {
            "type": "Feature",
            "properties": {"code": row.County.code, "name": row.County.name, "name_en": row.County.name_en},
            "geometry": _rounded(shapely.union_all(simplified[by_county[row.County.code]]), WEB_DECIMALS),
        }
        for row in counties
        if row.County.code in by_county
    ]
    for name, features in (("grid_cells", cells), ("county_outlines", outlines)):
        layer = _json(_collection(features))
        _write(folder / f"{name}.geojson", layer)
        _write(folder / f"{name}.geojson{BROTLI_COPY}", brotli_copy(layer))

    west, south, east, north = (float(v) for v in shapely.total_bounds(shapes)) if len(shapes) else (0, 0, 0, 0)
    facts = {
        "name": names.name,
        "name_en": names.name_en or names.name,
        "center": [round((south + north) / 2, 5), round((west + east) / 2, 5)],
        "zoom": map_zoom((west, south, east, north)),
        "bounds": [[south, west], [north, east]],
        "counties": len(county_features),
        "townships": len(township_features),
        "grids": len(grid_features),
    }
    _write_json(folder / CITY_FILE, facts)  # last: from now on the app shows this city
    return facts


def township_kind(name: str) -> str:
    """街道 → street, 镇 → town, 乡 → township (a town when the name says neither)."""
    if name.endswith("街道"):
        return "street"
    if name.endswith("乡"):
        return "township"
    return "town"


def grid_centroids(shapes: np.ndarray) -> tuple[list[float], list[float]]:
    points = shapely.point_on_surface(shapes)  # inside the grid, even for an L-shaped one
    return shapely.get_y(points).tolist(), shapely.get_x(points).tolist()
