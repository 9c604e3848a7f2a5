"""The per-grid values the command wall colours its map by, read from the live state in Redis, and laid out in
the order of the browser's cell layer so an update is one short list of numbers (no geometry, no codes)."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from dashboard.config import ROOT
from dashboard.data.active_city import city_files
from dashboard.pipeline.live import LiveState

WEB_CELLS = ROOT / "assets" / "grid_cells.geojson"  # Taizhou's; an imported city's is in its folder (active_city)


class GridMetric(StrEnum):
    INCIDENTS_TODAY = "incidents_today"
    OPEN_HAZARDS = "open_hazards"
    OVERDUE_HAZARDS = "overdue_hazards"
    PATROL_COVERAGE = "patrol_coverage"  # patrols started in the grid today


# Class breaks (a value at or above a break takes its colour) and colours, light to dark.
BREAKS: dict[GridMetric, list[int]] = {
    GridMetric.INCIDENTS_TODAY: [1, 2, 3, 5],
    GridMetric.OPEN_HAZARDS: [1, 2, 4, 8],
    GridMetric.OVERDUE_HAZARDS: [1, 2, 3, 5],
    GridMetric.PATROL_COVERAGE: [1, 2],
}
COLOURS: dict[GridMetric, list[str]] = {
    GridMetric.INCIDENTS_TODAY: ["#fdd49e", "#fc8d59", "#e34a33", "#b30000"],
    GridMetric.OPEN_HAZARDS: ["#fee391", "#fec44f", "#fe9929", "#cc4c02"],
    GridMetric.OVERDUE_HAZARDS: ["#fcbba1", "#fb6a4a", "#de2d26", "#a50f15"],
    GridMetric.PATROL_COVERAGE: ["#74c476", "#238b45"],
}
EMPTY_COLOUR = "#1b3350"


def web_cell_codes() -> tuple[str, ...]:
    """Grid codes in the order of the browser's cell layer (feature `id` n is position n - 1)."""
    files = city_files()
    return _cell_codes(files.layers / WEB_CELLS.name, files.stamp)


@lru_cache(maxsize=2)
def _cell_codes(path: Path, _city: str) -> tuple[str, ...]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    ordered = sorted(features, key=lambda feature: feature["properties"]["id"])
    return tuple(feature["properties"]["code"] for feature in ordered)


def grid_values(live: LiveState, metric: GridMetric, *, today: date, now: datetime) -> dict[str, int]:
    match metric:
        case GridMetric.INCIDENTS_TODAY:
            return live.incidents_on(today)
        case GridMetric.OPEN_HAZARDS:
            return live.open_hazards()
        case GridMetric.OVERDUE_HAZARDS:
            return live.overdue_hazards(now)
        case GridMetric.PATROL_COVERAGE:
            return live.patrolled_on(today)


def cell_values(values: dict[str, int], order: tuple[str, ...]) -> list[int]:
    return [values.get(code, 0) for code in order]


def hideout(metric: GridMetric, values: dict[str, int]) -> dict[str, object]:
    """What the map's style function reads: the values in cell order, and how to colour them."""
    return {
        "metric": metric.value,
        "values": cell_values(values, web_cell_codes()),
        "breaks": BREAKS[metric],
        "colours": COLOURS[metric],
        "empty": EMPTY_COLOUR,
    }
