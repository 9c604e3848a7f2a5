"""What every page's document leaves out that a browser would only spend time on.

- The validation layout: with callback exceptions not suppressed, Dash puts every page's layout (225 KB, the
  document's bulk) into the page config so that its renderer can check every callback's ids against it, in every
  browser on every load (walking the whole of it: tens of milliseconds of a wall screen's first paint). The page says
  the exceptions are suppressed instead, so the renderer checks only the properties of the components drawn; the ids
  are checked once, against every page's layout, by tests/test_callbacks_wired.py. The server keeps its own checks.
- Babel's polyfill (97 KB, the first script of every page, 60–100 ms of a wall screen's first load to evaluate):
  core-js's stand-ins for built-ins that any browser able to run the app's own scripts has, and regenerator-runtime,
  which Dash's bundles call whenever a component loads on demand (a chart, the map's layers). The page keeps
  regenerator-runtime alone (7 KB, taken from the same polyfill file, in the document before any bundle); should the
  polyfill file not hold it where it did, the page keeps the whole polyfill.
- dash_table's bundle: `import dash` registers DataTable, so Dash names its 240 KB script in every page; no page draws
  one (record tables are dash-ag-grid, loaded on demand: dashboard/grid_bundle.py). Marked `dynamic`, Dash's flag for
  a file it serves but leaves out of the page; its lazily loaded chunks were never in the page.

And one thing it adds: the address of the map's grid cells (the imported city's, when there is one), so that the
wall's script (assets/10-grid-cells.js) reads them while Dash is still starting, not once the map is drawn."""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import Any

import dash
from dash import _dash_renderer, dash_table

from dashboard.components.map import cell_layer_data

log = logging.getLogger(__name__)

CELLS_META = "grid-cells"  # read by assets/10-grid-cells.js
POLYFILL = "deps/polyfill@7.12.1.min.js"  # of Dash 4.4's renderer dependencies
# regenerator-runtime's module in the polyfill's browserify bundle: its function's body, between these two marks
REGENERATOR_START, REGENERATOR_END = "305:[function(t,n,r){", "},{}],306:"


class LeanDash(dash.Dash):
    regenerator = ""  # regenerator-runtime's script, when the polyfill is left out (leave_out_polyfill)

    def _config(self) -> dict[str, Any]:
        config: dict[str, Any] = super()._config()  # type: ignore[no-untyped-call]
        config.pop("validation_layout", None)
        config["suppress_callback_exceptions"] = True
        return config

    def interpolate_index(self, metas: Any = "", **parts: Any) -> Any:  # type: ignore[override]
        # the same address and datum as the map's panel gives (cell_layer_data), so the script reads the cells once
        layer = {name: escape(str(value)) for name, value in cell_layer_data().items()}
        cells = f'<meta name="{CELLS_META}" content="{layer["data-cells"]}" data-crs="{layer["data-crs"]}">'
        runtime = f"\n      <script>{self.regenerator}</script>" if self.regenerator else ""
        head = f"{metas}\n      {cells}{runtime}"
        return super().interpolate_index(metas=head, **parts)  # type: ignore[no-untyped-call]

    def leave_out_polyfill(self) -> None:
        """Dash's renderer dependencies without Babel's polyfill, and its regenerator-runtime in the document."""
        bundle = Path(dash.__file__).parent / POLYFILL
        text = bundle.read_text(encoding="utf-8")
        start, end = text.find(REGENERATOR_START), text.find(REGENERATOR_END)
        if start < 0 or end < start or "regeneratorRuntime=" not in text[start:end]:
            log.warning("%s has no regenerator-runtime where it was: the page keeps the whole polyfill", bundle)
            return
        body = text[start + len(REGENERATOR_START) : end]
        self.regenerator = f"(function(t,n,r){{{body}}})(null,{{exports:{{}}}},{{}});"  # require, module, exports
        for entry in _dash_renderer._js_dist_dependencies:
            paths = entry["relative_package_path"]
            paths["prod"] = [path for path in paths["prod"] if path != POLYFILL]


def leave_out_dash_table() -> None:
    for entry in dash_table._js_dist:  # type: ignore[attr-defined]
        if not entry.get("async"):  # a chunk loaded on demand already (Dash refuses `dynamic` beside `async`)
            entry["dynamic"] = True
