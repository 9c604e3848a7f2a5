"""Issue 9 in a real browser: /sla and /patrols load and draw their main figure and answer their main interaction;
an alert raised by the early-warning worker appears on the wall and is acknowledged there."""

from __future__ import annotations

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from dashboard.config import get_settings
from dashboard.data.db import session_scope
from dashboard.data.events import parse_event, stream_fields
from dashboard.data.redis_client import get_redis
from dashboard.warning.worker import WarningWorker
from tests.accounts import sign_in
from tests.data import test_patrol_compliance as patrol_data
from tests.data import test_sla as sla_data
from tests.e2e.drill import open_view, texts
from tests.events import add_worker, incident_reported
from tests.factories import add_city

pytestmark = pytest.mark.browser


def test_the_sla_page_draws_rates_by_area_and_a_county_opens_its_townships(dash_app, dash_duo):
    sla_data.add_records(seed=21)
    sign_in(dash_duo, dash_app)
    open_view(dash_duo, "/sla?month=2026-04", "#sla-by-area .bars .point")
    until(lambda: len(dash_duo.find_elements("#sla-by-area .bars .point")) == 2, timeout=15)  # two counties
    assert set(texts(dash_duo, "#sla-by-area .ytick text")) == {"路桥区", "温岭市"}
    open_view(dash_duo, "/sla?month=2026-04&area=331004", "#sla-by-area .bars .point")
    until(lambda: set(texts(dash_duo, "#sla-by-area .ytick text")) <= {"镇001", "镇002"}, timeout=15)
    assert "逾期未办结" in "".join(texts(dash_duo, "#sla-overdue-table h3"))
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")


def test_the_patrols_page_draws_compliance_and_lists_exceptions_by_the_days_asked(dash_app, dash_duo):
    patrol_data.add_workers_and_patrols(seed=17)
    sign_in(dash_duo, dash_app)
    open_view(dash_duo, "/patrols?month=2026-03", "#patrols-by-area .bars .point")
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


def test_an_alert_reaches_the_wall_and_is_acknowledged_there(dash_app, dash_duo):
    """The path from a report to the wall's alert panel and back (acknowledged, by whom). How fast: within 5 s is
    measured by `python -m bench.bench_warning` (alert latency), not timed here, where the machine may be loaded."""
    with session_scope() as session:
        add_city(session)
        add_worker(session)
    sign_in(dash_duo, dash_app)
    dash_duo.wait_for_element("#wall-alerts-radio")
    until(lambda: "暂无预警" in "".join(texts(dash_duo, "#wall-alerts-more")), timeout=15)
    worker = WarningWorker(get_redis(), block_ms=50)
    worker.poll_once()
    for _ in range(4):
        event = parse_event(incident_reported(kind="dispute", subtype="wages", place_type="enterprise"))
        get_redis().xadd(get_settings().event_stream, stream_fields(event, event.occurred_at))
    worker.poll_once()
    until(lambda: len(dash_duo.find_elements("#wall-alerts-radio .alert-card")) >= 2, timeout=20)
    assert "乡镇案事件异常增多" in "".join(texts(dash_duo, "#wall-alerts-radio .alert-head strong"))
    dash_duo.find_elements("#wall-alerts-radio label")[0].click()
    dash_duo.find_element("#wall-alerts-acknowledge-button").click()
    until(lambda: "已确认" in "".join(texts(dash_duo, "#wall-alerts-radio .alert-status")), timeout=10)
    assert "operator" in "".join(texts(dash_duo, "#wall-alerts-radio .alert-status"))
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")


def short_days(dash_duo) -> list[int]:  # type: ignore[no-untyped-def]
    """The exceptions list's column of days below the rule (empty when it lists nobody)."""
    cells = texts(dash_duo, "#patrols-exceptions-table tbody tr td:nth-child(4)")
    return [int(cell) for cell in cells if cell.isdigit()]
