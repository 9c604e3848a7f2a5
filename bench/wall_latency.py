"""Event -> screen latency: reports POSTed at a fixed rate with their send time in the summary, timed in the page
when their feed row appears; the push path and the 1 s polling baseline. `diagnose()` breaks the browser's cost of
one update down by part, by switching the map's event layer off in the page (as a user can)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

from bench.wall_browser import Browser
from bench.wall_load import Sender, Sending
from bench.wall_page import (
    FEED_TIMINGS,
    FEED_WATCH,
    MAIN_THREAD,
    READY,
    RENDER_VARIANTS,
    WIDE_BUFFER,
    Resource,
    resources,
)
from bench.wall_report import TARGET_P95_MS, Verdict, kb, ms, percentile, table
from bench.wall_stack import Stack, wait_for

DIAGNOSE_RATE = 5  # reports/s: slow enough for the page as shipped to keep up
QUIET_S = 10  # how long the page's own work (clocks, periodic charts) is measured with no report arriving
TARGET_TASK_MS = 16  # main-thread time per pushed report: at 50 reports/s, 800 ms of every second at most


def task_seconds(browser: Browser) -> float:
    """The main thread's time in tasks since the page opened (CDP Performance.getMetrics TaskDuration), seconds."""
    return float(browser.metrics()["TaskDuration"])


def quiet_task_rate(browser: Browser, seconds: float) -> float:
    """The main thread's work per second with no report arriving: the wall's clocks and periodic refreshes."""
    before, started = task_seconds(browser), time.monotonic()
    time.sleep(seconds)  # a measurement window, not a wait for a condition
    return (task_seconds(browser) - before) / (time.monotonic() - started)


@dataclass
class Latency:
    label: str
    sending: Sending
    timings: dict[int, tuple[float, float]]  # seq -> (in the DOM, painted) ms after sending
    busy_ms: float  # the page's main thread in long tasks (> 50 ms) ...
    span_ms: float  # ... out of this long
    polls: list[Resource] = field(default_factory=list)
    task_ms_per_report: float = float("nan")  # the main thread's work (all tasks) per report, idle work taken off

    def painted(self) -> list[float]:
        return [frame for _, frame in self.timings.values()]

    def in_dom(self) -> list[float]:
        return [dom for dom, _ in self.timings.values()]


def wait_until_shown(browser: Browser, expected: int) -> None:
    """Until every accepted report was on screen, or none more came for 3 s (30 s at most)."""
    deadline, last, changed = time.monotonic() + 30, -1, time.monotonic()
    while time.monotonic() < deadline:
        count = browser.js("return window.__wallBench.seen.size;")
        if count >= expected:
            return
        if count != last:
            last, changed = count, time.monotonic()
        elif time.monotonic() - changed > 3:
            return
        time.sleep(0.2)


def measure_latency(
    stack: Stack, workdir: Path, *, path: str, mode: str, seconds: float, rate: float, variant: str = ""
) -> Latency:
    tag = f"{mode}{uuid4().hex[:6]}"
    browser = Browser(workdir / f"profile-latency-{tag}")
    try:
        browser.driver.get(stack.login_url())
        browser.driver.get(f"{stack.base_url}{path}")
        wait_for(lambda: browser.js(READY, mode), timeout=120, what=f"the wall ready ({mode})", every=0.1)
        settle(browser)
        if variant:
            browser.js(variant)
        idle = quiet_task_rate(browser, min(seconds, QUIET_S))
        started = browser.js(WIDE_BUFFER)
        browser.js(FEED_WATCH, tag)
        tasks_before, sending_from = task_seconds(browser), time.monotonic()
        sending = Sender(stack.base_url, stack.token).run(tag, rate=rate, seconds=seconds)
        wait_until_shown(browser, len(sending.sent))
        work = task_seconds(browser) - tasks_before - idle * (time.monotonic() - sending_from)
        busy_ms, span_ms = browser.js(MAIN_THREAD)
        timings = {int(seq): (dom, frame) for seq, dom, frame in browser.js(FEED_TIMINGS)}
        polls = [r for r in resources(browser, started) if "/events/recent" in r.url]
        per_report = 1000 * work / max(len(sending.sent), 1)
        return Latency(f"{path} ({mode})", sending, timings, busy_ms, span_ms, polls, per_report)
    finally:
        browser.close()


def settle(browser: Browser) -> None:
    """Until the page has had no long task for a second (it may still be working through a push backlog)."""
    browser.js(
        "window.__lastLong = performance.now(); new PerformanceObserver((l) => "
        "{ window.__lastLong = performance.now(); }).observe({type: 'longtask'});"
    )
    wait_for(
        lambda: browser.js("return performance.now() - window.__lastLong > 1000;"),
        timeout=180,
        what="the page to go quiet",
        every=0.2,
    )


def latency_rows(result: Latency) -> list[list[object]]:
    sending = result.sending
    rows: list[list[object]] = []
    for what, values in (("painted", result.painted()), ("in the DOM", result.in_dom())):
        rows.append(
            [
                f"{result.label}, {what}",
                f"{sending.achieved_rate:.1f}/s",
                f"{len(values):,}/{len(sending.sent):,}",
                ms(percentile(values, 50)),
                ms(percentile(values, 95)),
                ms(max(values, default=float("nan"))),
            ]
        )
    return rows


def print_latency(push: Latency, poll: Latency) -> list[Verdict]:
    table(
        "Event -> screen latency (POST sent -> row in the feed; same machine, same clock)",
        ["path", "rate", "shown/accepted", "p50", "p95", "max"],
        latency_rows(push) + latency_rows(poll),
    )
    for result in (push, poll):
        trips = result.sending.round_trips_ms
        unseen = len(result.sending.sent) - len(result.timings)
        print(
            f"{result.label}: API round trip p50 {ms(percentile(trips, 50))}, p95 {ms(percentile(trips, 95))}; "
            f"{len(result.sending.failures)} POSTs failed; sender at worst {ms(result.sending.late_ms)} behind; "
            f"{unseen:,} accepted reports never shown; the page's main thread was in long tasks "
            f"{result.busy_ms / max(result.span_ms, 1):.0%} of the time"
        )
    if poll.polls:
        sizes = [r.transfer for r in poll.polls]
        print(
            f"polling baseline: {len(sizes)} polls of /events/recent, {kb(sum(sizes) / len(sizes))} each on average "
            f"(max {kb(max(sizes))}), {sum(sizes) / max(len(poll.sending.sent), 1):,.0f} B per report"
        )
    push_p95, poll_p95 = percentile(push.painted(), 95), percentile(poll.painted(), 95)
    push_p50, poll_p50 = percentile(push.painted(), 50), percentile(poll.painted(), 50)
    print(
        f"polling / push: p50 {poll_p50 / push_p50:.2f}, p95 {poll_p95 / push_p95:.2f} "
        "(above 1: push is faster than the 1 s polling baseline)"
    )
    print(
        f"main thread per pushed report at {push.sending.achieved_rate:.0f} reports/s: "
        f"{push.task_ms_per_report:.1f} ms (every task, the page's idle work per second taken off; polling: "
        f"{poll.task_ms_per_report:.1f} ms)"
    )
    cost = push.task_ms_per_report
    verdicts = [
        Verdict("event->screen p95, push (/)", ms(push_p95), f"<= {ms(TARGET_P95_MS)}", push_p95 <= TARGET_P95_MS),
        Verdict(
            "main thread per pushed report (/)", f"{cost:.1f} ms", f"<= {TARGET_TASK_MS} ms", cost <= TARGET_TASK_MS
        ),
    ]
    verdicts.append(Verdict("  (baseline: 1 s polling p95)", ms(poll_p95), "for comparison", None))
    return verdicts


def diagnose(stack: Stack, workdir: Path, *, seconds: float) -> None:
    """What one pushed report costs the page, by part, at a rate the page keeps up with."""
    rows = []
    for label, variant in RENDER_VARIANTS.items():
        result = measure_latency(
            stack, workdir, path="/", mode="push", seconds=seconds, rate=DIAGNOSE_RATE, variant=variant
        )
        per_report = result.busy_ms / max(len(result.sending.sent), 1)
        painted = result.painted()
        rows.append([label, f"{per_report:,.0f} ms", ms(percentile(painted, 50)), ms(percentile(painted, 95))])
    table(
        f"Diagnosis: the page's long-task time per pushed report at {DIAGNOSE_RATE} reports/s, by what the wall draws",
        ["drawn", "long tasks per report", "p50", "p95"],
        rows,
    )
