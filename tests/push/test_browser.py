"""A browser tab against the app as production serves it (`gunicorn app:asgi --worker-class asgi`): thirty page loads
in a row; and, in a test of its own so that the two run side by side, the wall rotating through its pages ten times.
A page left behind closes its push stream (pages kept in Chromium's back/forward cache used to hold theirs, until
page loads waited 30 s and more for one of the six connections per host), so the tab never holds more than one
stream and no page load waits for a connection; the rotation turns pages in place, so "Loading..." never shows, and
the last page stays on screen until the next is drawn.
"""

from __future__ import annotations

from itertools import cycle, islice
from typing import Any
from urllib.parse import urlsplit

import pytest

from dashboard.i18n import t
from tests.push.streams import open_places
from tests.support.accounts import PASSWORD, account
from tests.support.servers import Launcher, until

pytestmark = pytest.mark.browser

PAGES = ["/", "/trends", "/solve-rates", "/rental-housing", "/monthly", "/sla", "/patrols"]
MOST_WAIT_MS = 2_000  # the bound on any page load's wait for a connection
# How long the document, its layout and its callback map waited between being asked for and being sent: queueing for
# a connection (and connecting) shows here, the server's work does not.
WAITS = """
const asked = [performance.getEntriesByType("navigation")[0], ...performance.getEntriesByType("resource")
  .filter((entry) => /\\/_dash-(layout|dependencies)/.test(entry.name))];
return asked.map((entry) => [entry.name, entry.requestStart - entry.fetchStart]);
"""
# The wall's rotation, sped up fourfold (every=10 turns a page each 2.5 s): a test of what is shown, not of timing.
FASTER_ROTATION = """
const setTimeoutAsWritten = window.setTimeout;
window.setTimeout = (run, ms, ...rest) => setTimeoutAsWritten(run, ms >= 10000 ? ms / 4 : ms, ...rest);
"""
# Noted on every change of the page: "Loading..." (Dash's placeholder while a document starts), an empty page on
# screen (the still copy of the last page while the next is drawn, else the page), each still, and each new page
# title, from the first page drawn on (before it, the document is starting); `document` is the same object throughout
# unless the tab loaded a page.
WATCH_ROTATION = """
document.addEventListener("DOMContentLoaded", function () {
const seen = window.rotationSeen = {loading: 0, blank: 0, stills: 0, titles: []};
const stills = new WeakSet();
const note = () => {
  const title = document.querySelector(".content h1");
  if (!seen.titles.length && !title) { return; }
  if (document.querySelector("._dash-loading")) { seen.loading += 1; }
  document.querySelectorAll(".wall-still").forEach((still) => {
    if (!stills.has(still)) { stills.add(still); seen.stills += 1; }
  });
  const onScreen = document.querySelector(".wall-still:last-child") || document.getElementById("_pages_content");
  if (!onScreen || !onScreen.textContent.trim()) { seen.blank += 1; }
  if (title && title.textContent !== seen.titles[seen.titles.length - 1]) { seen.titles.push(title.textContent); }
};
new MutationObserver(note).observe(document.body, {childList: true, subtree: true, characterData: true});
note();
});
"""


def log_in(driver: Any, base: str) -> None:
    account("operator")
    driver.get(f"{base}/login?next=/healthz")
    driver.find_element("css selector", "#login-username").send_keys("operator")
    driver.find_element("css selector", "#login-password").send_keys(PASSWORD)
    driver.find_element("css selector", "#login-submit").click()
    until(lambda: urlsplit(driver.current_url).path == "/healthz", timeout=15, message="no login")


def shown(driver: Any, title: str) -> bool:
    return bool(
        driver.execute_script(
            "const h = document.querySelector('.content h1');"
            "return !document.querySelector('._dash-loading') && !!h && h.textContent === arguments[0];",
            title,
        )
    )


TITLES = {
    "/": "page.command_wall",
    "/trends": "page.case_trends",
    "/solve-rates": "page.solve_rates",
    "/rental-housing": "page.rental_housing",
    "/monthly": "page.monthly_report",
    "/sla": "page.sla",
    "/patrols": "page.patrols",
}


def title(path: str) -> str:
    return t(TITLES[path])


def test_thirty_page_loads_in_a_row_never_wait_for_a_connection(dash_duo, launcher: Launcher, gateway):
    _, base = launcher.front(threads=8)
    driver = dash_duo.driver
    log_in(driver, base)
    waits: list[tuple[str, str, float]] = []
    for path in islice(cycle(PAGES), 30):
        driver.get(base + path)
        until(lambda path=path: shown(driver, title(path)), timeout=30, message=f"{path} was not drawn")
        waits += [(path, name.removeprefix(base), waited) for name, waited in driver.execute_script(WAITS)]
        # the page left behind gave its stream back: one open stream for the tab, however many pages it loaded
        until(lambda: open_places("operator") == 1, timeout=10, message=lambda: f"{open_places('operator')} streams")
    assert len(waits) == 30 * 3
    assert [wait for wait in waits if wait[2] > MOST_WAIT_MS] == []
    assert dash_duo.get_logs() == []
    driver.get("about:blank")


def test_ten_wall_rotations_turn_pages_in_place_and_hold_one_stream(dash_duo, launcher: Launcher, gateway):
    _, base = launcher.front(threads=8)
    driver = dash_duo.driver
    log_in(driver, base)
    driver.get(f"{base}/trends")  # a page loaded before the wall: its stream is given back too
    until(lambda: shown(driver, title("/trends")), timeout=30, message="/trends was not drawn")
    # the watch is set before the wall's document loads: the first page's turn may come before a test could see it
    for script in (FASTER_ROTATION, WATCH_ROTATION):
        dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})
    driver.get(f"{base}/wall?pages=wall,trends,monthly&every=10")
    until(lambda: shown(driver, title("/")), timeout=30, message="the wall's first page was not drawn")
    rotation = [title("/"), title("/trends"), title("/monthly")] * 10 + [title("/")]
    # each page stays its time (here 10 / 4 s) once drawn, and a page still loading is shown after STILL_MS (8 s)
    until(
        lambda: len(driver.execute_script("return window.rotationSeen.titles")) >= len(rotation),
        timeout=len(rotation) * (10 / 4 + 8 + 1),
        message=lambda: f"the rotation stopped: {driver.execute_script('return window.rotationSeen')}",
    )
    seen = driver.execute_script("return window.rotationSeen")  # still there: no page was loaded
    assert seen["titles"][: len(rotation)] == rotation
    assert seen["loading"] == 0 and seen["blank"] == 0
    assert seen["stills"] >= len(rotation) - 1  # every turn held the last page on screen until the next was drawn
    assert open_places("operator") == 1
    assert dash_duo.get_logs() == []
    driver.get("about:blank")
