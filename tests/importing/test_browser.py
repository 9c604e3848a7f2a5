"""After the sample city is imported, the app shows it in a real browser: the wall's map opens on its 24 grids
(fetched from the imported layers), and a drill-down page names the city and its counties with its figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dash.testing.wait import until

from tests.e2e.drill import crumbs, open_view, summary, texts
from tests.importing.conftest import Sample
from tests.support.accounts import sign_in

pytestmark = pytest.mark.browser

MAP_STATE = """
const cc = window.commandCenter || {}, layer = cc.gridCells;
if (!layer || !layer._map || !cc.cells.size) { return null; }
const map = layer._map, view = map.getBounds();
return {cells: cc.cells.size, zoom: map.getZoom(), center: [map.getCenter().lat, map.getCenter().lng],
        inView: layer.codes().filter((code) => view.contains(layer.boundsOf(code))).length};
"""


def test_the_wall_and_a_drill_page_show_the_imported_city(dash_app, dash_duo, sample_city: Sample) -> None:
    sign_in(dash_duo, dash_app)
    dash_duo.wait_for_element(".leaflet-container")
    until(lambda: (dash_duo.driver.execute_script(MAP_STATE) or {}).get("cells") == 24, timeout=20)
    state = dash_duo.driver.execute_script(MAP_STATE)
    assert state["inView"] == 24  # the map opens on the imported city, every grid in view
    assert 29.9 < state["center"][0] < 29.94 and 122.0 < state["center"][1] < 122.24
    assert dash_duo.get_logs() == []

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    start = today - timedelta(days=120)
    view = f"/trends?period=custom&from={start}&to={today}"
    open_view(dash_duo, view, "#trends-series-graph .scatterlayer .trace")
    until(lambda: crumbs(dash_duo) == ["样例市"], timeout=10)
    assert dash_duo.driver.title == "案件趋势 · 样例市网格化管理指挥中心"  # the tab names the page and the city
    assert summary(dash_duo).startswith("样例市，")
    until(lambda: {"东城区", "西湖县"} <= set(texts(dash_duo, "#trends-areas-graph text")), timeout=10)
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")  # close the event stream before the test server stops
