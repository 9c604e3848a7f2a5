"""The wall draws the eye: a new major hazard or red alert flashes its grid while the map flies there for a few
seconds and back; alerts already on the wall when it opens do not; with ?sound=on a chime each time."""

from __future__ import annotations

import json

import pytest
from dash.testing.wait import until

from dashboard.data.db import session_scope
from dashboard.data.periods import utc_now
from dashboard.data.redis_client import get_redis
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.streams import append_events
from dashboard.warning import alerts
from tests.e2e.cells import CELL_PIXEL, cell_shape
from tests.support.accounts import sign_in
from tests.support.events import hazard_reported
from tests.support.factories import add_city, alert

pytestmark = pytest.mark.browser
SPIKE = json.dumps({"hours": 3, "observed": 9, "expected": 0.8})


def state(dash_duo) -> dict:
    return dash_duo.driver.execute_script(
        "const cc = window.commandCenter;"
        "return {zoom: cc.wallMap ? cc.wallMap.getZoom() : null, attending: cc.attending, attended: cc.attended,"
        "        chimes: cc.chimes || 0};"
    )


def test_a_major_hazard_and_a_new_red_alert_fly_the_map_there_and_back(dash_app, dash_duo):
    with session_scope() as session:
        add_city(session)
        old = alert("grid_spike", "331081001", utc_now(), level="red", grid_code="331081-001-0001", detail=SPIKE)
        session.add(old)
    sign_in(dash_duo, dash_app, path="/wall?sound=on")
    until(lambda: "sound=on" in dash_duo.driver.current_url, timeout=10)
    dash_duo.wait_for_contains_text("#wall-alerts-list", "网格案事件异常增多", timeout=15)
    until(lambda: state(dash_duo)["zoom"] is not None, timeout=10)
    home = state(dash_duo)["zoom"]
    inside = cell_shape("331004-001-0002").representative_point()  # where the wall's map has the grid
    hazard = hazard_reported(severity="major", grid_code="331004-001-0002", lat=inside.y, lon=inside.x)
    append_events(get_redis(), [parse_event(hazard)])
    until(lambda: state(dash_duo)["attending"] == "331004-001-0002", timeout=15)
    until(lambda: state(dash_duo)["zoom"] >= 13, timeout=10)  # flown in
    script = (CELL_PIXEL, "331004-001-0002", inside.y, inside.x)
    red = pytest.approx([255, 23, 68], abs=6)  # the flash (#ff1744, 95 % over the cell), on and off twice a second
    until(lambda: dash_duo.driver.execute_script(*script)["pixel"][:3] == red, timeout=5)
    until(lambda: state(dash_duo)["attending"] is None and abs(state(dash_duo)["zoom"] - home) < 0.05, timeout=20)
    with session_scope() as session:  # a red alert raised now, in another grid
        session.add(alert("grid_spike", "331004001", utc_now(), level="red", grid_code="331004-001-0001", detail=SPIKE))
    alerts.bump(get_redis(), "331004")
    until(lambda: state(dash_duo)["attending"] == "331004-001-0001", timeout=15)
    seen = state(dash_duo)
    assert seen["attended"][0].startswith("report:") and seen["attended"][1:] == [seen["attended"][1]]
    assert seen["attended"][1].startswith("alert:") and seen["chimes"] == 2  # the alert on the wall at first: none
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")
