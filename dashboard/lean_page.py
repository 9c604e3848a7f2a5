"""What every page's document leaves out that a browser would only spend time on.

- The validation layout: with callback exceptions not suppressed, Dash puts every page's layout (225 KB, the
  document's bulk) into the page config so that its renderer can check every callback's ids against it, in every
  browser on every load (walking the whole of it: tens of milliseconds of a wall screen's first paint). The page says
  the exceptions are suppressed instead, so the renderer checks only the properties of the components drawn; the ids
  are checked once, against every page's layout, by tests/test_callbacks_wired.py. The server keeps its own checks.
- dash_table's bundle: `import dash` registers DataTable, so Dash names its 240 KB script in every page; no page draws
  one (record tables are dash-ag-grid, loaded on demand: dashboard/grid_bundle.py). Marked `dynamic`, Dash's flag for
  a file it serves but leaves out of the page; its lazily loaded chunks were never in the page.

And one thing it adds: the address of the map's grid cells (the imported city's, when there is one), so that the
wall's script (assets/10-grid-cells.js) reads them while Dash is still starting, not once the map is drawn."""

from __future__ import annotations

from html import escape
from typing import Any

import dash
from dash import dash_table

from dashboard.components.map import cell_layer_data

CELLS_META = "grid-cells"  # read by assets/10-grid-cells.js


class LeanDash(dash.Dash):
    def _config(self) -> dict[str, Any]:
        config: dict[str, Any] = super()._config()  # type: ignore[no-untyped-call]
        config.pop("validation_layout", None)
        config["suppress_callback_exceptions"] = True
        return config

    def interpolate_index(self, metas: Any = "", **parts: Any) -> Any:  # type: ignore[override]
        # the same address and datum as the map's panel gives (cell_layer_data), so the script reads the cells once
        layer = {name: escape(str(value)) for name, value in cell_layer_data().items()}
        cells = f'<meta name="{CELLS_META}" content="{layer["data-cells"]}" data-crs="{layer["data-crs"]}">'
        return super().interpolate_index(metas=f"{metas}\n      {cells}", **parts)  # type: ignore[no-untyped-call]


def leave_out_dash_table() -> None:
    for entry in dash_table._js_dist:  # type: ignore[attr-defined]
        if not entry.get("async"):  # a chunk loaded on demand already (Dash refuses `dynamic` beside `async`)
            entry["dynamic"] = True
