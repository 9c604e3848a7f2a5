"""The record tables' script (dash-ag-grid, 1.3 MB) comes with the first table drawn, not with every page: the command
wall loads none of it; moving on from the wall to a drill-down page within the page (no reload, as the nav links and
the wall's rotation do) draws that page's table, rows and all; and in wall mode, where the tables are hidden, the
script never loads."""

from __future__ import annotations

from typing import Any

import pytest
from dash.testing.wait import until

from tests.e2e.drill import FIRST_DRAW_S
from tests.support.accounts import sign_in
from tests.support.drill_data import add_drill_city

pytestmark = pytest.mark.browser

PERIOD = "period=custom&from=2025-03-01&to=2025-08-31"  # the drill-down test city's rows
ROWS = ".record-incidents .ag-center-cols-container .ag-row"
GRID_SCRIPTS = """
return performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname)
  .filter((path) => path.startsWith("/_dash-component-suites/dash_ag_grid/"));
"""
MOVE_ON = """
window.notReloaded = true;
window.history.pushState({}, "", arguments[0]);
window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));  /* what dcc.Link does */
"""


def grid_scripts(dash_duo: Any) -> list[str]:
    return list(dash_duo.driver.execute_script(GRID_SCRIPTS))


def test_the_grid_script_comes_with_the_first_table_drawn_and_never_in_wall_mode(dash_app, dash_duo):
    add_drill_city()
    sign_in(dash_duo, dash_app, path="/")
    dash_duo.wait_for_element("#wall-map .leaflet-pane", timeout=15)
    dash_duo.wait_for_element(".feed", timeout=15)
    assert grid_scripts(dash_duo) == []

    dash_duo.driver.execute_script(MOVE_ON, f"/trends?{PERIOD}")
    until(lambda: len(dash_duo.find_elements(ROWS)) == 20, timeout=20)  # a page of the period's incidents
    [bundle] = [path for path in grid_scripts(dash_duo) if "dash_ag_grid.v" in path]  # loaded once, fingerprinted
    assert bundle.endswith(".min.js")
    assert dash_duo.driver.execute_script("return window.notReloaded") is True  # the same document throughout

    dash_duo.driver.get(f"{dash_duo.server_url}/trends?{PERIOD}&wall=1&pages=trends&every=60")
    dash_duo.wait_for_element("#trends-series-graph .scatterlayer .trace", timeout=FIRST_DRAW_S)
    assert dash_duo.find_elements(".record-incidents .record-grid")  # the table's place, hidden
    assert dash_duo.find_elements(".ag-root") == []
    assert grid_scripts(dash_duo) == []
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")
