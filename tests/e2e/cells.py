"""The wall's grid cells as a test sees them: a cell's shape from the shipped GeoJSON, and what the cells' canvas
layer (assets/10-grid-cells.js) shows at a point inside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely

CELLS_FILE = Path(__file__).resolve().parents[2] / "assets" / "grid_cells.geojson"

# Arguments: code, lat, lon (a point inside the cell). The cell's bounds as the layer gives them, the point in the
# page's viewport, and the cells' canvas's pixel there ([r, g, b, a]).
CELL_PIXEL = """
const [code, lat, lon] = arguments, cc = window.commandCenter, layer = cc.gridCells, map = cc.wallMap;
const b = layer.boundsOf(code), inside = L.latLng(lat, lon);
const container = map.latLngToContainerPoint(inside), box = map.getContainer().getBoundingClientRect();
const onCanvas = map.latLngToLayerPoint(inside).subtract(layer._bounds.min);
const ratio = layer._container.width / layer._container.clientWidth;
const x = Math.round(onCanvas.x * ratio), y = Math.round(onCanvas.y * ratio);
const pixel = Array.from(layer._ctx.getImageData(x, y, 1, 1).data);
return {bounds: [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()], pixel: pixel,
        at: [box.left + container.x, box.top + container.y]};
"""


def cell_shape(code: str) -> Any:
    """The cell's polygon, as the GeoJSON the browser draws holds it."""
    features = json.loads(CELLS_FILE.read_text(encoding="utf-8"))["features"]
    return shapely.geometry.shape(next(f["geometry"] for f in features if f["properties"]["code"] == code))
