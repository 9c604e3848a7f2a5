"""What the wall's periodic callback responses would weigh at city scale, which the tiny test city cannot show: the
map colours for all 7,369 cells with a realistic spread of values, and the patrol layer's refresh with thousands of
workers out (a point each in view, or counted per square on screen when there are many: `patrol_points()`). Built
with the app's own builders and the Dash response encoder, compressed as Flask-Compress does (zstd level 3 is what
Chromium negotiates; gzip level 6 beside it). Estimates, not bytes measured on the wire."""

from __future__ import annotations

import gzip
import random
from collections import Counter
from typing import Any

from backports import zstd
from dash._utils import to_json

from dashboard.components.map import patrol_points
from dashboard.pipeline.grid_metrics import GridMetric, hideout, web_cell_codes

TAIZHOU_BOX = ((28.0, 120.2), (29.3, 121.9))  # south-west, north-east


def dash_response(outputs: dict[str, dict[str, Any]]) -> bytes:
    return str(to_json({"multi": True, "response": outputs})).encode()


def colours(incidents_today: int, rng: random.Random) -> bytes:
    codes = web_cell_codes()
    counts = Counter(rng.choices(codes, k=incidents_today))
    values = hideout(GridMetric.INCIDENTS_TODAY, dict(counts))
    return dash_response({"wall-grid-colours": {"data": values}, "wall-legend": {"children": []}})


def patrols(on_patrol: int, rng: random.Random, *, zoom: int, view: float) -> bytes:
    """The patrol layer's refresh with `on_patrol` workers spread over the city, the map at `zoom` showing the middle
    `view` (a fraction) of the city's box."""
    (south, west), (north, east) = TAIZHOU_BOX
    positions = {
        f"W{331000000000 + n}": {"lat": rng.uniform(south, north), "lon": rng.uniform(west, east)}
        for n in range(on_patrol)
    }
    lat, lon, half = (south + north) / 2, (west + east) / 2, view / 2
    bounds = [
        [lat - half * (north - south), lon - half * (east - west)],
        [lat + half * (north - south), lon + half * (east - west)],
    ]
    workers = patrol_points(positions, zoom=zoom, bounds=bounds)
    empty = {"type": "FeatureCollection", "features": []}
    return dash_response({"wall-worker-markers": {"data": workers}, "wall-patrol-tracks": {"data": empty}})


def estimates() -> list[tuple[str, int, int, int]]:
    """(what, raw bytes, zstd bytes, gzip bytes) per callback response."""
    rng = random.Random(7)
    cases = [
        ("map colours, 2,000 incidents today", colours(2_000, rng)),
        ("map colours, 20,000 incidents today", colours(20_000, rng)),
        ("patrol layer, 2,500 workers on patrol, whole city (zoom 9)", patrols(2_500, rng, zoom=9, view=1)),
        ("patrol layer, all 7,369 on patrol, whole city (zoom 9)", patrols(7_369, rng, zoom=9, view=1)),
        ("patrol layer, all 7,369 on patrol, a county (zoom 11)", patrols(7_369, rng, zoom=11, view=0.25)),
        ("patrol layer, all 7,369 on patrol, a township (zoom 13)", patrols(7_369, rng, zoom=13, view=0.06)),
    ]
    return [(what, len(raw), len(zstd.compress(raw, 3)), len(gzip.compress(raw, 6))) for what, raw in cases]
