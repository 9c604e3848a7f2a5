"""dash-ag-grid's script (1.3 MB, 310 KB brotli'd: the largest after plotly.js) only where a record table is drawn.

Dash names every component library's script in every page, so a wall screen, which draws no table, fetched and ran
the grid before its map. Dash has no scripts per page (loading a library when a layout first uses it was proposed as
plotly/dash#2762 and left unmerged), so: the bundle is marked `dynamic`, Dash's own flag for a file it serves but
leaves out of the page, and the page names the bundle's fingerprinted address in a meta tag instead, from which
assets/02-grid-on-demand.js loads it the first time a grid is drawn (in wall mode never: the tables are hidden
there). The grid's own chunks (async-community.js) were loaded on demand already."""

from __future__ import annotations

from pathlib import Path

import dash
import dash_ag_grid
from dash.fingerprint import build_fingerprint

BUNDLE = "dash_ag_grid.min.js"
NAMESPACE = "dash_ag_grid"
META_NAME = "dash-ag-grid-bundle"  # read by assets/02-grid-on-demand.js


def bundle_url(app: dash.Dash) -> str:
    """The bundle's address as Dash would have named it in the page: fingerprinted by version and file time, so the
    browser keeps it for a year (dash's _collect_and_register_resources)."""
    modified = int((Path(dash_ag_grid.__file__).parent / BUNDLE).stat().st_mtime)
    fingerprint = build_fingerprint(BUNDLE, dash_ag_grid.__version__, modified)  # type: ignore[no-untyped-call]
    return f"{app.config.requests_pathname_prefix}_dash-component-suites/{NAMESPACE}/{fingerprint}"


def load_grid_on_demand(app: dash.Dash) -> None:
    bundles = [entry for entry in dash_ag_grid._js_dist if entry.get("relative_package_path") == BUNDLE]
    if len(bundles) != 1:  # a dash-ag-grid that ships its script otherwise: say so at start-up, not with no grid
        raise RuntimeError(f"dash-ag-grid {dash_ag_grid.__version__}: expected one entry for {BUNDLE} in its _js_dist")
    bundles[0]["dynamic"] = True  # every component of the package shares this list
    app.config.meta_tags.append({"name": META_NAME, "content": bundle_url(app)})
