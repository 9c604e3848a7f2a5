"""Memory under a long run: the gunicorn worker's RSS (psutil on the worker, not the master) while reports flow at a
fixed rate to an open wall page. Beside it, the tab: its renderer process's RSS (psutil, read without waiting on the
page) and its JS heap after a forced GC (CDP, which waits for the page's main thread, so it may not answer while
the page is saturated)."""

from __future__ import annotations

import math
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.wall_browser import Browser
from bench.wall_latency import settle
from bench.wall_load import Sender, Sending
from bench.wall_page import READY
from bench.wall_report import TARGET_GROWTH, TARGET_RSS, Verdict, mb, table
from bench.wall_stack import Stack, wait_for

SAMPLE_S = 5
DOM_COUNTS = ("Nodes", "JSEventListeners", "LayoutObjects", "Documents", "Frames")
HEAP_TIMEOUT_S = 60
ROUND_S = 300  # a wall rotation's round of pages, at most (bench_wall's soak: five pages of 30 s, each drawn)


@dataclass
class MemorySample:
    at_s: float
    rss: int  # the gunicorn worker
    threads: int
    tab_rss: int  # the wall tab's renderer process


def sample(stack: Stack, browser: Browser, started: float) -> MemorySample:
    worker = stack.worker()
    at = time.monotonic() - started
    return MemorySample(at, worker.memory_info().rss, worker.num_threads(), browser.renderer_rss())


class TabHeap:
    """The tab's JS heap after a forced GC, or NaN when the page did not answer in time; after one unanswered
    request no other is sent (it would queue behind the first)."""

    def __init__(self, browser: Browser) -> None:
        self.browser, self.stuck = browser, False
        self.counts: list[dict[str, float]] = []  # the DOM's counts at each reading: a leak of nodes shows here

    def read(self) -> float:
        if self.stuck:
            return math.nan
        answer: list[dict[str, Any]] = []

        def ask() -> None:
            with suppress(Exception):  # the browser is closed under a request that never got its answer
                answer.append(self.browser.metrics(collect_garbage=True))

        reader = threading.Thread(target=ask, daemon=True)
        reader.start()
        reader.join(HEAP_TIMEOUT_S)
        if not answer:
            self.stuck = True
            return math.nan
        self.counts.append({name: answer[0].get(name, math.nan) for name in DOM_COUNTS})
        return float(answer[0]["JSHeapUsedSize"])


STILL_SHOWN = "return document.querySelector('.wall-still') !== null"
STILL_S = 30  # the page holds its picture at most 8 s (assets/13-wall-mode.js: STILL_MS), more on a loaded machine


def page_on(browser: Browser, heap: TabHeap) -> str | None:
    """The page the tab shows (None when the page stopped answering)."""
    return None if heap.stuck else str(browser.js("return location.pathname"))


def same_page_as_warm(browser: Browser, heap: TabHeap, warm_page: str | None) -> None:
    """On a rotation, until the tab is back on the page it showed after warm-up (one round at most): the pages differ
    by hundreds of MB of renderer memory (the map's page against a chart page), so the end and warm-up figures are
    compared on the same page."""
    if warm_page is None:
        return
    with suppress(TimeoutError):
        wait_for(lambda: page_on(browser, heap) in (warm_page, None), timeout=ROUND_S, what="the page", every=1)
    with suppress(TimeoutError):  # and drawn: the picture of the page before it (assets/13-wall-mode.js) is gone
        wait_for(lambda: heap.stuck or not browser.js(STILL_SHOWN), timeout=STILL_S, what="the page drawn", every=1)
    print(f"  end read on {page_on(browser, heap)}, as the warm-up on {warm_page}")


def measure_memory(
    stack: Stack,
    workdir: Path,
    *,
    minutes: float,
    rate: float,
    path: str = "/",
    screen: tuple[int, int] | None = None,
    warm_s: float | None = None,
) -> list[Verdict]:
    """`path` and `screen`: the page the tab holds (a wall screen's rotation, at its size), `warm_s` how long the
    warm-up lasts (by default a fifth of the run, a minute at most)."""
    seconds = minutes * 60
    warm_s = min(60.0, seconds / 5) if warm_s is None else min(warm_s, seconds / 2)
    browser = Browser(workdir / "profile-soak", screen=screen)
    stop, outcome = threading.Event(), []

    def send() -> None:
        outcome.append(Sender(stack.base_url, stack.token).run("soak", rate=rate, seconds=seconds, stop=stop))

    sender = threading.Thread(target=send, daemon=True)
    try:
        browser.driver.get(stack.login_url())
        browser.driver.get(f"{stack.base_url}{path}")
        wait_for(lambda: browser.js(READY, "push"), timeout=120, what="the wall ready", every=0.1)
        settle(browser)  # done with the push backlog
        heap = TabHeap(browser)
        started = time.monotonic()
        opened, heap_opened = sample(stack, browser, started), heap.read()
        sender.start()
        samples, warm, heap_warm, next_line, warm_page = [opened], None, math.nan, 60.0, None
        print(f"\n== Memory soak: {minutes:g} min at {rate:g} reports/s, {path} open (a line a minute)")
        while sender.is_alive():
            sender.join(SAMPLE_S)
            samples.append(sample(stack, browser, started))
            if warm is None and samples[-1].at_s >= warm_s:
                warm, heap_warm = samples[-1], heap.read()
                warm_page = page_on(browser, heap)
            if samples[-1].at_s >= next_line:
                line, (lag, pending) = samples[-1], stack.consumer_backlog()
                page = browser.js("return location.pathname") if not heap.stuck else "?"
                print(
                    f"  {line.at_s / 60:5.1f} min  worker RSS {mb(line.rss)}  threads {line.threads}  "
                    f"tab renderer RSS {mb(line.tab_rss)}  consumer lag {lag}, pending {pending}  on {page}",
                    flush=True,
                )
                next_line += 60
        same_page_as_warm(browser, heap, warm_page)
        end, heap_end = sample(stack, browser, started), heap.read()
        samples.append(end)
        for when, counts in zip(("opened", "after warm-up", "end"), heap.counts, strict=False):
            print(f"  DOM {when}: " + ", ".join(f"{name} {value:,.0f}" for name, value in counts.items()))
    finally:
        stop.set()
        browser.close()
    return report(stack, samples, warm or end, end, (heap_opened, heap_warm, heap_end), minutes, warm_s, outcome)


def report(
    stack: Stack,
    samples: list[MemorySample],
    warm: MemorySample,
    end: MemorySample,
    heaps: tuple[float, float, float],
    minutes: float,
    warm_s: float,
    outcome: list[Sending],
) -> list[Verdict]:
    peak, tab_peak = max(s.rss for s in samples), max(s.tab_rss for s in samples)
    opened = samples[0]
    worker = [stack.worker_start_rss, warm.rss, end.rss, peak, end.rss - warm.rss]
    tab = [opened.tab_rss, warm.tab_rss, end.tab_rss, tab_peak, end.tab_rss - warm.tab_rss]
    heap = [heaps[0], heaps[1], heaps[2], math.nan, heaps[2] - heaps[1]]
    rows = [
        ["gunicorn worker RSS", *map(mb, worker)],
        ["wall tab renderer RSS", *map(mb, tab)],
        ["wall tab JS heap (after GC)", *map(mb, heap)],
    ]
    table(
        f"Memory: start = worker just up (tab: page loaded); warm-up = {warm_s:.0f} s in; end = after {minutes:g} min",
        ["what", "start", "after warm-up", "end", "peak", "growth (end - warm-up)"],
        rows,
    )
    if any(math.isnan(h) for h in heaps):
        print(f"JS heap '-': the page did not answer CDP within {HEAP_TIMEOUT_S} s (its main thread was saturated)")
    if outcome:
        sent = outcome[0]
        print(
            f"soak sent {len(sent.sent):,} reports ({sent.achieved_rate:.1f}/s), {len(sent.failures)} failed; "
            f"worker threads at the end {end.threads}"
        )
    span = f"{minutes:g} min" + ("" if minutes >= 60 else "; the hour-long figure was NOT measured")
    growth, tab_growth, heap_growth = end.rss - warm.rss, end.tab_rss - warm.tab_rss, heaps[2] - heaps[1]
    return [
        Verdict(f"worker RSS at the end ({span})", mb(end.rss), "<= 300 MB", end.rss <= TARGET_RSS),
        Verdict(f"worker RSS growth ({span})", mb(growth), "<= 50 MB", growth <= TARGET_GROWTH),
        Verdict(
            f"tab renderer RSS growth after warm-up ({span})", mb(tab_growth), "<= 50 MB", tab_growth <= TARGET_GROWTH
        ),
        Verdict(
            f"tab JS heap growth after warm-up ({span})",
            mb(heap_growth),
            "<= 50 MB",
            None if math.isnan(heap_growth) else heap_growth <= TARGET_GROWTH,
        ),
    ]
