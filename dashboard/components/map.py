"""The city map: county outlines and the 7,369 grid cells (geometry fetched once, as geobuf, from assets/), drawn
on canvas; layers for live events and patrols. The base map is a tile URL from configuration, or none (offline)."""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl

from dashboard.config import get_settings
from dashboard.data.grid_metrics import EMPTY_COLOUR
from dashboard.i18n import t

TAIZHOU = (28.72, 121.13)  # the middle of the nine counties
ZOOM = 9


def js(name: str) -> dict[str, str]:
    """A function defined in assets/10-map_layers.js, by name."""
    return {"variable": f"commandCenter.{name}"}


def base_layers() -> list[Any]:
    settings = get_settings()
    if not settings.tile_url:
        return []  # dl.TileLayer() without a URL would fetch internet tiles
    return [dl.TileLayer(url=settings.tile_url, attribution=settings.tile_attribution)]


def overlay_options() -> dict[str, Any]:
    """On GCJ-02 tiles every overlay is shifted from the stored WGS-84 so that it lines up."""
    return {"coordsToLatLng": js("gcj02LatLng")} if get_settings().tile_crs == "gcj02" else {}


def city_map(ids: Any, *, height: str = "70vh") -> dl.Map:
    """`ids` names the map's parts: MAP, CELLS, COUNTIES, EVENTS, WORKERS, TRACKS."""
    shift = overlay_options()
    cells = dl.GeoJSON(
        **shift,
        id=ids.CELLS,
        url="/assets/grid_cells.pbf",
        format="geobuf",
        style=js("gridStyle"),
        onEachFeature=js("onEachGrid"),
        hideout={"values": [], "breaks": [], "colours": [], "empty": EMPTY_COLOUR},
    )
    counties = dl.GeoJSON(
        **shift,
        id=ids.COUNTIES,
        url="/assets/county_outlines.pbf",
        format="geobuf",
        style=js("countyStyle"),
        interactive=False,
    )
    events = dl.GeoJSON(
        **shift,
        id=ids.EVENTS,
        data={"type": "FeatureCollection", "features": []},
        cluster=True,
        pointToLayer=js("eventMarker"),
        clusterToLayer=js("clusterMarker"),
        superClusterOptions={"radius": 60, "maxZoom": 14},
    )
    workers = dl.GeoJSON(
        **shift, id=ids.WORKERS, data={"type": "FeatureCollection", "features": []}, pointToLayer=js("workerMarker")
    )
    tracks = dl.GeoJSON(
        **shift, id=ids.TRACKS, data={"type": "FeatureCollection", "features": []}, style=js("trackStyle")
    )
    overlays = dl.LayersControl(
        [
            dl.Overlay(dl.LayerGroup([cells, counties]), name=t("map.layer.grids"), checked=True),
            dl.Overlay(dl.LayerGroup([events]), name=t("map.layer.events"), checked=True),
            dl.Overlay(dl.LayerGroup([tracks, workers]), name=t("map.layer.patrols"), checked=True),
        ],
        position="topright",
    )
    return dl.Map(
        [*base_layers(), overlays],
        id=ids.MAP,
        center=list(TAIZHOU),
        zoom=ZOOM,
        preferCanvas=True,
        style={"height": height, "background": "#0d1d2e"},
        attributionControl=bool(base_layers()),
    )
