"""The command wall in a real browser: the map, pushed reports, the live tiles, text that stays text, and the
banner when Redis goes away (and the recovery when it comes back, without a reload)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from sqlalchemy import text

from dashboard.data.db import get_engine, session_scope
from dashboard.data.models import PatrolLog
from dashboard.data.redis_client import get_redis
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.live import LiveState
from dashboard.pipeline.streams import append_events
from tests.conftest import reset_cached
from tests.e2e.cells import CELL_PIXEL, cell_shape
from tests.e2e.drill import texts
from tests.support.accounts import sign_in
from tests.support.events import add_worker, hazard_reported, incident_reported
from tests.support.factories import add_city, hazard, incident
from tests.support.servers import RedisServer

pytestmark = pytest.mark.browser
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def post(dash_duo, token: str, events: list[dict]) -> int:
    script = """const done = arguments[arguments.length - 1];
        fetch('/api/v1/events', {method: 'POST', body: arguments[1],
              headers: {'Authorization': 'Bearer ' + arguments[0], 'Content-Type': 'application/json'}})
        .then((r) => done(r.status));"""
    return dash_duo.driver.execute_async_script(script, token, json.dumps(events))


def drawn(dash_duo, what: str) -> int:
    return dash_duo.driver.execute_script(f"return window.commandCenter ? window.commandCenter.{what}.size : 0")


PANELS = """return Array.from(document.querySelectorAll('.wall-panel')).map((panel) => {
  const r = panel.getBoundingClientRect();
  return {cls: panel.className, left: r.left, top: r.top, right: r.right, bottom: r.bottom};
});"""


def test_the_map_draws_every_grid_and_the_county_outlines_with_every_panel_in_its_own_place(dash_app, dash_duo):
    sign_in(dash_duo, dash_app)
    dash_duo.wait_for_element(".leaflet-container")
    dash_duo._wait_for_callbacks()
    until(lambda: drawn(dash_duo, "cells") == 7369, timeout=20)
    panels = dash_duo.driver.execute_script(PANELS)  # the interactive page: tiles, charts, map, alerts, feed
    assert len(panels) >= 7
    for i, a in enumerate(panels):
        for b in panels[i + 1 :]:
            width = min(a["right"], b["right"]) - max(a["left"], b["left"])
            height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            assert width < 1 or height < 1, f"{a['cls']} overlaps {b['cls']}"
    graphs = "return Array.from(document.querySelectorAll('.wall-graph')).map((g) => g.getBoundingClientRect().height)"
    heights = dash_duo.driver.execute_script(graphs)
    assert len(heights) == 3 and min(heights) >= 200, heights  # each chart drawn at a size one can read
    assert dash_duo.get_logs() == []


LEGEND = """return Array.from(document.querySelectorAll("#wall-legend .legend-item")).map(
  (item) => [item.textContent, getComputedStyle(item.querySelector("i")).backgroundColor]);"""


def rgb(css: str) -> list[int]:
    return [int(part) for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]


def test_a_grid_cell_shows_its_colour_from_the_legend_names_itself_on_hover_and_opens_its_page(dash_app, dash_duo):
    """The cells are drawn by the page's own canvas layer: where the GeoJSON puts them, in the legend's colour for
    their figure, and a real mouse over a cell shows its code, a click opens the grid's page."""
    grid = "331004-001-0002"
    with session_scope() as session:
        add_city(session)
        add_worker(session)
    append_events(get_redis(), [parse_event(incident_reported(grid_code=grid))])  # one incident today
    worker = StreamConsumer(get_redis(), name="cells", block_ms=10)
    worker.ensure_group()
    while worker.poll_once():
        pass
    sign_in(dash_duo, dash_app)
    until(lambda: drawn(dash_duo, "cells") == 7369, timeout=30)
    legend = {text: rgb(colour) for text, colour in dash_duo.driver.execute_script(LEGEND)}
    until(
        lambda: dash_duo.driver.execute_script("return (window.commandCenter.colours || {}).values") is not None,
        timeout=10,
    )
    shape = cell_shape(grid)
    dash_duo.driver.execute_script(
        "const cc = window.commandCenter; cc.wallMap.fitBounds(cc.gridCells.boundsOf(arguments[0]), {animate: false});",
        grid,
    )
    inside = shape.representative_point()
    # the redraw after the fit comes in the next animation frame: wait for the cell's colour under the point
    until(lambda: dash_duo.driver.execute_script(CELL_PIXEL, grid, inside.y, inside.x)["pixel"][3] > 0, timeout=5)
    seen = dash_duo.driver.execute_script(CELL_PIXEL, grid, inside.y, inside.x)
    west, south, east, north = shape.bounds
    assert seen["bounds"] == pytest.approx([south, west, north, east], abs=1e-7)  # where the GeoJSON puts it
    assert seen["pixel"][:3] == pytest.approx(legend["1"], abs=2)  # one incident: the legend's colour for 1
    assert seen["pixel"][3] == pytest.approx(0.8 * 255, abs=2)
    pointer = ActionChains(dash_duo.driver)
    pointer.w3c_actions.pointer_action.move_to_location(*[round(value) for value in seen["at"]])
    pointer.perform()
    until(lambda: [tip.text for tip in dash_duo.find_elements(".leaflet-tooltip")] == [grid], timeout=5)
    pointer.w3c_actions.pointer_action.click()
    pointer.perform()
    until(lambda: dash_duo.driver.current_url.endswith(f"/grid?code={grid}"), timeout=10)
    assert dash_duo.get_logs() == []


def test_a_posted_report_appears_in_the_feed_and_on_the_map_without_a_reload(dash_app, dash_duo, token, consumer):
    sign_in(dash_duo, dash_app)
    dash_duo.wait_for_element(".feed")
    report = incident_reported(summary="出租房内电动车被盗")
    assert post(dash_duo, token, [report, hazard_reported(grid_code=report["grid_code"])]) == 202
    dash_duo.wait_for_contains_text(".feed", "出租房内电动车被盗", timeout=10)
    assert "刑事案件 · 盗窃" in dash_duo.find_element(".feed").text
    assert "fresh" in dash_duo.find_elements(".feed-row")[0].get_attribute("class")  # new rows stand out
    # At city zoom the two reports share a cluster; a click on the row flies the map in and draws each one.
    next(row for row in dash_duo.find_elements(".feed-row") if "出租房内电动车被盗" in row.text).click()
    until(
        lambda: dash_duo.driver.execute_script(
            "return window.commandCenter.events.has(arguments[0])", report["event_id"]
        ),
        timeout=10,
    )
    until(lambda: drawn(dash_duo, "events") == 2, timeout=10)
    # the same report again (a phone retrying) is not shown twice
    assert post(dash_duo, token, [report]) == 202
    until(lambda: consumer.stored >= 3, timeout=10)
    assert len(dash_duo.find_elements(".feed-row")) == 2
    assert dash_duo.get_logs() == []


def summaries_shown(dash_duo) -> list[str]:
    return texts(dash_duo, ".feed-summary")  # in one script: the feed changes as reports are pushed


def test_a_wall_opened_later_shows_the_newest_reports_first_each_once(dash_app, dash_duo):
    earlier = [f"早先的上报 {n:02d}" for n in range(30)]
    append_events(get_redis(), [parse_event(incident_reported(summary=summary)) for summary in earlier])
    sign_in(dash_duo, dash_app)
    newest_first = earlier[::-1][:20]  # the feed shows 20 rows
    until(lambda: summaries_shown(dash_duo) == newest_first, timeout=10)
    assert not any("fresh" in row.get_attribute("class") for row in dash_duo.find_elements(".feed-row"))  # not news
    # to another page and back, without a reload: the same rows, each once
    dash_duo.find_element('.topbar a[href="/trends"]').click()
    dash_duo.wait_for_element_by_css_selector(".page-about, h1")
    until(lambda: not dash_duo.find_elements(".feed"), timeout=10)
    dash_duo.find_element('.topbar a[href="/"]').click()
    until(lambda: summaries_shown(dash_duo) == newest_first, timeout=10)
    assert dash_duo.get_logs() == []


def test_report_text_is_shown_as_text(dash_app, dash_duo, token, consumer):
    sign_in(dash_duo, dash_app)
    dash_duo.wait_for_element(".feed")
    assert post(dash_duo, token, [incident_reported(summary=XSS)]) == 202
    dash_duo.wait_for_contains_text(".feed-summary", "<img src=x", timeout=10)
    assert dash_duo.find_element(".feed-summary").text == XSS
    assert dash_duo.driver.execute_script("return window.__xss") is None
    assert dash_duo.find_elements(".feed img") == []


def city_noon_today() -> datetime:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    moment = datetime.combine(today, time(0, 30), ZoneInfo("Asia/Shanghai")).astimezone(UTC).replace(tzinfo=None)
    return min(moment, datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1))


def test_live_tiles_show_what_the_database_holds(dash_app, dash_duo):
    early = city_noon_today()
    now = datetime.now(UTC).replace(tzinfo=None)
    with session_scope() as session:
        add_city(session)
        add_worker(session)
        session.add_all(
            [
                incident(early, kind="dispute"),
                incident(early, grid="331004-002-0001"),
                incident(early - timedelta(days=1)),
            ]
        )
        session.add_all(
            [
                hazard(now - timedelta(days=10), deadline=now - timedelta(days=1)),
                hazard(now - timedelta(days=2)),
                hazard(now - timedelta(days=3), status="closed", closed_at=now - timedelta(days=1)),
            ]
        )
        session.add(
            PatrolLog(
                event_id="p1",
                worker_id=1,
                grid_id=1,
                township_code="331004001",
                county_code="331004",
                started_at=early,
                ended_at=early + timedelta(hours=2),
                distance_m=4000,
                findings=1,
            )
        )
    with session_scope() as session:
        LiveState(get_redis()).rebuild(session, now)  # as `make run` does at start
    # Independently, in SQL over the same rows:
    start_of_day = datetime.combine(datetime.now(ZoneInfo("Asia/Shanghai")).date(), time(), ZoneInfo("Asia/Shanghai"))
    start = start_of_day.astimezone(UTC).replace(tzinfo=None)
    with get_engine().connect() as connection:

        def scalar(sql: str) -> int:
            return int(connection.execute(text(sql), {"start": start, "now": now}).scalar() or 0)

        today = scalar("SELECT count(*) FROM incident WHERE reported_at >= :start")
        open_ = scalar("SELECT count(*) FROM hazard WHERE status IN ('open', 'rectifying')")
        overdue = scalar("SELECT count(*) FROM hazard WHERE status IN ('open', 'rectifying') AND deadline < :now")
        patrolled = scalar("SELECT count(DISTINCT grid_id) FROM patrol_log WHERE started_at >= :start")
        grids = scalar("SELECT count(*) FROM grid")
    sign_in(dash_duo, dash_app)
    expected = {
        "incidents-today": f"{today}",
        "open-hazards": f"{open_}",
        "overdue-hazards": f"{overdue}",
        "patrol-coverage": f"{100 * patrolled / grids:.1f}%",
    }
    assert expected == {"incidents-today": "2", "open-hazards": "2", "overdue-hazards": "1", "patrol-coverage": "25.0%"}
    for tile, value in expected.items():
        dash_duo.wait_for_text_to_equal(f".live-{tile} .kpi-value", value, timeout=10)


def test_redis_stopped_shows_a_banner_and_the_wall_recovers_by_itself(dash_app, dash_duo, token, tmp_path, monkeypatch):
    redis = RedisServer(tmp_path / "redis").start()
    monkeypatch.setenv("REDIS_URL", redis.url)
    reset_cached()  # settings, engine and Redis client all follow the new REDIS_URL
    with session_scope() as session:  # the same database as before the reset: the token still works
        assert session.scalar(text("SELECT count(*) FROM device_token")) == 1
    worker, stop = StreamConsumer(get_redis(), block_ms=100, retry_seconds=0.2), threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        sign_in(dash_duo, dash_app)
        dash_duo.wait_for_element(".feed")
        assert post(dash_duo, token, [incident_reported(summary="断线前")]) == 202
        dash_duo.wait_for_contains_text(".feed", "断线前", timeout=10)
        redis.stop(kill=True)
        dash_duo.wait_for_contains_text(".status-banner", "Redis", timeout=15)
        redis.start()  # same port, same append-only file
        until(lambda: not dash_duo.find_element(".status-banner").is_displayed(), timeout=15)
        assert post(dash_duo, token, [incident_reported(summary="恢复之后")]) == 202
        dash_duo.wait_for_contains_text(".feed", "恢复之后", timeout=15)
        assert "断线前" in dash_duo.find_element(".feed").text  # nothing lost from the screen
    finally:
        stop.set()
        thread.join(10)
        redis.stop()
