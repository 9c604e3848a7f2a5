"""The wall as a command-center screen, in a real browser at the sizes walls come in: one fixed canvas with nothing to
scroll, every panel whole on screen and none over another, the map at least 40 % of the screen with the city filling
it, and every text on it readable (WCAG AA contrast, computed from each text's colour and the background under it)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dash.testing.wait import until
from sqlalchemy import text

from dashboard.config import get_settings
from dashboard.data.db import get_engine, session_scope
from dashboard.data.periods import utc_now
from dashboard.data.redis_client import get_redis
from dashboard.data.vocab import Role
from dashboard.pipeline.events import parse_event, stream_fields
from dashboard.pipeline.streams import append_events
from tests.support.accounts import sign_in
from tests.support.drill_data import add_drill_city
from tests.support.events import incident_reported
from tests.support.factories import add_city, alert

pytestmark = pytest.mark.browser

COUNTIES = Path(__file__).resolve().parents[2] / "assets" / "county_outlines.geojson"
GRID = "331004-001-0001"
CITY = ZoneInfo("Asia/Shanghai")
SCREENS = [(1920, 1080), (2560, 1440), (3840, 2160), (7680, 4320), (2560, 1080), (5120, 1440)]  # 16:9, 21:9, 32:9

# Every element with text of its own that is on screen (not clipped by a panel), its text colour (SVG text: its
# fill) and the background under it: the background colours of its ancestors, composited from the first opaque one.
TEXTS = """
function rgba(value) {
  const parts = (value.match(/[\\d.]+/g) || []).map(Number);
  return parts.length < 3 ? null : [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
}
function over(top, bottom) {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
}
function background(element) {
  const layers = [];
  for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (colour && colour[3] > 0) { layers.push(colour); }
    if (colour && colour[3] >= 1) { break; }
  }
  let result = [255, 255, 255, 1];  /* the page's own white, under everything */
  layers.reverse().forEach((layer) => { result = over(layer, result); });
  return result;
}
function clipped(element, rect) {
  for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.overflow === "visible" && style.overflowX === "visible" && style.overflowY === "visible") { continue; }
    const box = node.getBoundingClientRect();
    if (rect.top >= box.bottom - 1 || rect.bottom <= box.top + 1 || rect.left >= box.right - 1
        || rect.right <= box.left + 1) { return true; }
  }
  return false;
}
const found = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let text = walker.nextNode(); text; text = walker.nextNode()) {
  const element = text.parentElement;
  if (!text.textContent.trim() || !element || ["SCRIPT", "STYLE", "TITLE"].includes(element.tagName)) { continue; }
  if (!element.checkVisibility({opacityProperty: true, visibilityProperty: true})) { continue; }
  const range = document.createRange();
  range.selectNodeContents(text);
  const rect = range.getBoundingClientRect();
  if (rect.width < 1 || rect.height < 1 || rect.bottom <= 0 || rect.right <= 0 || rect.top >= innerHeight
      || rect.left >= innerWidth || clipped(element, rect)) { continue; }
  const style = getComputedStyle(element);
  const svg = element instanceof SVGElement;
  found.push({text: text.textContent.trim().slice(0, 40), tag: element.tagName,
              cls: String(element.className && element.className.baseVal !== undefined ? element.className.baseVal
                                                                                     : element.className),
              colour: rgba(svg ? style.fill : style.color), background: background(element),
              size: parseFloat(style.fontSize)});
}
return found;
"""

LAYOUT = """
const box = (element) => {
  const r = element.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, cls: element.className};
};
const map = window.commandCenter.wallMap;
const corner = (lat, lon) => { const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; };
const [s, w, n, e] = arguments[0];
return {
  view: [innerWidth, innerHeight],
  scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight,
           document.body.scrollWidth, document.body.scrollHeight],
  shell: box(document.querySelector(".shell")),
  panels: Array.from(document.querySelectorAll(".wallbar, .wall-panel")).map(box),
  map: box(document.getElementById("wall-map")),
  size: [map.getSize().x, map.getSize().y],
  city: [corner(n, w), corner(s, e)],
  tiles: Array.from(document.querySelectorAll(".kpi-tile")).map((t) => [t.scrollHeight, t.clientHeight]),
  /* the canvas's own px; the handling tile's three figures wrap as a whole, by design */
  values: Array.from(document.querySelectorAll(".kpi-value:not(.loop-figures)")).map((v) => [v.offsetHeight,
    parseFloat(getComputedStyle(v).lineHeight), v.scrollWidth, v.clientWidth]),
};
"""


def luminance(colour: list[float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in colour[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(text: list[float], background: list[float]) -> float:
    alpha = text[3]
    seen = [text[i] * alpha + background[i] * (1 - alpha) for i in range(3)]  # a translucent text over its ground
    high, low = sorted((luminance(seen), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def city_box(county: str | None = None) -> tuple[float, float, float, float]:
    """South, west, north, east of the county outlines the browser draws (or of one county's), from the file."""
    points: list[list[float]] = []

    def collect(coordinates: list) -> None:
        if isinstance(coordinates[0], (int, float)):
            points.append(coordinates)
        else:
            for part in coordinates:
                collect(part)

    for feature in json.loads(COUNTIES.read_text(encoding="utf-8"))["features"]:
        if county in (None, feature["properties"]["code"]):
            collect(feature["geometry"]["coordinates"])
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lats), min(lons), max(lats), max(lons)


def overlap(a: dict, b: dict) -> float:
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(0.0, width) * max(0.0, height)


def resize(driver, width: int, height: int) -> None:
    """The page itself (the viewport) made exactly width × height, as a wall screen of that size would show it.

    Chrome's device-metrics override sets the viewport directly and fires the page's resize event. Sizing the window
    and correcting by its frame raced: the frame was read from an innerWidth that could still be the last size's."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    until(lambda: driver.execute_script("return [innerWidth, innerHeight]") == [width, height], timeout=10)


def fitted_layout(driver, city: tuple[float, float, float, float]) -> dict:
    """The canvas's layout, once it is scaled to the window and the map has refitted the whole city to its size."""
    layout: dict = {}

    def whole_city_in_map() -> bool:
        layout.update(driver.execute_script(LAYOUT, list(city)))
        (left, top), (right, bottom) = layout["city"]
        shell, (width, height) = layout["shell"], layout["view"]
        scaled = abs(shell["right"] - shell["left"] - width) < 1 or abs(shell["bottom"] - shell["top"] - height) < 1
        return scaled and left >= 0 and top >= 0 and right <= layout["size"][0] and bottom <= layout["size"][1]

    until(whole_city_in_map, timeout=10)
    return layout


def test_the_wall_is_one_canvas_with_the_city_filling_its_map_and_readable_text_at_every_size(dash_app, dash_duo):
    now = utc_now()
    with session_scope() as session:
        add_city(session)
        session.add_all([alert("overdue", "331004001", now - timedelta(minutes=n)) for n in range(3)])
        session.add_all([alert("overdue", "331081001", now, level="orange") for _ in range(2)])
        figures = json.dumps({"hours": 3, "observed": 9, "expected": 0.8})
        session.add(alert("grid_spike", "331004001", now, level="red", count=9, grid_code=GRID, detail=figures))
    sign_in(dash_duo, dash_app, path="/wall")
    until(lambda: "wall=1" in dash_duo.driver.current_url, timeout=10)
    dash_duo.wait_for_element("#wall-map .leaflet-pane")
    until(lambda: dash_duo.driver.execute_script("return window.commandCenter.cells.size") == 7369, timeout=30)
    dash_duo.wait_for_contains_text(".wall-updated", "数据更新于", timeout=10)
    dash_duo.wait_for_contains_text(".kpi-period", "年", timeout=20)
    # the overdue records one card per township, after the red spike; each its buttons, for an operator who may act
    until(lambda: len(dash_duo.find_elements("#wall-alerts-list .alert-card")) == 3, timeout=15)
    cards = [card.get_attribute("textContent") for card in dash_duo.find_elements("#wall-alerts-list .alert-card")]
    assert "网格案事件异常增多" in cards[0]
    assert "温岭市 · 镇001" in cards[1] and "2 件逾期未办结" in cards[1]
    assert "路桥区 · 镇001" in cards[2] and "3 件逾期未办结" in cards[2]
    buttons = dash_duo.find_elements("#wall-alerts-list .alert-card .alert-button")
    assert [button.get_attribute("textContent") for button in buttons] == ["确认", "升级至区县"] * 3  # each its own
    city = city_box()
    for width, height in SCREENS:
        resize(dash_duo.driver, width, height)
        layout = fitted_layout(dash_duo.driver, city)
        where = f"at {width}×{height}"
        assert layout["view"] == [width, height], where
        assert max(layout["scroll"][::2]) <= width and max(layout["scroll"][1::2]) <= height, f"scrolls {where}"
        panels = layout["panels"]
        assert len(panels) >= 6, where
        for panel in panels:
            assert panel["left"] >= -0.5 and panel["top"] >= -0.5, f"{panel['cls']} off screen {where}"
            assert panel["right"] <= width + 0.5 and panel["bottom"] <= height + 0.5, f"{panel['cls']} cut {where}"
        for i, a in enumerate(panels):
            for b in panels[i + 1 :]:
                assert overlap(a, b) < 1, f"{a['cls']} overlaps {b['cls']} {where}"
        assert all(scroll <= client + 1 for scroll, client in layout["tiles"]), f"a tile's text is cut {where}"
        for height, line, wide, room in layout["values"]:  # one figure on one line, whole: never "16,155" over "起"
            assert height < 1.5 * line and wide <= room + 1, f"a tile's figure wraps or is cut {where}"
        shown = layout["map"]
        share = (shown["right"] - shown["left"]) * (shown["bottom"] - shown["top"]) / (width * height)
        assert share >= 0.40, f"the map is {share:.0%} of the screen {where}"
        (left, top), (right, bottom) = layout["city"]
        filled = max((right - left) / layout["size"][0], (bottom - top) / layout["size"][1])
        assert filled >= 0.80, f"the city fills {filled:.0%} of the map {where}"
        texts = dash_duo.driver.execute_script(TEXTS)
        assert len(texts) > 30, where
        poor = [(t["text"], t["cls"], round(contrast(t["colour"], t["background"]), 2)) for t in texts]
        assert [p for p in poor if p[2] < 4.5] == [], f"text below 4.5:1 {where}"
        if (width, height) == (1920, 1080):  # the design size: sizes as designed
            assert [(t["text"], t["size"]) for t in texts if t["size"] < 16] == []
            values = [t["size"] for t in texts if "kpi-value" in t["cls"]]
            assert len(values) == 7 and min(values) >= 48
    assert dash_duo.get_logs() == []


TODAY_PER_HOUR = """
const plot = document.querySelector('#wall-hourly-graph .js-plotly-plot');
const today = plot && plot.data ? plot.data.find((trace) => trace.name === '今日') : null;
return today ? today.y.reduce((sum, n) => sum + n, 0) : null;
"""


def today_reports(dash_duo) -> int:
    """The sum of today's line in the hourly chart, once drawn."""
    found: list[int] = []
    until(lambda: found.append(dash_duo.driver.execute_script(TODAY_PER_HOUR)) or found[-1] is not None, timeout=15)
    return found[-1]


def test_a_report_reaches_the_wall_feed_map_and_hourly_chart_and_only_the_newest_pulse_alone(
    dash_app, dash_duo, consumer
):
    """Reports appear in the feed, on the map and in the hourly chart without a reload. Wall mode draws no clusters:
    each of the newest reports is a dot of its own that pulses in its first minute; reports older than a few minutes
    leave the map (the grid colours underneath are what the room reads)."""
    with session_scope() as session:
        add_city(session)
    old = parse_event(incident_reported(summary="一刻钟前的上报"))
    stream = get_settings().event_stream
    minutes_ago = int((datetime.now(UTC) - timedelta(minutes=15)).timestamp() * 1000)
    get_redis().xadd(stream, stream_fields(old, datetime.now(UTC)), id=f"{minutes_ago}-0")
    sign_in(dash_duo, dash_app, path="/wall")
    dash_duo.wait_for_contains_text(".feed", "一刻钟前的上报", timeout=15)  # in the feed, not on the map
    fresh = [parse_event(incident_reported(summary=f"新上报 {n}", lat=28.005 + n * 1e-4)) for n in range(3)]
    append_events(get_redis(), fresh)
    dash_duo.wait_for_contains_text(".feed", "新上报 2", timeout=15)
    drawn = "return [...window.commandCenter.events]"
    until(lambda: sorted(dash_duo.driver.execute_script(drawn)) == sorted(str(e.event_id) for e in fresh), timeout=10)
    assert len(dash_duo.find_elements("#wall-map .report-newest.pulsing")) == 3  # three dots, side by side
    assert dash_duo.find_elements("#wall-map .marker-cluster") == []
    until(lambda: consumer.stored == 4, timeout=10)
    start = datetime.combine(datetime.now(CITY).date(), time(), CITY).astimezone(UTC).replace(tzinfo=None)
    with get_engine().connect() as connection:  # independently: today's reports in the city's day, in SQL
        today = connection.execute(text("SELECT count(*) FROM incident WHERE reported_at >= :s"), {"s": start}).scalar()
    assert today is not None and today >= 3
    until(lambda: today_reports(dash_duo) == today, timeout=20)  # stored, counted on the chart's next refresh
    assert dash_duo.get_logs() == []
    dash_duo.driver.get("about:blank")  # close the event stream before the test server stops


def test_a_county_account_sees_its_county_fill_the_wall_map_and_its_name_in_the_title(dash_app, dash_duo):
    with session_scope() as session:
        add_city(session)
    sign_in(dash_duo, dash_app, "luqiao", Role.COUNTY_LEADER, path="/wall", area="331004")
    dash_duo.wait_for_text_to_equal("h1", "指挥大屏 · 路桥区", timeout=15)
    layout = fitted_layout(dash_duo.driver, city_box("331004"))
    (left, top), (right, bottom) = layout["city"]
    filled = max((right - left) / layout["size"][0], (bottom - top) / layout["size"][1])
    assert filled >= 0.80, f"the county fills {filled:.0%} of the map"
    # its townships ranked: the chart's own callback names them, answering apart from the title's
    dash_duo.wait_for_text_to_equal("#wall-areas-title", "各乡镇（街道）今日上报与巡查覆盖", timeout=10)
    assert dash_duo.get_logs() == []


def test_the_county_tour_takes_the_wall_to_a_county_its_map_title_and_charts(dash_app, dash_duo):
    """The whole tour (the city, then each county) is the clock's (tests/unit/test_wall_tour.py); here a stop at a
    county: its name in the title, the map fitted to it, its townships ranked."""
    with session_scope() as session:
        add_city(session)  # two counties: 路桥区 and 温岭市
    sign_in(dash_duo, dash_app, path="/wall?tour=counties&every=15")
    until(lambda: "tour=counties" in dash_duo.driver.current_url, timeout=10)
    titles = {"指挥大屏 · 路桥区": "331004", "指挥大屏 · 温岭市": "331081"}
    # Measured from the moment the tour turns to a county, so the stop lasts the whole check (the first title may
    # be a stop about to end); the title is read once each time, as the tour may turn between two reads.
    first, seen = dash_duo.find_element("h1").text, [""]
    until(lambda: seen.append(dash_duo.find_element("h1").text) or seen[-1] in titles.keys() - {first}, timeout=40)
    county = titles[seen[-1]]
    layout = fitted_layout(dash_duo.driver, city_box(county))
    (left, top), (right, bottom) = layout["city"]
    assert max((right - left) / layout["size"][0], (bottom - top) / layout["size"][1]) >= 0.80
    dash_duo.wait_for_text_to_equal("#wall-areas-title", "各乡镇（街道）今日上报与巡查覆盖", timeout=10)
    assert dash_duo.get_logs() == []


# The pages a wall turns to, with the drill-down test city's rows in view (2025): each on the canvas as on a screen.
ROTATED = {
    "/trends": "period=custom&from=2025-03-01&to=2025-08-31",
    "/solve-rates": "period=custom&from=2025-03-01&to=2025-08-31",
    "/rental-housing": "period=custom&from=2025-03-01&to=2025-08-31",
    "/monthly": "month=2025-06",
}
PANELS = ".wallbar, .kpi-tile, .drill-fact, .drill-panel, .monthly-summary"
ROTATED_LAYOUT = f"""
const box = (element) => {{
  const r = element.getBoundingClientRect();
  return {{left: r.left, top: r.top, right: r.right, bottom: r.bottom, cls: element.className}};
}};
const shown = (element) => element.checkVisibility();
return {{
  view: [innerWidth, innerHeight],
  scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight,
           document.body.scrollWidth, document.body.scrollHeight],
  panels: Array.from(document.querySelectorAll("{PANELS}")).filter(shown).map(box),
  graphs: Array.from(document.querySelectorAll(".drill-panel .js-plotly-plot")).filter(shown).map((plot) =>
    [plot.getBoundingClientRect().height, plot.querySelectorAll(".main-svg").length]),
  controls: Array.from(document.querySelectorAll(
    ".modebar, .filter-bar, .dash-dropdown, .export-menu, .record-table, .analysis-map, .selection-clear"
  )).filter(shown).length,
}};
"""
# Text inside a bar is drawn over the bar, not over the panel: its ground is the bar's fill.
ON_BARS = TEXTS.replace(
    "const style = getComputedStyle(element);",
    """const style = getComputedStyle(element);
  const bar = element.closest("g.point") && element.closest("g.point").querySelector("path");
  const ground = bar && element.closest(".bartext") ? rgba(getComputedStyle(bar).fill) : null;""",
).replace("background: background(element)", "background: ground || background(element)")


# Whether the canvas is scaled to the window as it is now: the page's resize handler runs a moment after the window
# reports its new size, and until then the page is still drawn at the last size's scale.
SCALED_TO_WINDOW = """
const scale = (window.commandCenter || {}).canvasScale || 0;
const width = parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--canvas-w")) || 0;
return Math.abs(scale * 1080 - innerHeight) < 1 || Math.abs(scale * width - innerWidth) < 1;
"""


def drawn_layout(dash_duo, charts: int) -> dict:
    """The page's layout once the canvas is scaled to the window, its `charts` charts are drawn and nothing is
    loading."""
    layout: dict = {}

    def drawn() -> bool:
        if not dash_duo.driver.execute_script(SCALED_TO_WINDOW):
            return False
        layout.update(dash_duo.driver.execute_script(ROTATED_LAYOUT))
        graphs = layout["graphs"]
        loading = dash_duo.find_elements("[data-dash-is-loading]")
        return len(graphs) == charts and all(svgs > 0 for _, svgs in graphs) and not loading

    until(drawn, timeout=30)
    return layout


@pytest.mark.parametrize("path", list(ROTATED))
def test_each_rotated_page_keeps_to_the_canvas_readable_and_without_controls(dash_app, dash_duo, path):
    """A page the wall turns to, on a 1080p and a 4K screen: nothing scrolls, every panel whole on screen and none
    over another, its charts drawn with room for their axes, nothing to click, every text at WCAG AA contrast, and at
    the design size every text (the charts' too) 16 px or more."""
    add_drill_city()
    sign_in(dash_duo, dash_app, path=f"{path}?wall=1&pages=wall&every=3600&{ROTATED[path]}")
    until(lambda: "wall-mode" in dash_duo.find_element("html").get_attribute("class"), timeout=10)
    expected = 3 if path == "/monthly" else (2 if path == "/rental-housing" else 4)
    for width, height in [(1920, 1080), (3840, 2160)]:
        resize(dash_duo.driver, width, height)
        where = f"{path} at {width}×{height}"
        layout = drawn_layout(dash_duo, expected)
        assert layout["view"] == [width, height], where
        assert max(layout["scroll"][::2]) <= width and max(layout["scroll"][1::2]) <= height, f"scrolls {where}"
        assert layout["controls"] == 0, f"something to click {where}"
        assert all(graph_height >= 0.15 * height for graph_height, _ in layout["graphs"]), where  # not squeezed
        panels = layout["panels"]
        for panel in panels:
            assert panel["left"] >= -0.5 and panel["top"] >= -0.5, f"{panel['cls']} off screen {where}"
            assert panel["right"] <= width + 0.5 and panel["bottom"] <= height + 0.5, f"{panel['cls']} cut {where}"
        for i, a in enumerate(panels):
            for b in panels[i + 1 :]:
                assert overlap(a, b) < 1, f"{a['cls']} overlaps {b['cls']} {where}"
        texts = dash_duo.driver.execute_script(ON_BARS)
        assert len(texts) > 30, where
        poor = [(t["text"], t["cls"], round(contrast(t["colour"], t["background"]), 2)) for t in texts]
        assert [p for p in poor if p[2] < 4.5] == [], f"text below 4.5:1 {where}"
        if width == 1920:  # the design size: sizes as designed
            assert [(t["text"], t["cls"], t["size"]) for t in texts if t["size"] < 16] == [], where
    assert dash_duo.get_logs() == []
