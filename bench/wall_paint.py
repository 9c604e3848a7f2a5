"""Map first paint and bytes over the wire: a fresh browser profile per run, navigate to /, time until every grid
cell is drawn; what was fetched by then, which resources dominate, and whether the server compressed them. Also the
same with a full push backlog in the stream (a wall screen reloaded during the day)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.wall_browser import Browser
from bench.wall_bytes import backlog_size
from bench.wall_page import NAVIGATION, PAINT_RESULT, Resource, paint_watch, resources
from bench.wall_report import TARGET_PAINT_BYTES, TARGET_PAINT_MS, Verdict, kb, mb, median, ms, table
from bench.wall_stack import Stack, wait_for
from dashboard.config import get_settings
from dashboard.data.redis_client import get_redis
from dashboard.pipeline.streams import as_entries

SETTLE_S = 3  # after first paint, how long the page may keep fetching before "settled" bytes are read
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chromium sends
FONT = "/assets/fonts/wqy-microhei-subset.woff2"
CELLS_FILE = "/assets/grid_cells.geojson"


@dataclass
class Paint:
    frame_ms: float
    feed_ms: float  # with a push backlog: when the feed's top row showed the newest report
    busy_ms: float  # long tasks until then
    busy_paint_ms: float  # long tasks until the first paint
    navigation: list[float]  # document received, DOMContentLoaded, load
    at_paint: list[Resource]
    settled: list[Resource]

    @property
    def bytes_at_paint(self) -> int:
        return sum(r.transfer for r in self.at_paint)

    @property
    def bytes_settled(self) -> int:
        return sum(r.transfer for r in self.settled)

    def fetched(self, path: str) -> float:
        """When a resource had arrived (ms after navigation start)."""
        return next((r.end for r in self.at_paint if r.path.startswith(path)), float("nan"))


WALL_PAGE = "/?wall=1&pages=wall&every=60"  # where /wall hands a wall screen over to: the command wall as a canvas
SCREENS = ((1920, 1080), (3840, 2160))


def first_paint(
    stack: Stack, profile: Path, newest_summary: str | None = None, *, screen: tuple[int, int] | None = None
) -> Paint:
    """`screen`: a wall screen of that size, on the command wall in wall mode; None: the browser's default window
    on the interactive command wall (/)."""
    browser = Browser(profile, screen=screen)
    try:
        browser.on_new_document(paint_watch(newest_summary))
        browser.driver.get(stack.login_url())  # logged in first: the timed load starts at the wall itself
        browser.driver.get(f"{stack.base_url}{WALL_PAGE if screen else '/'}")
        wait_for(lambda: browser.js(PAINT_RESULT), timeout=180, what="every grid cell drawn", every=0.1)
        p = browser.js(PAINT_RESULT)
        at_paint = [r for r in resources(browser) if r.end <= p["frame"]]
        time.sleep(SETTLE_S)  # a measurement window, not a wait for a condition
        navigation = browser.js(NAVIGATION)
        return Paint(p["frame"], p["feed"], p["busy"], p["busyPaint"], navigation, at_paint, resources(browser))
    finally:
        browser.close()


RELOADS = 3  # Chromium keeps a script's compiled code from its second load on: the third load is a warm screen's


def reloaded_paints(stack: Stack, profile: Path, screen: tuple[int, int]) -> list[float]:
    """A wall screen's browser loading the wall RELOADS times in one profile (its cache, and the scripts' compiled
    code, kept between loads, as a screen reloaded by its watchdog or each morning has them): each load's first
    paint."""
    browser = Browser(profile, screen=screen)
    try:
        browser.on_new_document(paint_watch(None))
        browser.driver.get(stack.login_url())
        paints = []
        for _ in range(RELOADS):
            browser.driver.get(f"{stack.base_url}{WALL_PAGE}")
            wait_for(lambda: browser.js(PAINT_RESULT), timeout=180, what="every grid cell drawn", every=0.1)
            paints.append(float(browser.js(PAINT_RESULT)["frame"]))
        return paints
    finally:
        browser.close()


def measure_reloaded_paint(stack: Stack, workdir: Path, runs: int, screen: tuple[int, int]) -> list[Verdict]:
    size = f"{screen[0]}x{screen[1]}"
    loads = [reloaded_paints(stack, workdir / f"profile-reload-{size}-{n}", screen) for n in range(runs)]
    table(
        f"Map first paint at {size}, one profile loading the wall {RELOADS} times (a screen reloaded: its cache and "
        "the scripts' compiled code kept)",
        ["run", *(f"load {n + 1}" for n in range(RELOADS))],
        [[n + 1, *(ms(paint) for paint in paints)] for n, paints in enumerate(loads)],
    )
    warm = median([paints[-1] for paints in loads])
    return [Verdict(f"map first paint reloaded at {size} (load {RELOADS}), median", ms(warm), "(no target)", None)]


def newest_summary() -> str:
    """The summary of the newest report in the stream: the top row of a wall that caught up with its backlog."""
    for _, fields in as_entries(get_redis().xrevrange(get_settings().event_stream, count=50)):
        summary = json.loads(fields["event"]).get("summary")
        if summary:
            return str(summary)
    raise RuntimeError("no report in the stream")


def measure_backlog_paint(stack: Stack, workdir: Path, runs: int) -> list[Verdict]:
    """A wall screen (re)loaded while reports are in the stream: the push stream sends the newest 500 at once."""
    newest = newest_summary()
    paints = [first_paint(stack, workdir / f"profile-backlog-{n}", newest) for n in range(runs)]
    stream, _, encoding = backlog_size(stack)
    table(
        "Map first paint with a full push backlog (500 reports in the stream; no new ones arriving)",
        [
            "run",
            "first paint",
            "feed shows the newest report",
            "main thread in long tasks until then",
            "bytes at paint",
            f"+ the backlog ({encoding})",
        ],
        [
            [n + 1, ms(p.frame_ms), ms(p.feed_ms), ms(p.busy_ms), kb(p.bytes_at_paint), kb(p.bytes_at_paint + stream)]
            for n, p in enumerate(paints)
        ],
    )
    if any(p.feed_ms > p.frame_ms for p in paints):
        print("(in a run where the feed showed the newest report after the first paint, the backlog came after it)")
    with_backlog = median([p.bytes_at_paint for p in paints]) + stream
    return [
        Verdict(
            "bytes to first paint with a full backlog, median",
            mb(with_backlog),
            "<= 1.20 MB",
            with_backlog <= TARGET_PAINT_BYTES,
        )
    ]


def content_encoding(client: requests.Session, url: str) -> str:
    """As the server answers a logged-in browser (every script but /assets/ needs the login)."""
    headers = {"Accept-Encoding": BROWSER_ACCEPT_ENCODING}
    with client.get(url, headers=headers, stream=True, timeout=10) as answer:
        return answer.headers.get("Content-Encoding", "none")


def settled(paint: Paint) -> list[object]:
    return [kb(paint.bytes_settled), len(paint.settled)]


def compression(client: requests.Session, resource: Resource) -> list[str]:
    return [f"{resource.encoded / max(resource.decoded, 1):.0%}", content_encoding(client, resource.url)]


def warm_up(stack: Stack) -> None:
    """A wall screen meets a server that has served pages before: the first request of a fresh worker is not timed."""
    client = stack.http()
    for path in (
        "/",
        "/_dash-layout",
        "/_dash-dependencies",
        "/assets/grid_cells.geojson",
        "/assets/county_outlines.geojson",
        "/events/recent",
    ):
        client.get(f"{stack.base_url}{path}", timeout=30).raise_for_status()


def measure_first_paint(stack: Stack, workdir: Path, runs: int, screen: tuple[int, int]) -> list[Verdict]:
    warm_up(stack)
    size = f"{screen[0]}x{screen[1]}"
    paints = [first_paint(stack, workdir / f"profile-paint-{size}-{n}", screen=screen) for n in range(runs)]
    table(
        f"Map first paint at {size} (fresh profile, navigate to {WALL_PAGE}, until the animation frame that draws "
        "all 7,369 cells)",
        ["run", "first paint", "bytes at paint", "requests", f"bytes after +{SETTLE_S} s", "requests"],
        [[n + 1, ms(p.frame_ms), kb(p.bytes_at_paint), len(p.at_paint), *settled(p)] for n, p in enumerate(paints)],
    )
    table(
        "Where the first paint's time goes (ms after navigation start)",
        [
            "run",
            "document",
            "DOMContentLoaded",
            "load",
            "grid_cells.geojson in",
            "first paint",
            "long tasks until paint",
        ],
        [
            [n + 1, *(ms(t) for t in p.navigation), ms(p.fetched(CELLS_FILE)), ms(p.frame_ms), ms(p.busy_paint_ms)]
            for n, p in enumerate(paints)
        ],
    )
    middle, client = sorted(paints, key=lambda p: p.bytes_settled)[len(paints) // 2], stack.http()
    top = sorted(middle.settled, key=lambda r: r.transfer, reverse=True)[:10]
    table(
        "Largest resources (median run); Content-Encoding as the server answers Chromium's Accept-Encoding",
        ["resource", "on the wire", "body (encoded)", "body (decoded)", "ratio", "Content-Encoding"],
        [[r.path[:80], kb(r.transfer), kb(r.encoded), kb(r.decoded), *compression(client, r)] for r in top],
    )
    total = sum(r.transfer for r in middle.settled)
    share = sum(r.transfer for r in top[:3]) / max(total, 1)
    print(f"the three largest are {share:.0%} of the bytes; no EventSource in these figures (Resource Timing omits it)")
    if not any(r.path.startswith(FONT) for r in middle.settled):
        with requests.get(stack.base_url + FONT, timeout=10) as font:
            print(
                f"not fetched here: {FONT} ({kb(len(font.content))}, woff2, not recompressed); this machine has a "
                f"CJK font. A wall screen without one also fetches it: about {kb(total + len(font.content))} in all."
            )
    paint_ms = median([p.frame_ms for p in paints])
    paint_bytes = median([p.bytes_at_paint for p in paints])
    return [
        Verdict(
            f"map first paint at {size}, median", ms(paint_ms), f"<= {ms(TARGET_PAINT_MS)}", paint_ms <= TARGET_PAINT_MS
        ),
        Verdict(
            f"bytes to first paint at {size}, median",
            mb(paint_bytes),
            "<= 1.20 MB",
            paint_bytes <= TARGET_PAINT_BYTES,
        ),
    ]
