"""案件趋势 in a real browser: a deep link opens its view, a filter change rewrites the address, a click on a
county's bar drills into it, the breadcrumb leads back, the same address reopens the same view, and a bad value in
the address is named on the page."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains

from dashboard.data.vocab import Role
from tests.e2e.drill import FIRST_DRAW_S, click_bar, crumbs, open_view, path_and_query, summary, texts
from tests.support.accounts import sign_in
from tests.support.drill_data import add_drill_city

pytestmark = pytest.mark.browser
VIEW = "/trends?period=custom&from=2025-03-01&to=2025-08-31"


def test_filter_drill_back_and_reopen(dash_app, dash_duo):
    add_drill_city()
    sign_in(dash_duo, dash_app, path=VIEW)
    dash_duo.wait_for_element("#trends-series-graph .scatterlayer .trace", timeout=FIRST_DRAW_S)
    assert crumbs(dash_duo) == ["台州市"]
    assert summary(dash_duo) == "台州市，2025年3月1日 至 2025年8月31日，对比2024年3月1日 至 2024年8月31日"

    dash_duo.find_element("#drill-compare-radio input[value='prev']").click()  # 环比
    until(lambda: path_and_query(dash_duo) == VIEW + "&compare=prev", timeout=10)
    until(lambda: summary(dash_duo).endswith("对比2024年9月1日 至 2025年2月28日"), timeout=10)

    click_bar(dash_duo, "#trends-areas-graph", 0, 2)  # 路桥区, the first of two counties
    until(lambda: path_and_query(dash_duo) == VIEW + "&compare=prev&area=331004", timeout=10)
    until(lambda: crumbs(dash_duo) == ["台州市", "路桥区"], timeout=10)
    drilled = summary(dash_duo)
    assert drilled.startswith("路桥区，")

    dash_duo.find_element(".crumbs a.crumb-link").click()  # 台州市
    until(lambda: path_and_query(dash_duo) == VIEW + "&compare=prev", timeout=10)
    until(lambda: crumbs(dash_duo) == ["台州市"], timeout=10)

    dash_duo.driver.back()  # the browser's own back button returns to the county
    until(lambda: crumbs(dash_duo) == ["台州市", "路桥区"], timeout=10)

    open_view(dash_duo, VIEW + "&compare=prev&area=331004", "#trends-series-graph .scatterlayer .trace")
    until(lambda: summary(dash_duo) == drilled, timeout=10)  # the deep link reopens the same view
    assert dash_duo.find_element("#drill-compare-radio input[value='prev']").is_selected()

    dash_duo.driver.get(f"{dash_duo.server_url}/trends?kind=arson&area=331004")
    until(lambda: "地址参数 kind（类别）的值“arson”无效" in "".join(texts(dash_duo, "#drill-message")), timeout=10)
    until(lambda: crumbs(dash_duo) == ["台州市", "路桥区"], timeout=10)  # the good parameter still counts
    guarded = "return Boolean(window.L && window.L.Map.prototype._dashboardGuarded)"
    assert dash_duo.driver.execute_script(guarded)  # a removed map ignores Leaflet's late timers (assets/09-…)
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")  # close the event stream before the test server stops


def test_a_county_leader_asking_for_another_county_sees_one_message_and_its_own_county_everywhere(dash_app, dash_duo):
    add_drill_city()
    sign_in(dash_duo, dash_app, "luqiao", Role.COUNTY_LEADER, area="331004", path=VIEW + "&area=331081")
    dash_duo.wait_for_element("#trends-series-graph .scatterlayer .trace", timeout=FIRST_DRAW_S)
    refusal = "温岭市（331081）不在本账号的辖区内，本页显示本辖区路桥区的数据。"
    until(lambda: refusal in "".join(texts(dash_duo, "#drill-message")), timeout=10)
    until(lambda: crumbs(dash_duo) == ["台州市", "路桥区"], timeout=10)
    assert not dash_duo.find_elements(".crumbs a.crumb-link")  # the whole city is not this account's to open
    # the headline tiles count the account's own county (not blank), and nothing else repeats the refusal
    until(lambda: all(value != "—" for value in texts(dash_duo, ".kpi-value")), timeout=10)
    page = dash_duo.driver.execute_script("return document.querySelector('.page').innerText;")
    assert page.count("不在本账号") == 1 and "温岭" not in page.replace(refusal, "")
    # the export links export what the page shows: the account's county
    until(lambda: "area=331004&" in export_href(dash_duo, "trends.series", "csv") + "&", timeout=10)
    assert all("331081" not in href for href in texts_of_links(dash_duo))
    assert dash_duo.get_logs() == []
    # an export the server refuses says so beside the links (the browser logs the 403 itself)
    link = "a.export-link[id*='trends.series'][id*='csv']"
    dash_duo.driver.execute_script(
        "const a = document.querySelector(arguments[0]); a.href = a.href.replace('area=331004', 'area=331081');", link
    )
    dash_duo.find_element(link).click()
    until(lambda: "权限范围" in "".join(texts(dash_duo, ".export-status.export-error")), timeout=10)
    dash_duo.driver.get("about:blank")


def export_href(dash_duo, name: str, fmt: str) -> str:
    script = "return document.querySelector(arguments[0])?.getAttribute('href') || '';"
    return str(dash_duo.driver.execute_script(script, f"a.export-link[id*='{name}'][id*='{fmt}']"))


def texts_of_links(dash_duo) -> list[str]:
    script = "return Array.from(document.querySelectorAll('a.export-link')).map((a) => a.getAttribute('href'));"
    return list(dash_duo.driver.execute_script(script))


def test_the_chart_toolbars_stay_out_of_the_titles_until_pointed_at(dash_app, dash_duo):
    add_drill_city()
    sign_in(dash_duo, dash_app, path=VIEW)
    dash_duo.wait_for_element("#trends-series-graph .modebar", timeout=15)
    script = """return Array.from(document.querySelectorAll('.drill-graph .modebar-container')).map((bar) => [
        getComputedStyle(bar).opacity,
        Array.from(bar.querySelectorAll('.modebar-btn')).map((button) => button.getAttribute('data-val') ||
            button.getAttribute('data-attr') || button.getAttribute('data-title'))]);"""
    until(lambda: len(dash_duo.driver.execute_script(script)) == 4, timeout=10)
    bars = dash_duo.driver.execute_script(script)
    assert {opacity for opacity, _ in bars} == {"0"}  # the pointer is elsewhere: no toolbar over any title
    assert all(len(buttons) == 3 for _, buttons in bars)  # zoom, pan and reset only
    chart = dash_duo.find_element("#trends-series-graph")
    ActionChains(dash_duo.driver).move_to_element(chart).perform()
    until(lambda: dash_duo.driver.execute_script(script)[0][0] == "1", timeout=5)
    dash_duo.driver.get("about:blank")
