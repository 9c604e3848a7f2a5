"""月度通报 in a real browser: a month's headline figures and summary show, picking another month changes them (and
the address), and the deck button builds the deck in the background (a build worker process, as `make run` starts
it): its progress shows, then the download link."""

from __future__ import annotations

import pytest
import requests
from dash.testing.wait import until

from dashboard.data.vocab import Role
from tests.accounts import sign_in
from tests.build_workers import build_worker
from tests.e2e.drill import path_and_query, texts
from tests.monthly_data import MONTH, add_month_city, county_counts

pytestmark = pytest.mark.browser


def summary(dash_duo):  # type: ignore[no-untyped-def]
    return "".join(texts(dash_duo, "#monthly-summary"))


def tile(dash_duo, figure):  # type: ignore[no-untyped-def]
    return "".join(texts(dash_duo, f".kpi-{figure} .kpi-value"))


def test_a_leader_reads_the_month_and_downloads_the_deck(dash_app, dash_duo):
    add_month_city()
    sign_in(dash_duo, dash_app, "analyst", Role.ANALYST, path="/monthly?month=2025-06")
    filed = sum(c["filed"] for c in county_counts(MONTH).values())
    until(lambda: summary(dash_duo).startswith(f"2025年6月，全市刑事立案 {filed} 起"), timeout=20)
    until(lambda: tile(dash_duo, "criminal-filed") == f"{filed}起", timeout=10)
    assert "路桥区" in "".join(texts(dash_duo, "#monthly-ranking-table .rank-area"))
    june = summary(dash_duo)

    dash_duo.select_dcc_dropdown("#monthly-month-dropdown", value="2025年5月")
    until(lambda: path_and_query(dash_duo) == "/monthly?month=2025-05", timeout=10)
    may = sum(c["filed"] for c in county_counts(MONTH.previous()).values())
    until(lambda: summary(dash_duo).startswith(f"2025年5月，全市刑事立案 {may} 起"), timeout=20)
    until(lambda: tile(dash_duo, "criminal-filed") == f"{may}起", timeout=10)
    assert summary(dash_duo) != june

    with build_worker():
        dash_duo.find_element("#monthly-deck-button").click()
        until(lambda: "".join(texts(dash_duo, "#monthly-job-status")) != "", timeout=10)  # queued or building
        link = dash_duo.wait_for_element("#monthly-download-link", timeout=90)
    assert link.text.endswith("2025-05.pptx")
    cookies = {cookie["name"]: cookie["value"] for cookie in dash_duo.driver.get_cookies()}
    response = requests.get(link.get_attribute("href"), cookies=cookies, timeout=30)
    assert response.status_code == 200 and response.content[:2] == b"PK"  # a PPTX is a zip
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")  # close the event stream before the test server stops


def test_a_county_in_the_address_stays_there_and_its_townships_are_ranked(dash_app, dash_duo):
    add_month_city()
    sign_in(dash_duo, dash_app, "analyst", Role.ANALYST, path="/monthly?month=2025-06&area=331004")
    until(lambda: "镇001" in "".join(texts(dash_duo, "#monthly-ranking-table .rank-area")), timeout=20)
    until(lambda: "路桥区" in "".join(texts(dash_duo, "#monthly-area-dropdown")), timeout=10)  # named, not the code
    assert "温岭市" not in "".join(texts(dash_duo, "#monthly-ranking-table .rank-area"))
    assert path_and_query(dash_duo) == "/monthly?month=2025-06&area=331004"
    assert "2025年6月" in "".join(texts(dash_duo, "#monthly-month-dropdown"))
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")


def test_an_empty_month_says_so(dash_app, dash_duo):
    add_month_city()
    sign_in(dash_duo, dash_app, "analyst", Role.ANALYST, path="/monthly?month=2023-02")
    until(lambda: "没有案事件和隐患记录" in "".join(texts(dash_duo, "#monthly-message")), timeout=20)
    dash_duo.driver.get(f"{dash_duo.server_url}/monthly?month=2025-13")
    until(lambda: "month（统计月份）的值“2025-13”无效" in "".join(texts(dash_duo, "#monthly-message")), timeout=20)
    dash_duo.driver.get("about:blank")
