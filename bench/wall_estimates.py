"""What the wall's periodic callback responses would weigh at city scale, which the tiny test city cannot show: the
map colours for all 7,369 cells with a realistic spread of values, and the patrol layer with thousands of workers
out. Built with the app's own `hideout()` and the Dash response encoder, compressed as Flask-Compress does (zstd
level 3 is what Chromium negotiates; gzip level 6 beside it). Estimates, not bytes measured on the wire."""

from __future__ import annotations

import gzip
import random
from collections import Counter
from typing import Any

from backports import zstd
from dash._utils import to_json

from dashboard.data.grid_metrics import GridMetric, hideout, web_cell_codes

TAIZHOU_BOX = ((28.0, 120.2), (29.3, 121.9))  # south-west, north-east


def dash_response(outputs: dict[str, dict[str, Any]]) -> bytes:
    return str(to_json({"multi": True, "response": outputs})).encode()


def colours(incidents_today: int, rng: random.Random) -> bytes:
    codes = web_cell_codes()
    counts = Counter(rng.choices(codes, k=incidents_today))
    values = hideout(GridMetric.INCIDENTS_TODAY, dict(counts))
    return dash_response({"wall-grid-cells": {"hideout": values}, "wall-legend": {"children": []}})


def patrols(on_patrol: int, rng: random.Random) -> bytes:
    (south, west), (north, east) = TAIZHOU_BOX
    workers = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(rng.uniform(west, east), 6), round(rng.uniform(south, north), 6)],
            },
            "properties": {"worker": f"W{331000000000 + n}"},
        }
        for n in range(on_patrol)
    ]
    collection = {"type": "FeatureCollection", "features": workers}
    empty = {"type": "FeatureCollection", "features": []}
    return dash_response({"wall-worker-markers": {"data": collection}, "wall-patrol-tracks": {"data": empty}})


def estimates() -> list[tuple[str, int, int, int]]:
    """(what, raw bytes, zstd bytes, gzip bytes) per callback response."""
    rng = random.Random(7)
    cases = [
        ("map colours, 2,000 incidents today", colours(2_000, rng)),
        ("map colours, 20,000 incidents today", colours(20_000, rng)),
        ("patrol layer, 2,500 workers on patrol", patrols(2_500, rng)),
        ("patrol layer, all 7,369 workers on patrol", patrols(7_369, rng)),
    ]
    return [(what, len(raw), len(zstd.compress(raw, 3)), len(gzip.compress(raw, 6))) for what, raw in cases]
