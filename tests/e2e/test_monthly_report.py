"""月度通报 in a real browser: a month's headline figures and 通报 show, picking another month changes them (and the
address), the 下步工作要求 a leader writes is kept (a reload shows it, the files print it), and the deck button builds
the deck in the background (a build worker process, as `make run` starts it): its progress shows, then the download
link."""

from __future__ import annotations

import io
import re

import pytest
import requests
from dash.testing.wait import until
from pptx import Presentation
from pypdf import PdfReader
from selenium.webdriver.common.keys import Keys

from dashboard.data.periods import CITY
from dashboard.data.vocab import Role
from dashboard.exports.catalog import ExportRequest
from dashboard.exports.deck import build_deck
from dashboard.exports.monthly_charts import month_pack
from dashboard.exports.report_pdf import build_pdf
from dashboard.i18n import t
from tests.e2e.drill import path_and_query, texts
from tests.support.accounts import sign_in
from tests.support.build_workers import build_worker
from tests.support.monthly_data import MONTH, add_month_city, county_counts

pytestmark = pytest.mark.browser


def summary(dash_duo):  # type: ignore[no-untyped-def]
    """The 通报's figures paragraph (一、总体情况)."""
    return "".join(texts(dash_duo, "#monthly-summary .bulletin-overview"))


def requirements(dash_duo):  # type: ignore[no-untyped-def]
    script = "const box = document.querySelector('#monthly-requirements'); return box ? box.value : '';"
    return str(dash_duo.driver.execute_script(script))


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


def test_the_next_steps_a_leader_writes_survive_a_reload_and_go_into_the_files(dash_app, dash_duo):
    add_month_city()
    sign_in(dash_duo, dash_app, "analyst", Role.ANALYST, path="/monthly?month=2025-06")
    until(lambda: "各地各部门要对照本通报" in requirements(dash_duo), timeout=20)  # generated until written
    heads = texts(dash_duo, "#monthly-summary .bulletin-section")
    assert heads == ["一、总体情况", "二、各地情况", "三、存在问题", "四、下步工作要求"]
    assert "台州市平安建设领导小组办公室" in "".join(texts(dash_duo, "#monthly-summary .bulletin-issuer"))
    dash_duo.find_element("#monthly-requirements-save").click()  # the generated text saved as it is: no one's edit
    dash_duo.wait_for_text_to_equal("#monthly-requirements-status", t("bulletin.unchanged"), timeout=10)
    written = "1. 各地要在7月底前完成出租房专项整治。\n2. 路桥区加强夜间巡查。"
    box = dash_duo.find_element("#monthly-requirements")
    box.send_keys(Keys.CONTROL, "a")  # select all and type over it (clear() leaves React's value in place)
    box.send_keys(written)
    dash_duo.find_element("#monthly-requirements-save").click()
    until(lambda: "analyst 于" in "".join(texts(dash_duo, "#monthly-requirements-status")), timeout=10)

    dash_duo.driver.refresh()
    until(lambda: requirements(dash_duo) == written, timeout=20)
    assert "analyst 于" in "".join(texts(dash_duo, "#monthly-requirements-status"))
    month = month_pack(ExportRequest({"month": "2025-06"}, CITY, "zh-CN"), issue=True)
    deck = Presentation(io.BytesIO(build_deck(month)))
    slides = "".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)
    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(build_pdf(month))).pages)
    for line in written.split("\n"):
        assert line in slides and re.sub(r"\s+", "", line) in re.sub(r"\s+", "", pdf)
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")


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
