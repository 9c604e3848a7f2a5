"""In a real browser: /sla and /patrols load and draw their main figure and answer their main interaction;
an alert raised by the early-warning worker appears on the wall, grows there and is acknowledged there."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from dashboard.config import get_settings
from dashboard.data.db import session_scope
from dashboard.data.redis_client import get_redis
from dashboard.pipeline.events import parse_event, stream_fields
from dashboard.warning.worker import WarningWorker
from tests.data import test_patrol_compliance as patrol_data
from tests.data import test_sla as sla_data
from tests.e2e.drill import open_view, texts
from tests.support.accounts import sign_in
from tests.support.events import add_worker, incident_reported
from tests.support.factories import add_city

pytestmark = pytest.mark.browser


def test_the_sla_page_draws_rates_by_area_and_a_county_opens_its_townships(dash_app, dash_duo):
    sla_data.add_records(seed=21)
    sign_in(dash_duo, dash_app, path="/sla?month=2026-04")
    dash_duo.wait_for_element("#sla-by-area .bars .point", timeout=15)
    until(lambda: len(dash_duo.find_elements("#sla-by-area .bars .point")) == 2, timeout=15)  # two counties
    assert set(texts(dash_duo, "#sla-by-area .ytick text")) == {"路桥区", "温岭市"}
    open_view(dash_duo, "/sla?month=2026-04&area=331004", "#sla-by-area .bars .point")
    until(lambda: set(texts(dash_duo, "#sla-by-area .ytick text")) <= {"镇001", "镇002"}, timeout=15)
    assert "逾期未办结" in "".join(texts(dash_duo, "#sla-overdue-table h3"))
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")


def test_the_patrols_page_draws_compliance_and_lists_exceptions_by_the_days_asked(dash_app, dash_duo):
    patrol_data.add_workers_and_patrols(seed=17)
    sign_in(dash_duo, dash_app, path="/patrols?month=2026-03")
    dash_duo.wait_for_element("#patrols-by-area .bars .point", timeout=15)
    until(
        lambda: len(dash_duo.find_elements("#patrols-coverage-map .scatterlayer .point")) == 4, timeout=15
    )  # every grid of the tiny city on the coverage map
    until(lambda: short_days(dash_duo) and min(short_days(dash_duo)) < 25, timeout=15)  # the default: 3 days
    days = dash_duo.find_element("#patrols-min-days-input")
    days.send_keys(Keys.CONTROL, "a")
    days.send_keys("25", Keys.ENTER)
    until(lambda: all(n >= 25 for n in short_days(dash_duo)), timeout=15)
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")


CONTRAST = """
const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
const background = (el) => {
  for (let node = el; node; node = node.parentElement) {
    const rgba = parse(getComputedStyle(node).backgroundColor);
    if (rgba.length === 3 || (rgba.length === 4 && rgba[3] > 0)) return rgba.slice(0, 3);
  }
  return [0, 0, 0];
};
return [...document.querySelectorAll(`${arguments[0]} *`)]
  .filter((el) => el.children.length === 0 && el.textContent.trim())
  .map((el) => [el.textContent.trim(), parse(getComputedStyle(el).color).slice(0, 3), background(el),
                Number(getComputedStyle(el).opacity)]);
"""


def luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrasts(dash_duo, selector: str) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    """(text, WCAG contrast ratio against the background it is drawn on) of every piece of text in `selector`."""
    found = []
    for text, color, background, opacity in dash_duo.driver.execute_script(CONTRAST, selector):
        assert opacity == 1, text  # a faded text's contrast is not what its colours say
        light, dark = sorted((luminance(color), luminance(background)), reverse=True)
        found.append((text, round((light + 0.05) / (dark + 0.05), 2)))
    return found


def push_disputes(count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        event = parse_event(
            incident_reported(kind="dispute", subtype="wages", place_type="enterprise", lat=28.005 + n * 2e-5)
        )
        get_redis().xadd(get_settings().event_stream, stream_fields(event, event.occurred_at))


def test_an_alert_reaches_the_wall_grows_there_with_its_level_in_words_readable_and_is_acknowledged(dash_app, dash_duo):
    """The path from reports to the wall's alert panel and back: one card per rule that grows with the burst (its
    count and level, in colour and in words, every text at WCAG AA contrast), acknowledged by whom. How fast (within
    5 s) is measured by `python -m bench.bench_warning`, not timed here, where the machine may be loaded."""
    with session_scope() as session:
        add_city(session)
        add_worker(session)
    sign_in(dash_duo, dash_app, path="/wall")
    dash_duo.wait_for_element("#wall-alerts-list")
    until(lambda: "暂无预警" in "".join(texts(dash_duo, "#wall-alerts-more")), timeout=15)
    worker = WarningWorker(get_redis(), block_ms=50)
    worker.poll_once()
    push_disputes(3)
    worker.poll_once()
    until(lambda: texts(dash_duo, "#wall-alerts-list .alert-count") == ["3", "3"], timeout=20)
    assert sorted(texts(dash_duo, "#wall-alerts-list .alert-rule")) == ["同一地点重复纠纷", "网格案事件异常增多"]
    assert texts(dash_duo, "#wall-alerts-list .alert-level") == ["黄色", "黄色"]  # at their thresholds
    assert set(texts(dash_duo, "#wall-alerts-list .alert-place")) == {"路桥区 · 网格331004-001-0001"}
    push_disputes(6, start=3)
    worker.poll_once()
    until(lambda: texts(dash_duo, "#wall-alerts-list .alert-count") == ["9", "9"], timeout=20)
    assert texts(dash_duo, "#wall-alerts-list .alert-level") == ["红色", "红色"]  # three times past them
    assert len(dash_duo.find_elements("#wall-alerts-list .alert-card")) == 2  # grown, not raised again
    assert all("更新" in text for text in texts(dash_duo, "#wall-alerts-list .alert-updated"))
    checked = contrasts(dash_duo, "#wall-alerts-list .alert-card")
    assert len(checked) >= 12 and [(text, ratio) for text, ratio in checked if ratio < 4.5] == []
    widths = dash_duo.driver.execute_script(
        "const list = document.querySelector('#wall-alerts-list');"
        "return [...list.querySelectorAll('.alert-card')].map((card) => card.offsetWidth / list.clientWidth);"
    )
    assert min(widths) > 0.95  # every card the panel's width, whatever its text
    first = dash_duo.find_elements("#wall-alerts-list .alert-card")[0]
    first.find_element("css selector", ".alert-button").click()  # its own 确认
    until(lambda: "已确认" in "".join(texts(dash_duo, "#wall-alerts-list .alert-status")), timeout=10)
    assert "operator" in "".join(texts(dash_duo, "#wall-alerts-list .alert-status"))
    low = [(text, ratio) for text, ratio in contrasts(dash_duo, "#wall-alerts-list .alert-card") if ratio < 4.5]
    assert low == []  # an acknowledged card too
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")


def short_days(dash_duo) -> list[int]:  # type: ignore[no-untyped-def]
    """The exceptions list's column of days below the rule (empty when it lists nobody)."""
    cells = texts(dash_duo, "#patrols-exceptions-table tbody tr td:nth-child(4)")
    return [int(cell) for cell in cells if cell.isdigit()]
