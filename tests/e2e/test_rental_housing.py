"""出租房 in a real browser: a deep link opens its view, a filter change rewrites the address, a county's bar drills
into it, the breadcrumb leads back, the same address reopens the same view, a grid's bar opens that grid's page,
and a bad value in the address is named."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from sqlalchemy import text

from dashboard.data.db import session_scope
from tests.e2e.drill import click_bar, crumbs, open_view, path_and_query, summary, texts
from tests.support.accounts import sign_in
from tests.support.drill_data import END, START, add_drill_city

pytestmark = pytest.mark.browser
VIEW = "/rental-housing?period=custom&from=2025-03-01&to=2025-08-31"
READY = "#rental-areas-graph .bars .point"


def test_filter_drill_back_reopen_and_open_a_grid(dash_app, dash_duo):
    add_drill_city()
    with session_scope() as session:  # the grid with the most cases in rental housing in the period (ties: by code)
        top = session.execute(
            text(
                "SELECT g.code FROM incident i JOIN grid g ON g.id = i.grid_id WHERE i.place_type = 'rental_housing' "
                "AND i.reported_at >= :s AND i.reported_at < :e AND g.county_code = '331004' "
                "GROUP BY g.code ORDER BY count(*) DESC, g.code LIMIT 1"
            ),
            {"s": START, "e": END},
        ).scalar_one()
    sign_in(dash_duo, dash_app, path=VIEW)
    dash_duo.wait_for_element(READY, timeout=15)
    assert crumbs(dash_duo) == ["台州市"]
    assert "".join(texts(dash_duo, ".fact-houses dd")) == "16"  # 5 + 3 + 8 rental houses

    dash_duo.find_element("#drill-compare-radio input[value='prev']").click()
    until(lambda: path_and_query(dash_duo) == VIEW + "&compare=prev", timeout=10)
    until(lambda: summary(dash_duo).endswith("对比2024年9月1日 至 2025年2月28日"), timeout=10)  # drawn anew

    click_bar(dash_duo, "#rental-areas-graph", 0, 2)  # 路桥区
    until(lambda: crumbs(dash_duo) == ["台州市", "路桥区"], timeout=10)
    assert path_and_query(dash_duo) == VIEW + "&compare=prev&area=331004"
    until(lambda: "".join(texts(dash_duo, ".fact-houses dd")) == "8", timeout=10)  # 5 + 3 in Luqiao
    drilled = summary(dash_duo)

    dash_duo.find_element(".crumbs a.crumb-link").click()
    until(lambda: crumbs(dash_duo) == ["台州市"], timeout=10)
    assert path_and_query(dash_duo) == VIEW + "&compare=prev"

    open_view(dash_duo, VIEW + "&compare=prev&area=331004", READY)
    until(lambda: summary(dash_duo) == drilled, timeout=10)
    bars = len(dash_duo.find_elements("#rental-grids-graph .bars .point"))
    click_bar(dash_duo, "#rental-grids-graph", 0, bars, horizontal=True)  # the top grid, drawn on top
    until(lambda: path_and_query(dash_duo) == f"/grid?code={top}", timeout=10)
    dash_duo.wait_for_element("#grid-message")

    dash_duo.driver.get(f"{dash_duo.server_url}/rental-housing?period=custom&from=2025-13-01&to=2025-12-31")
    until(
        lambda: "地址参数 from（开始日期）的值“2025-13-01”无效" in "".join(texts(dash_duo, "#drill-message")),
        timeout=10,
    )
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")  # close the event stream before the test server stops
