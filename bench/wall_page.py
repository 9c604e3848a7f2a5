"""What the wall benchmark runs inside the page: a feed watcher for latency, a first-paint watcher, and readers of
Resource Timing. Times in the page are Date.now() (the machine's clock, as the sender's) or performance.now()
(milliseconds since the navigation started)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bench.wall_browser import Browser

CELLS = 7369  # grid cells of the city map (window.commandCenter.cells)

# Every feed row carrying a summary "wallbench <tag> <seq> <sent ms>" is timed once, the first time its text is in
# the DOM, however React placed it (a new <li>, or new text in a reused one): `dom` is Date.now() in the
# MutationObserver callback, `frame` is Date.now() in the next animation frame (the frame that paints it), both
# minus the send time. A row pushed out of the 50 shown before a render is never timed: it is counted as unseen.
FEED_WATCH = """
const tag = arguments[0];
const pattern = new RegExp("^wallbench " + tag + " (\\\\d+) (\\\\d+)$");
const seen = new Map();
window.__wallBench = {tag: tag, seen: seen, busy: 0, since: performance.now()};
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (task) { window.__wallBench.busy += task.duration; });
}).observe({type: "longtask"});
function scan() {
  const now = Date.now();
  const fresh = [];
  document.querySelectorAll(".feed .feed-summary").forEach(function (node) {
    const match = pattern.exec(node.textContent);
    if (!match || seen.has(match[1])) { return; }
    const timing = {dom: now - Number(match[2]), frame: null};
    seen.set(match[1], timing);
    fresh.push(timing);
  });
  if (fresh.length) {
    requestAnimationFrame(function () {
      const painted = Date.now();
      fresh.forEach(function (timing) { timing.frame = timing.dom + (painted - now); });
    });
  }
}
new MutationObserver(scan).observe(document.body, {childList: true, subtree: true, characterData: true});
scan();
"""
MAIN_THREAD = "return [window.__wallBench.busy, performance.now() - window.__wallBench.since];"
FEED_TIMINGS = """
return Array.from(window.__wallBench.seen, ([seq, t]) => [Number(seq), t.dom, t.frame === null ? t.dom : t.frame]);
"""


def paint_watch(newest_summary: str | None) -> str:
    """Installed before the page's own scripts: the moment every grid cell is drawn. `frame` is performance.now()
    in the animation frame that draws them (the cells' layer says so in that frame: assets/
    10-grid-cells.js; the frame is painted as it ends), `busyPaint` the long tasks until then. With a push backlog,
    `feed` when the feed's top row shows the newest report (checked every 5 ms), `busy` the long tasks until then."""
    return f"""
performance.setResourceTimingBufferSize(20000);
window.__paint = {{frame: null, feed: null, busy: 0, busyPaint: 0}};
const newest = {json.dumps(newest_summary)};
new PerformanceObserver(function (list) {{
  list.getEntries().forEach(function (task) {{
    if (window.__paint.feed === null) {{ window.__paint.busy += task.duration; }}
    if (window.__paint.frame === null) {{ window.__paint.busyPaint += task.duration; }}
  }});
}}).observe({{type: "longtask"}});
document.addEventListener("commandcenter:cellsdrawn", function (event) {{
  if (window.__paint.frame === null && event.detail.cells >= {CELLS}) {{
    window.__paint.frame = performance.now();
  }}
}});
const paintTimer = setInterval(function () {{
  const top = document.querySelector(".feed .feed-summary");
  if (newest === null || (top && top.textContent === newest)) {{
    window.__paint.feed = window.__paint.feed === null ? performance.now() : window.__paint.feed;
  }}
  if (window.__paint.frame !== null && window.__paint.feed !== null) {{ clearInterval(paintTimer); }}
}}, 5);
"""


PAINT_RESULT = "const p = window.__paint; return p && p.frame !== null && p.feed !== null ? p : null;"

# Rows: [name, transferSize, encodedBodySize, decodedBodySize, initiatorType, startTime, responseEnd]
RESOURCES = """
const since = arguments[0] || 0;
const row = (e) => [e.name, e.transferSize, e.encodedBodySize, e.decodedBodySize, e.initiatorType || "navigation",
                    e.startTime, e.responseEnd];
const nav = performance.getEntriesByType("navigation").map(row).filter((r) => r[5] >= since);
return nav.concat(performance.getEntriesByType("resource").map(row).filter((r) => r[5] >= since));
"""
NAVIGATION = """
const n = performance.getEntriesByType("navigation")[0];
return [n.responseEnd, n.domContentLoadedEventEnd, n.loadEventEnd];
"""
WIDE_BUFFER = "performance.setResourceTimingBufferSize(20000); return performance.now();"
NOW = "return performance.now();"

READY = f"""
const cc = window.commandCenter, push = window.commandCenterPush;
const mode = arguments[0];
if (!document.querySelector(".feed") || !cc || cc.cells.size < {CELLS} || !push) {{ return false; }}
return mode === "poll" ? push.polling() : push.state() === 1;
"""

# --diagnose: what one pushed report costs the page, by part. The wall draws each report into the feed and onto the
# map (assets/11-wall.js); a variant switches the map's event layer off, as a user can in its layer control.
RENDER_VARIANTS = {
    "feed rows and map markers (as shipped)": "",
    "feed rows only (event layer switched off)": """
        document.querySelectorAll(".leaflet-control-layers-overlays input")[1].click();""",
}


@dataclass
class Resource:
    url: str
    transfer: int
    encoded: int
    decoded: int
    initiator: str
    start: float
    end: float

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


def resources(browser: Browser, since: float = 0) -> list[Resource]:
    return [Resource(*row) for row in browser.js(RESOURCES, since)]
