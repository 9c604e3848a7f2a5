"""A wall screen's first load, against the app as production serves it (`gunicorn app:asgi --worker-class asgi`), at
1920×1080 with a full day's backlog in the stream: what it fetches until its map is drawn stays within the issue's
1.2 MB, the push stream's opening included, which comes gzip'd; no record-table script is among it (the wall draws
no table); and a report posted once the wall is open still appears on it at once, through the compressed stream."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard.access.accounts import create_user, issue_login_token
from dashboard.data.db import session_scope
from dashboard.data.redis_client import get_redis
from dashboard.data.vocab import Role
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.feed import FEED_LENGTH
from dashboard.pipeline.streams import append_events
from dashboard.push.frames import BLOCK_MS
from tests.push.streams import Stream, wall_screen_cookie
from tests.reliability.traffic import post
from tests.support.accounts import PASSWORD
from tests.support.events import hazard_reported, incident_reported
from tests.support.factories import GRIDS
from tests.support.servers import Launcher, until

pytestmark = pytest.mark.browser

PAINT_BUDGET = 1_200_000  # bytes on the wire until the map is drawn (issue 22, item 9)
CELLS = 7369  # the city map's grid cells
WALL = "/?wall=1&pages=wall&every=60"  # where /wall hands a screen over to: the command wall, as the canvas
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"  # what Chromium asks for
# Installed before the page's own scripts: the moment every grid cell is drawn (the frame after the last is added).
PAINT_WATCH = f"""
performance.setResourceTimingBufferSize(20000);
window.mapDrawnAt = null;
const mapWatch = setInterval(function () {{
  const cc = window.commandCenter;
  if (cc && cc.cells && cc.cells.size >= {CELLS}) {{
    clearInterval(mapWatch);
    requestAnimationFrame(function () {{ window.mapDrawnAt = performance.now(); }});
  }}
}}, 5);
"""
FETCHED = """
return performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
  .map((entry) => [new URL(entry.name).pathname, entry.transferSize, entry.responseEnd]);
"""
# The push stream as this browser is answered (its EventSource sends the same Accept-Encoding; Resource Timing and
# selenium show neither its headers nor its bytes).
STREAM_ENCODING = """
const done = arguments[arguments.length - 1];
const controller = new AbortController();
fetch("/events", {signal: controller.signal}).then(
  (answer) => { done(answer.headers.get("content-encoding")); controller.abort(); },
  (error) => done(String(error)));
"""
PUSH = "const push = window.commandCenterPush; return push ? [push.state(), push.polling()] : null;"
SUMMARIES = ["楼道堆放杂物，存在消防隐患", "邻里因噪音发生纠纷", "电动车被盗", "出租房内私拉电线", "工地未设置安全防护"]


def a_days_reports() -> None:
    """A full backlog: as many reports as a first visit is sent, in every grid, with the workers' kind of words."""
    grids = list(GRIDS)
    reports = [
        (hazard_reported if n % 4 == 3 else incident_reported)(grid_code=grids[n % len(grids)], summary=summary(n))
        for n in range(FEED_LENGTH)
    ]
    append_events(get_redis(), [parse_event(report) for report in reports])


def summary(n: int) -> str:
    return f"{n}号楼 {SUMMARIES[n % len(SUMMARIES)]}"


def log_in_as_wall_screen(driver: Any, base: str) -> None:
    with session_scope() as session:
        create_user(session, "screen", PASSWORD, Role.WALL_SCREEN)
        token = issue_login_token(session, "screen")
    driver.get(f"{base}/login?token={token}&next=/healthz")
    until(lambda: driver.current_url.endswith("/healthz"), timeout=15, message="no login")


def test_a_wall_screen_draws_its_map_within_the_byte_budget_and_gets_pushed_reports_gzipd_at_once(
    dash_duo, launcher: Launcher, gateway: str
):
    a_days_reports()
    _, base = launcher.front(threads=8)
    driver = dash_duo.driver
    log_in_as_wall_screen(driver, base)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})  # a screen's first visit
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False}
    )
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PAINT_WATCH})
    driver.get(base + WALL)
    until(lambda: driver.execute_script("return window.mapDrawnAt"), timeout=60, message="the map was not drawn")
    drawn_at = driver.execute_script("return window.mapDrawnAt")

    # The push stream's opening (a day's backlog) as the server writes it to a browser asking for what Chromium does.
    opening = Stream(base, wall_screen_cookie(base), accept_encoding=BROWSER_ENCODINGS)
    assert opening.frame() == {"retry": "2000"} and opening.data()["event"] == "backlog"
    opening.close()
    fetched = driver.execute_script(FETCHED)
    by_paint = sum(size for _, size, end in fetched if end <= drawn_at) + opening.wire_bytes
    assert by_paint <= PAINT_BUDGET, f"{by_paint:,} bytes until the map was drawn"
    assert [path for path, _, _ in fetched if "dash_ag_grid" in path] == []
    assert driver.execute_async_script(STREAM_ENCODING) == "gzip"

    dash_duo.wait_for_contains_text(".feed", summary(FEED_LENGTH - 1), timeout=15)  # the backlog, newest on top
    until(lambda: driver.execute_script(PUSH) == [1, False], timeout=15, message="the wall is not on its push stream")
    report = incident_reported(grid_code=next(iter(GRIDS)), lat=28.005, lon=121.005, summary="刚刚上报的一件")
    assert post(base, gateway, [report])[0] == 202
    # Within the keep-alive's period; that it leaves the compressor at once, not with the next keep-alive, is
    # tests/push/test_front.py's.
    dash_duo.wait_for_contains_text(".feed", "刚刚上报的一件", timeout=BLOCK_MS / 1000)
    assert driver.execute_script(PUSH) == [1, False]  # it came pushed, not polled
    assert dash_duo.get_logs() == []
    driver.get("about:blank")
