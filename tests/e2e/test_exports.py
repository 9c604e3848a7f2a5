"""Export menus in a real browser: under each chart and table of a drill-down page for a role that may export, each
link carrying the page's current filter (and following it when the filter changes); the link downloads the file;
no menu for a role that may not export."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from dash.testing.wait import until

from dashboard.data.vocab import Role
from tests.e2e.drill import FIRST_DRAW_S
from tests.support.accounts import sign_in
from tests.support.drill_data import add_drill_city

pytestmark = pytest.mark.browser
VIEW = "/trends?period=custom&from=2025-03-01&to=2025-08-31"
PNG = '[id*=\'"export":"trends.series"\'][id*=\'"format":"png"\']'  # Dash writes dict ids as JSON


def link_query(dash_duo, selector: str) -> tuple[str, dict[str, list[str]]]:
    """The link's path and query, read in one step in the page (the menu re-renders as the filter settles)."""
    href = dash_duo.driver.execute_script("return document.querySelector(arguments[0])?.href || '';", selector)
    parts = urlsplit(href)
    return parts.path, parse_qs(parts.query)


def visible_menus(dash_duo) -> int:
    script = "return Array.from(document.querySelectorAll('.export-menu')).filter((m) => m.offsetParent).length;"
    return int(dash_duo.driver.execute_script(script))


def test_the_menu_shows_under_each_chart_and_its_links_carry_the_current_filter(dash_app, dash_duo):
    add_drill_city()
    sign_in(dash_duo, dash_app, path=VIEW)
    dash_duo.wait_for_element("#trends-series-graph .scatterlayer .trace", timeout=FIRST_DRAW_S)
    until(lambda: visible_menus(dash_duo) == 5, timeout=10)  # four charts and the record table
    until(lambda: link_query(dash_duo, PNG)[1].get("from") == ["2025-03-01"], timeout=10)
    path, query = link_query(dash_duo, PNG)
    assert path == "/export/trends.series.png"
    assert query == {"period": ["custom"], "from": ["2025-03-01"], "to": ["2025-08-31"]}

    dash_duo.find_element("#drill-compare-radio input[value='prev']").click()  # 环比: the links follow
    until(lambda: link_query(dash_duo, PNG)[1].get("compare") == ["prev"], timeout=10)

    status = dash_duo.driver.execute_script(  # the link answers with the file, as a click would download it
        "return fetch(arguments[0]).then((r) => [r.status, r.headers.get('content-type')]);",
        dash_duo.driver.execute_script("return document.querySelector(arguments[0]).href;", PNG).replace(
            ".png", ".csv"
        ),
    )
    assert status == [200, "text/csv; charset=utf-8"]
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")  # close the event stream before the test server stops


def test_no_menu_for_a_role_that_may_not_export(dash_app, dash_duo):
    add_drill_city()
    sign_in(dash_duo, dash_app, "township", Role.TOWNSHIP_STAFF, area="331004001", path=VIEW)
    dash_duo.wait_for_element("#trends-series-graph .scatterlayer .trace", timeout=FIRST_DRAW_S)
    until(lambda: len(dash_duo.find_elements(".export-menu")) == 5, timeout=10)
    assert visible_menus(dash_duo) == 0
    dash_duo.driver.get("about:blank")
