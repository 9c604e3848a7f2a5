"""Wall mode in a real browser: no navigation, a clock, "数据更新于", rotation through the chosen pages, and a clear
message for a bad parameter."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dash.testing.wait import until

from tests.conftest import reset_cached
from tests.support.accounts import sign_in

pytestmark = pytest.mark.browser
BOGOTA = "America/Bogota"


def test_wall_mode_hides_the_navigation_shows_a_clock_and_rotates(dash_app, dash_duo):
    sign_in(dash_duo, dash_app, path="/wall?pages=wall,monthly&every=10")
    until(lambda: "wall=1" in dash_duo.driver.current_url, timeout=10)
    dash_duo.wait_for_text_to_equal("h1", "指挥大屏", timeout=10)
    assert not dash_duo.find_element(".topbar").is_displayed()
    until(lambda: dash_duo.find_element(".wall-clock").text.count(":") == 2, timeout=5)
    dash_duo.wait_for_contains_text(".wall-updated", "数据更新于", timeout=10)
    # one canvas (1920×1080, wider on a wider screen) scaled to the screen whole: as wide or as high as the window
    shown = dash_duo.driver.execute_script(
        "const r = document.querySelector('.shell').getBoundingClientRect();"
        "return [r.left, r.top, r.width, r.height, innerWidth, innerHeight];"
    )
    left, top, width, height, view_width, view_height = shown
    assert 1920 / 1080 - 0.001 <= width / height <= 3840 / 1080 + 0.001  # 16:9, wider on a wider screen
    assert width == pytest.approx(view_width, abs=1) or height == pytest.approx(view_height, abs=1)
    assert left == pytest.approx((view_width - width) / 2, abs=0.5) and top == pytest.approx(
        (view_height - height) / 2, abs=0.5
    )
    dash_duo.wait_for_text_to_equal("h1", "月度通报", timeout=20)  # the next page, after `every` seconds
    assert "/monthly?wall=1" in dash_duo.driver.current_url
    assert not dash_duo.find_element(".topbar").is_displayed()
    # nothing to click on an unattended screen, nothing to scroll
    until(lambda: not dash_duo.find_elements(".wall-still"), timeout=10)  # the last page's picture is gone
    controls = ".filter-bar, .dash-dropdown, .export-menu, .monthly-exports, .modebar-container, .record-table"
    shown = f"return [...document.querySelectorAll('{controls}')].filter((e) => e.checkVisibility()).map((e) => e.id)"
    assert dash_duo.driver.execute_script(shown) == []
    page = (
        "const page = document.documentElement; return [page.scrollHeight - innerHeight, page.scrollWidth - innerWidth]"
    )
    assert dash_duo.driver.execute_script(page) == [0, 0]
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("pages=wall,nonsense", "pages: unknown page nonsense"),
        ("every=soon", "every: 'soon' is not a whole number of seconds"),
        ("every=2", "every: 2 seconds is outside 10–3600"),
    ],
)
def test_a_bad_wall_parameter_is_named_on_the_page(dash_app, dash_duo, query, message):
    sign_in(dash_duo, dash_app, path=f"/wall?{query}")
    dash_duo.wait_for_contains_text(".page-message", message, timeout=10)
    assert dash_duo.get_logs() == []


def test_the_wall_clock_runs_on_the_city_zone_not_the_screen(dash_app, dash_duo, monkeypatch):
    """A city on Bogota's clock (13 hours behind China's; the browser here runs on UTC): the clock says Bogota's
    time, and the charts' 口径 name that zone."""
    monkeypatch.setenv("DASHBOARD_TIMEZONE", BOGOTA)
    reset_cached()
    sign_in(dash_duo, dash_app, path="/wall")
    until(lambda: dash_duo.find_element(".wall-clock").text.count(":") == 2, timeout=10)

    def bogota_time_shown() -> bool:
        shown = dash_duo.find_element(".wall-clock").text  # 2026/12/06 09:24:35
        now = datetime.now(ZoneInfo(BOGOTA))
        return any(shown.endswith(f"{moment:%H:%M}", 0, -3) for moment in (now, now - timedelta(minutes=1)))

    until(bogota_time_shown, timeout=5)
    footnotes = [note.text for note in dash_duo.find_elements(".wall-chart .chart-footnote")]
    assert any(f"当地时间 {BOGOTA}" in note for note in footnotes), footnotes
    assert dash_duo.get_logs() == []
