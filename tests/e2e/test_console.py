"""Every page, opened as a leader would, leaves the browser console empty: no warning or error (AG Grid's, React's,
Dash's) and no library's debug line (dash-leaflet's "ISSUE BOUNDS UPDATE"), in Chinese and in English. dash[testing]
keeps only SEVERE entries of the browser's log, so the console is recorded in the page itself, from before any of
its scripts runs."""

from __future__ import annotations

from typing import Any

import pytest
from dash.testing.wait import until

from dashboard.config import get_settings
from dashboard.data.vocab import Role
from tests.support.accounts import sign_in
from tests.support.drill_data import add_drill_city

pytestmark = pytest.mark.browser

RECORD = """
window.__console = [];
["debug", "log", "info", "warn", "error"].forEach(function (level) {
  const original = console[level].bind(console);
  console[level] = function (...args) {
    window.__console.push(level + ": " + args.map(String).join(" "));
    original(...args);
  };
});
"""
# What a click on one of the app's links does (dcc.Link): a new address, the page drawn in the same document (each
# full load would open a push stream of its own, and a quick walk through nine pages would meet the account's cap).
NAVIGATE = """
window.history.pushState({}, '', arguments[0]);
window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
"""
SPAN = "period=custom&from=2025-03-01&to=2025-08-31"  # the tiny city's records: 2024 and 2025
PAGES = (  # (address, an element that is there once the page is drawn; then every callback has to settle)
    ("/", "#wall-map"),
    (f"/trends?{SPAN}&area=331004", "#trends-series-graph .scatterlayer .trace"),
    (f"/trends?{SPAN}&area=331004001", "#trends-areas-graph .bars .point"),
    (f"/solve-rates?{SPAN}&area=331004", "#solve-areas-graph .bars .point"),
    (f"/rental-housing?{SPAN}&area=331004", "#rental-areas-graph .bars .point"),
    ("/grid?code=331004-001-0001&period=last_year", ".grid-profile .grid-kind"),
    ("/monthly?month=2025-06&area=331004", ".monthly-summary-text"),
    ("/sla?month=2025-06&area=331004", "#sla-by-area .main-svg"),
    ("/patrols?month=2025-06&area=331004", "#patrols-by-area .main-svg"),
)


def settled(dash_duo: Any) -> bool:
    """No callback waiting or running."""
    return bool(dash_duo.driver.execute_script(
        "const s = window.store && window.store.getState();"
        "return Boolean(s) && !s.isLoading && (!s.pendingCallbacks || s.pendingCallbacks.length === 0);"
    ))  # fmt: skip


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_every_page_loads_with_a_clean_console(dash_app, dash_duo, monkeypatch, language):
    monkeypatch.setenv("DASHBOARD_LANGUAGE", language)
    get_settings.cache_clear()
    add_drill_city()
    sign_in(dash_duo, dash_app, "leader", Role.COUNTY_LEADER, area="331004", path=PAGES[1][0])
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD})
    dash_duo.driver.get(f"{dash_duo.server_url}/")  # loaded once: from here on as a leader goes, by the app's links
    found: dict[str, list[str]] = {}
    for path, ready in PAGES:
        dash_duo.driver.execute_script(NAVIGATE, path)
        dash_duo.wait_for_element(ready, timeout=20)
        until(lambda: settled(dash_duo), timeout=20)
        lines = dash_duo.driver.execute_script("const lines = window.__console; window.__console = []; return lines;")
        if lines:
            found[path] = lines
    assert found == {}
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")
    get_settings.cache_clear()
