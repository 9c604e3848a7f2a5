"""The shell in a real browser: every page loads with no console error and nothing fetched from elsewhere;
the headline tiles show the figures of the rows in the database; the navigation and the grid address work."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dash.testing.wait import until

from dashboard.asset_bundle import joined
from dashboard.data.db import session_scope
from tests.support.accounts import sign_in
from tests.support.factories import add_city, incident

pytestmark = pytest.mark.browser

TAIZHOU = ZoneInfo("Asia/Shanghai")
PAGES = [
    "/",
    "/trends",
    "/solve-rates",
    "/rental-housing",
    "/grid",
    "/grid?code=331004-001-0001",
    "/monthly",
    "/no-such-page",
]


def taizhou_noon(day: date) -> datetime:
    """Noon in Taizhou on `day`, as the database stores it (naive UTC)."""
    return datetime.combine(day, time(12), TAIZHOU).astimezone(UTC).replace(tzinfo=None)


def resources_from_elsewhere(dash_duo) -> list[str]:
    names = dash_duo.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [name for name in names if not name.startswith(dash_duo.server_url)]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_cleanly_and_offline(dash_app, dash_duo, path):
    with session_scope() as session:
        add_city(session)
    sign_in(dash_duo, dash_app, path=path)
    dash_duo.wait_for_element("h1")
    dash_duo.wait_for_element(".topbar .nav-link")
    assert dash_duo.find_element("h1").text
    assert dash_duo.get_logs() == []
    assert resources_from_elsewhere(dash_duo) == []


def test_wall_tiles_show_the_figures_of_the_stored_rows(dash_app, dash_duo):
    today = datetime.now(TAIZHOU).date()
    if today.timetuple().tm_yday <= 60:
        pytest.skip("early in the year the wall shows the last full year; covered by the unit tests")
    this_year = [today - timedelta(days=n) for n in (1, 2, 3, 20)]
    last_year = [day.replace(year=day.year - 1) for day in this_year[:3]] + [date(today.year - 1, 1, 2)] * 4
    with session_scope() as session:
        add_city(session)
        session.add_all(incident(taizhou_noon(day)) for day in this_year)
        session.add_all(
            # solved the same afternoon: solved by this moment of last year whatever the time of day now (a day
            # later, yesterday's case of last year was still open in the first hours of a Taizhou day)
            incident(taizhou_noon(day), solved_at=taizhou_noon(day) + timedelta(hours=2))
            for day in last_year
        )
        session.add(
            incident(
                taizhou_noon(this_year[0]),
                solved_at=taizhou_noon(this_year[0]) + timedelta(hours=2),
                kind="dispute",
                place_type="rental_housing",
            )
        )
    # Independently: 4 criminal cases this year against 7 a year ago; none solved against all 7; 1 rental case.
    # A change on fewer than 20 cases a year ago is flagged as on a small base.
    expected = {
        "criminal-filed": ("4起", "−42.86%（基数小）"),
        "solve-rate": ("0.00%", "−100.00个百分点（基数小）"),
        "rental-cases": ("1起", "无可比数据"),
    }

    sign_in(dash_duo, dash_app)
    for figure, (value, change) in expected.items():
        dash_duo.wait_for_text_to_equal(f".kpi-{figure} .kpi-value", value, timeout=10)
        assert dash_duo.find_elements(f".kpi-{figure} .kpi-change span")[1].text == change
    good = dash_duo.find_elements(".kpi-criminal-filed .kpi-change span")[1]
    assert "trend-good" in good.get_attribute("class")
    assert "trend-bad" in dash_duo.find_elements(".kpi-solve-rate .kpi-change span")[1].get_attribute("class")
    assert "口径" in dash_duo.find_element(".kpi-criminal-filed").get_attribute("title")
    assert dash_duo.get_logs() == []


# Counts the page router's requests (a POST naming the page container), in every document before its own scripts.
COUNT_ROUTER_REQUESTS = """
window.routerRequests = 0;
const fetchAsItWas = window.fetch;
window.fetch = function (resource, options) {
  if (options && typeof options.body === "string" && options.body.includes("_pages_content")) {
    window.routerRequests += 1;
  }
  return fetchAsItWas.apply(this, arguments);
};
"""


def router_requests(dash_duo) -> int:
    return int(dash_duo.driver.execute_script("return window.routerRequests"))


def test_the_opened_page_comes_with_the_layout_and_the_navigation_opens_each_page(dash_app, dash_duo):
    """The page of the address is in the layout the browser fetches (no round trip to the router before it shows);
    every move after it goes through the router; and with a Referer that names another page than the one opened
    (as a privacy setting may send), the page opened is the one shown."""
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_ROUTER_REQUESTS})
    sign_in(dash_duo, dash_app)
    dash_duo.wait_for_text_to_equal("h1", "指挥大屏")
    until(lambda: dash_duo.driver.title == "指挥大屏 · 台州市网格化管理指挥中心", timeout=5)
    assert router_requests(dash_duo) == 0
    for link in ["案件趋势", "破案率", "出租房", "网格", "月度通报", "指挥大屏"]:
        before = router_requests(dash_duo)
        next(item for item in dash_duo.find_elements(".nav-link") if item.text == link).click()
        dash_duo.wait_for_text_to_equal("h1", link)
        until(lambda link=link: dash_duo.driver.title == f"{link} · 台州市网格化管理指挥中心", timeout=5)
        assert router_requests(dash_duo) > before
    assert dash_duo.get_logs() == []

    dash_duo.driver.execute_cdp_cmd("Network.enable", {})
    referer = {"Referer": f"{dash_duo.server_url}/"}  # the host alone, read as the command wall's address
    dash_duo.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": referer})
    dash_duo.driver.get(f"{dash_duo.server_url}/solve-rates")
    dash_duo.wait_for_text_to_equal("h1", "破案率", timeout=10)
    until(lambda: dash_duo.driver.title == "破案率 · 台州市网格化管理指挥中心", timeout=5)
    assert router_requests(dash_duo) == 1  # the layout held the command wall; the router drew the page opened
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize(
    ("code", "message"),
    [("331004-1-1", "网格编号“331004-1-1”格式不正确"), ("999999-999-9999", "未找到网格编号“999999-999-9999”")],
)
def test_a_bad_grid_code_in_the_address_gets_a_clear_message(dash_app, dash_duo, code, message):
    with session_scope() as session:
        add_city(session)
    sign_in(dash_duo, dash_app, path=f"/grid?code={code}")
    dash_duo.wait_for_contains_text(".page-message", message, timeout=10)
    assert not dash_duo.find_element("#grid-tiles").is_displayed()
    assert dash_duo.get_logs() == []


def test_the_chinese_webfont_is_served_from_the_app(dash_app, dash_duo):
    sign_in(dash_duo, dash_app)
    dash_duo.wait_for_element("h1")
    status = dash_duo.driver.execute_script(
        "return fetch('/assets/fonts/wqy-microhei-subset.woff2').then(r => [r.status, r.headers.get('content-type')])"
    )
    assert status[0] == 200 and "woff2" in status[1]
    family = dash_duo.driver.execute_script("return getComputedStyle(document.body).fontFamily")
    assert "Command Center CJK" in family


def test_a_failing_file_of_the_joined_script_stops_only_itself_and_is_reported_as_an_error(dash_duo, tmp_path):
    (tmp_path / "01-breaks.js").write_text("(function () { window.first = true; null.boom(); })();", encoding="utf-8")
    (tmp_path / "02-runs.js").write_text("(function () { window.second = true; })();", encoding="utf-8")
    driver = dash_duo.driver
    driver.get("data:text/html,<html><head></head><body></body></html>")
    driver.execute_script("window.errors = []; window.addEventListener('error', (e) => window.errors.push(e.message));")
    driver.execute_script(  # as the page loads it: a script element of its own
        "const s = document.createElement('script'); s.textContent = arguments[0]; document.head.appendChild(s);",
        joined("js", tmp_path).body.decode("utf-8"),
    )
    until(lambda: driver.execute_script("return window.errors.length") == 1, timeout=5)
    assert driver.execute_script("return [window.first, window.second]") == [True, True]
    assert "null" in driver.execute_script("return window.errors[0]")
