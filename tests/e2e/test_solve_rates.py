"""破案率 in a real browser: a deep link opens its view, a filter change rewrites the address, a click on a county's
bar drills into it and a township's bar further, a breadcrumb leads back one level, a subtype's bar filters the
days-to-solve chart, the same address reopens the same view, and a bad value in the address is named."""

from __future__ import annotations

import pytest
from dash.testing.wait import until

from tests.e2e.drill import click_bar, crumbs, open_view, path_and_query, summary, texts
from tests.support.accounts import sign_in
from tests.support.drill_data import add_drill_city

pytestmark = pytest.mark.browser
VIEW = "/solve-rates?period=custom&from=2025-03-01&to=2025-08-31"
READY = "#solve-areas-graph .bars .point"


def test_filter_drill_select_back_and_reopen(dash_app, dash_duo):
    add_drill_city()
    sign_in(dash_duo, dash_app, path=VIEW)
    dash_duo.wait_for_element(READY, timeout=15)
    assert crumbs(dash_duo) == ["台州市"]

    dash_duo.find_element("#drill-compare-radio input[value='prev']").click()
    until(lambda: path_and_query(dash_duo) == VIEW + "&compare=prev", timeout=10)
    until(lambda: summary(dash_duo).endswith("对比2024年9月1日 至 2025年2月28日"), timeout=10)  # drawn anew

    click_bar(dash_duo, "#solve-areas-graph", 0, 2)  # 路桥区
    until(lambda: crumbs(dash_duo) == ["台州市", "路桥区"], timeout=10)
    assert path_and_query(dash_duo) == VIEW + "&compare=prev&area=331004"
    click_bar(dash_duo, "#solve-areas-graph", 1, 2)  # its second township
    until(lambda: crumbs(dash_duo) == ["台州市", "路桥区", "镇002"], timeout=10)
    assert path_and_query(dash_duo) == VIEW + "&compare=prev&area=331004002"
    drilled = summary(dash_duo)

    dash_duo.find_elements(".crumbs a.crumb-link")[1].click()  # 路桥区, one level up
    until(lambda: path_and_query(dash_duo) == VIEW + "&compare=prev&area=331004", timeout=10)
    until(lambda: crumbs(dash_duo) == ["台州市", "路桥区"], timeout=10)

    def ticks() -> set[str]:  # the subtypes the days-to-solve chart shows
        return set(texts(dash_duo, "#solve-days-graph .ytick"))  # horizontal bars: the names on the y axis

    until(lambda: "全部" in ticks() and len(ticks()) > 2, timeout=10)  # drawn: "all cases", then each subtype
    everything = ticks()
    click_bar(dash_duo, "#solve-subtypes-graph", 0, 3, horizontal=True)  # the most filed subtype
    until(lambda: "".join(texts(dash_duo, "#solve-selection")).startswith("已选："), timeout=10)
    picked = "".join(texts(dash_duo, "#solve-selection")).removeprefix("已选：")
    until(lambda: ticks() == {"全部", picked}, timeout=10)  # all cases, and the subtype picked
    dash_duo.find_element("#solve-clear-button").click()
    until(lambda: ticks() == everything, timeout=10)

    open_view(dash_duo, VIEW + "&compare=prev&area=331004002", READY)
    until(lambda: summary(dash_duo) == drilled, timeout=10)
    assert crumbs(dash_duo) == ["台州市", "路桥区", "镇002"]

    dash_duo.driver.get(f"{dash_duo.server_url}/solve-rates?compare=mom")
    until(lambda: "地址参数 compare（对比）的值“mom”无效" in "".join(texts(dash_duo, "#drill-message")), timeout=10)
    assert dash_duo.find_element("#drill-compare-radio input[value='yoy']").is_selected()  # the default instead
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")  # close the event stream before the test server stops


def test_the_n_day_solve_rate_is_chosen_on_the_page_and_kept_in_the_address(dash_app, dash_duo):
    add_drill_city()
    sign_in(dash_duo, dash_app)
    open_view(dash_duo, VIEW, READY)
    assert "截至去年同期" in "".join(texts(dash_duo, ".chart-definition"))  # the like-for-like rule, in sight
    dash_duo.find_element("#solve-within-radio input[value='30']").click()
    until(lambda: path_and_query(dash_duo) == VIEW + "&within=30", timeout=10)
    until(lambda: "立案后30日内破案" in "".join(texts(dash_duo, ".chart-definition")), timeout=10)
    until(lambda: "30日破案率" in "".join(texts(dash_duo, ".kpi-solve-rate .kpi-title")), timeout=10)
    dash_duo.find_element("#drill-compare-radio input[value='prev']").click()  # another filter keeps the choice
    until(lambda: path_and_query(dash_duo) == VIEW + "&compare=prev&within=30", timeout=10)
    dash_duo.driver.get(f"{dash_duo.server_url}/solve-rates?within=45")
    until(lambda: "within" in "".join(texts(dash_duo, "#drill-message")), timeout=10)
    assert dash_duo.find_element("#solve-within-radio input[value='now']").is_selected()
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")
