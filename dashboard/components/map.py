"""The city map: county outlines with their names and the 7,369 grid cells, drawn on canvas (the cells by
assets/10-grid-cells.js, which fetches their GeoJSON once and draws them into the grid group); layers for live events
(filled in the browser by assets/11-wall.js) and patrols. It opens fitted to the city's bounds, and refits whenever
its size changes (assets/16-wall-fit.js). The base map is a tile URL from configuration, or none (offline)."""

from __future__ import annotations

import math
from collections import defaultdict
from statistics import fmean
from typing import Annotated, Any

import dash_leaflet as dl
import shapely
from pydantic import Field

from dashboard.config import get_settings
from dashboard.data.active_city import city_view, layer_url
from dashboard.data.city_extent import city_bounds, county_labels
from dashboard.i18n import current_language, t
from dashboard.pipeline.grid_metrics import EMPTY_COLOUR

TAIZHOU = (28.72, 121.13)  # the middle of the nine counties
ZOOM = 9  # an imported city has its own centre and zoom: city_center_zoom()
WORKER_DOTS = 300  # at most this many workers in view are drawn one by one; more are counted per square on screen
SQUARE_PX = 60  # the side of such a square
# [[south, west], [north, east]], as dl.Map reports them; the bounds also bound what a forged request may ask
Bounds = list[
    Annotated[list[Annotated[float, Field(ge=-1000, le=1000, allow_inf_nan=False)]], Field(min_length=2, max_length=2)]
]
Zoom = Annotated[float, Field(ge=0, le=30, allow_inf_nan=False)]  # Leaflet's zoom levels, with room to spare


def js(name: str) -> dict[str, str]:
    """A function defined in assets/10-map_layers.js, by name."""
    return {"variable": f"commandCenter.{name}"}


def city_center_zoom() -> tuple[list[float], int]:
    """Where the city maps open: Taizhou's middle, or the imported city's (dashboard.data.active_city)."""
    view = city_view()
    return list(view.center), view.zoom


def base_layers() -> list[Any]:
    settings = get_settings()
    if not settings.tile_url:
        return []  # dl.TileLayer() without a URL would fetch internet tiles
    return [dl.TileLayer(url=settings.tile_url, attribution=settings.tile_attribution)]


def overlay_options() -> dict[str, Any]:
    """On GCJ-02 tiles every overlay is shifted from the stored WGS-84 so that it lines up."""
    return {"coordsToLatLng": js("gcj02LatLng")} if get_settings().tile_crs == "gcj02" else {}


def cell_layer_data() -> dict[str, Any]:
    """What assets/10-grid-cells.js reads off the map's panel: the cells' GeoJSON (the imported city's, when there is
    one), the tiles' datum and the colour of a cell with nothing to show."""
    return {"data-cells": layer_url("grid_cells"), "data-crs": get_settings().tile_crs, "data-empty": EMPTY_COLOUR}


def city_map(ids: Any) -> dl.Map:
    """`ids` names the map's parts: MAP, GRID_LAYERS, COUNTIES, COUNTY_NAMES, EVENTS, WORKERS, TRACKS. The element
    around it carries cell_layer_data(). Its height is the stylesheet's (a share of the page, or of the wall's
    canvas)."""
    shift = overlay_options()
    counties = dl.GeoJSON(
        **shift,
        id=ids.COUNTIES,
        url=layer_url("county_outlines"),
        style=js("countyStyle"),
        interactive=False,
    )
    names = dl.GeoJSON(
        **shift, id=ids.COUNTY_NAMES, data=county_labels(current_language()), pointToLayer=js("countyName")
    )
    workers = dl.GeoJSON(
        **shift, id=ids.WORKERS, data={"type": "FeatureCollection", "features": []}, pointToLayer=js("workerMarker")
    )
    tracks = dl.GeoJSON(
        **shift, id=ids.TRACKS, data={"type": "FeatureCollection", "features": []}, style=js("trackStyle")
    )
    overlays = dl.LayersControl(
        [
            dl.Overlay(dl.LayerGroup([counties, names], id=ids.GRID_LAYERS), name=t("map.layer.grids"), checked=True),
            dl.Overlay(dl.LayerGroup(id=ids.EVENTS), name=t("map.layer.events"), checked=True),  # 11-wall.js fills it
            dl.Overlay(dl.LayerGroup([tracks, workers]), name=t("map.layer.patrols"), checked=True),
        ],
        position="topright",
    )
    return dl.Map(
        [*base_layers(), overlays],
        id=ids.MAP,
        center=city_center_zoom()[0],
        zoom=city_center_zoom()[1],
        bounds=city_bounds(),  # fitted to the map's own size as it opens
        zoomSnap=0.1,  # a fractional zoom, so that the city fills the map (whole steps halve or double it)
        preferCanvas=True,
        style={"background": "#0d1d2e"},
        attributionControl=bool(base_layers()),
    )


def inside(bounds: Bounds | None, lat: float, lon: float) -> bool:
    if not bounds:
        return False
    (south, west), (north, east) = bounds
    return south <= lat <= north and west <= lon <= east


def point(lat: float, lon: float, properties: dict[str, Any]) -> dict[str, Any]:
    coordinates = [round(lon, 5), round(lat, 5)]  # a metre is enough
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": coordinates}, "properties": properties}


def square(lat: float, lon: float, zoom: float, px: int = SQUARE_PX) -> tuple[int, int]:
    """Which `px` square of the map (Web Mercator, at `zoom`) a position falls in."""
    side = 256 * 2 ** round(zoom) / px
    x = (lon + 180) / 360 * side
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * side
    return int(x), int(y)


def patrol_points(
    positions: dict[str, dict[str, Any]],
    *,
    zoom: float,
    bounds: Bounds | None,
    most: int = WORKER_DOTS,
    square_px: int = SQUARE_PX,
) -> dict[str, Any]:
    """The workers on patrol in view (all of them before the map has reported its bounds): a point each, with its
    `worker`; or, when more than `most` are in view, a point per `square_px` square on screen, with the `count` of
    workers there, at their mean position. Either way a refresh stays small, however many are out. (The wall's
    canvas asks for squares of a few pixels, drawn as dots: the workers' spread without a count on each.)"""
    fixes = [(worker, fix["lat"], fix["lon"]) for worker, fix in positions.items()]
    if bounds:
        fixes = [(worker, lat, lon) for worker, lat, lon in fixes if inside(bounds, lat, lon)]
    if len(fixes) <= most:
        return {"type": "FeatureCollection", "features": [point(lat, lon, {"worker": w}) for w, lat, lon in fixes]}
    squares: dict[tuple[int, int], list[tuple[str, float, float]]] = defaultdict(list)
    for fix in fixes:
        squares[square(fix[1], fix[2], zoom, square_px)].append(fix)
    features = [
        point(fmean(lat for _, lat, _ in group), fmean(lon for _, _, lon in group), {"count": len(group)})
        if len(group) > 1
        else point(group[0][1], group[0][2], {"worker": group[0][0]})
        for group in squares.values()
    ]
    return {"type": "FeatureCollection", "features": features}


def pixel_degrees(zoom: float) -> float:
    """About how many degrees of longitude one screen pixel spans at `zoom` (Web Mercator, 256 px tiles)."""
    return 360 / (256 * 2.0 ** round(zoom))


def track_lines(tracks: list[list[str]], *, zoom: float) -> dict[str, Any]:
    """Today's tracks as lines, no finer than the screen shows: each simplified to half a pixel at `zoom`
    (Douglas-Peucker, first and last fix kept) and rounded to a metre, so a refresh close in stays small."""
    tolerance = pixel_degrees(zoom) / 2
    features = []
    for points in tracks:
        if len(points) < 2:
            continue
        line = shapely.LineString([[float(x) for x in p.split(",")] for p in points])
        simple = shapely.simplify(line, tolerance, preserve_topology=False)
        coordinates = [[round(x, 5), round(y, 5)] for x, y in simple.coords]
        features.append(
            {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": coordinates}}
        )
    return {"type": "FeatureCollection", "features": features}
