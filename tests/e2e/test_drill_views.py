"""The area pages' map analysis, record tables and cross-filtering in a real browser: the map shows the density of
the view's incidents and its areas one level down, a click on an area drills into it; a click on a subtype's bar
puts it in the address and filters the other charts and the table; the same address (subtype and grain) reopens
the same view; the rental page lists its cases in rental housing and its rental houses."""

from __future__ import annotations

from typing import Any

import pytest
from dash.testing.wait import until
from sqlalchemy import text

from dashboard.callbacks.analysis_map import hexes_over
from dashboard.data.db import session_scope
from dashboard.data.periods import Area
from dashboard.i18n import t
from tests.e2e.drill import click_bar, crumbs, open_view, path_and_query, texts
from tests.e2e.test_grid_detail import clicked
from tests.support.accounts import sign_in
from tests.support.drill_data import END, START, add_drill_city

pytestmark = pytest.mark.browser
PERIOD = "?period=custom&from=2025-03-01&to=2025-08-31"
READY = "#trends-series-graph .scatterlayer .trace"
IN_PERIOD = "reported_at >= :s AND reported_at < :e"


def scalar(sql: str, **bounds: Any) -> Any:
    with session_scope() as session:
        return session.execute(text(sql), {"s": START, "e": END, **bounds}).scalar_one()


def text_of(dash_duo: Any, selector: str) -> str:
    return "".join(texts(dash_duo, selector))


def graph_values(dash_duo: Any, graph: str, trace: int = 0) -> list[Any]:
    """The y values of one trace of a drawn graph, as plotly holds them in the page."""
    script = (
        "const g = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "return g && g.data && g.data[arguments[1]] ? Array.from(g.data[arguments[1]].y || []) : null;"
    )
    return list(dash_duo.driver.execute_script(script, graph, trace) or [])


def click_area(dash_duo: Any, index: int) -> None:
    """A click on one area of the map (an SVG path: Leaflet takes the click from the element itself)."""
    script = """
        const path = document.querySelectorAll('.analysis-map path.analysis-area')[arguments[0]];
        const box = path.getBoundingClientRect();
        const at = {bubbles: true, cancelable: true, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2};
        ['mousedown', 'mouseup', 'click'].forEach((type) => path.dispatchEvent(new MouseEvent(type, at)));
    """
    dash_duo.driver.execute_script(script, index)


def test_the_map_shows_the_density_and_a_click_on_an_area_drills_into_it(dash_app, dash_duo):
    add_drill_city()
    sign_in(dash_duo, dash_app)
    view = f"/trends{PERIOD}&area=331004"
    open_view(dash_duo, view, READY)
    luqiao = scalar(
        "SELECT count(*) FROM incident WHERE county_code = '331004' AND reported_at >= :s AND reported_at < :e"
    )
    with session_scope() as session:  # over a county each grid's incidents count at its centroid
        centroids = session.execute(
            text(
                "SELECT DISTINCT g.centroid_lat, g.centroid_lon FROM incident i JOIN grid g ON g.id = i.grid_id "
                f"WHERE i.county_code = '331004' AND {IN_PERIOD}"
            ),
            {"s": START, "e": END},
        ).all()
    hexes = hexes_over(Area.county("331004"))  # one hexagon drawn per hexagon holding a centroid
    cells = {hexes.cell_of(lat, lon) for lat, lon in centroids}
    dash_duo.wait_for_text_to_equal(".analysis-hour", t("analysis.period_total", count=luqiao), timeout=15)
    until(lambda: len(dash_duo.find_elements(".analysis-map path.heat-cell")) == len(cells), timeout=10)
    townships = scalar("SELECT count(*) FROM township WHERE county_code = '331004'")
    until(lambda: len(dash_duo.find_elements(".analysis-map path.analysis-area")) == townships, timeout=10)

    click_area(dash_duo, 0)  # the first township by code: 331004001
    until(lambda: path_and_query(dash_duo) == f"/trends{PERIOD}&area=331004001", timeout=10)
    until(lambda: crumbs(dash_duo) == ["台州市", "路桥区", "镇001"], timeout=10)
    in_township = scalar("SELECT count(*) FROM incident i JOIN grid g ON g.id = i.grid_id WHERE "
                         "g.township_code = '331004001' AND reported_at >= :s AND reported_at < :e")  # fmt: skip
    dash_duo.wait_for_text_to_equal(".analysis-hour", t("analysis.period_total", count=in_township), timeout=15)
    until(lambda: len(dash_duo.find_elements(".analysis-map path.analysis-area")) == 2, timeout=10)  # its two grids
    click_area(dash_duo, 1)  # a grid opens its own page
    until(lambda: path_and_query(dash_duo) == "/grid?code=331004-001-0002", timeout=10)
    assert [entry for entry in dash_duo.get_logs() if entry["level"] == "SEVERE"] == []
    dash_duo.driver.get("about:blank")


def test_a_subtype_click_filters_the_other_charts_and_the_table_and_the_address_reopens_it(dash_app, dash_duo):
    add_drill_city()
    top = scalar("SELECT subtype FROM incident WHERE kind = 'criminal' AND reported_at >= :s AND reported_at < :e "
                 "GROUP BY subtype ORDER BY count(*) DESC, subtype LIMIT 1")  # fmt: skip
    cases = scalar("SELECT count(*) FROM incident WHERE subtype = :t AND reported_at >= :s AND reported_at < :e", t=top)
    by_county = [
        scalar(
            "SELECT count(*) FROM incident WHERE subtype = :t AND county_code = :c AND reported_at >= :s "
            "AND reported_at < :e",
            t=top,
            c=code,
        )
        for code in ("331004", "331081")
    ]
    sign_in(dash_duo, dash_app)
    view = f"/trends{PERIOD}&kind=criminal&grain=month"
    open_view(dash_duo, view, READY)
    assert dash_duo.find_element("#trends-grain-radio input[value='month']").is_selected()
    bars = scalar(f"SELECT count(DISTINCT subtype) FROM incident WHERE kind = 'criminal' AND {IN_PERIOD}")
    click_bar(dash_duo, "#trends-subtypes-graph", 0, bars, horizontal=True)  # the most reported, drawn on top
    picked = f"/trends{PERIOD}&kind=criminal&subtype={top}&grain=month"
    until(lambda: path_and_query(dash_duo) == picked, timeout=10)
    label = t(f"subtype.{top}")
    until(lambda: text_of(dash_duo, "#trends-selection") == t("selection.shown", name=label), timeout=10)
    until(lambda: graph_values(dash_duo, "#trends-areas-graph") == by_county, timeout=15)  # the other charts follow
    table = ".record-table .record-status"
    dash_duo.wait_for_text_to_equal(table, t("records.total", count=cases), timeout=15)  # and so does the table
    dash_duo.wait_for_text_to_equal(".analysis-hour", t("analysis.period_total", count=cases), timeout=15)  # the map

    open_view(dash_duo, picked, READY)  # the deep link reopens the same view
    until(lambda: text_of(dash_duo, "#trends-selection") == t("selection.shown", name=label), timeout=10)
    assert dash_duo.find_element("#trends-grain-radio input[value='month']").is_selected()
    until(lambda: graph_values(dash_duo, "#trends-areas-graph") == by_county, timeout=15)
    dash_duo.wait_for_text_to_equal(table, t("records.total", count=cases), timeout=15)

    until(lambda: clicked(dash_duo, "#trends-clear-button"), timeout=10)  # let go: the address drops it
    until(lambda: path_and_query(dash_duo) == view, timeout=10)

    until(lambda: graph_values(dash_duo, "#trends-areas-graph") != by_county, timeout=15)  # drawn anew, all subtypes
    until(lambda: clicked(dash_duo, "#trends-grain-radio input[value='day']"), timeout=10)  # the grain: the address
    until(lambda: path_and_query(dash_duo) == f"/trends{PERIOD}&kind=criminal&grain=day", timeout=10)

    dash_duo.driver.get(f"{dash_duo.server_url}/trends{PERIOD}&kind=dispute&subtype=theft")
    until(lambda: "地址参数 subtype（子类）的值“theft”无效" in text_of(dash_duo, "#drill-message"), timeout=10)
    assert [entry for entry in dash_duo.get_logs() if entry["level"] == "SEVERE"] == []
    dash_duo.driver.get("about:blank")


def test_the_rental_page_lists_its_cases_in_rental_housing_and_its_rental_houses(dash_app, dash_duo):
    add_drill_city()
    cases = scalar(
        "SELECT count(*) FROM incident WHERE place_type = 'rental_housing' AND reported_at >= :s AND reported_at < :e"
    )
    houses = scalar("SELECT count(*) FROM rental_house")
    sign_in(dash_duo, dash_app, path=f"/rental-housing{PERIOD}")
    dash_duo.wait_for_element("#rental-areas-graph .bars .point", timeout=15)
    dash_duo.wait_for_text_to_equal(".record-incidents .record-status", t("records.total", count=cases), timeout=15)
    dash_duo.wait_for_text_to_equal(
        ".record-rental-houses .record-status", t("records.total", count=houses), timeout=15
    )
    until(
        lambda: len(dash_duo.find_elements(".record-incidents .ag-center-cols-container .ag-row")) == min(cases, 20),
        timeout=15,
    )
    places = set(texts(dash_duo, ".record-incidents .ag-center-cols-container .ag-row [col-id='place_type']"))
    assert places == {t("place.rental_housing")}
    assert [entry for entry in dash_duo.get_logs() if entry["level"] == "SEVERE"] == []
    dash_duo.driver.get("about:blank")
