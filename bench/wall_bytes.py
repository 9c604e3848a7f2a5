"""Bytes per live update: one pushed report as it crosses the socket, the wall's periodic callback responses (Resource
Timing for the totals, the CDP Network log per callback), what a first visit's push backlog weighs, and city-scale
estimates of the periodic responses."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.wall_browser import Browser
from bench.wall_estimates import estimates
from bench.wall_load import Sender, StreamTap
from bench.wall_page import NOW, READY, WIDE_BUFFER, resources
from bench.wall_report import TARGET_UPDATE_BYTES, Verdict, kb, percentile, table
from bench.wall_stack import Stack, wait_for

CALLBACK_CYCLE_S = 5  # the wall's live clock (dashboard/pages/command_wall.py LIVE_MS)
COLOUR_OUTPUT = "wall-grid-colours.data"  # its response marks one cycle


def callback_bytes(events: list[dict[str, Any]]) -> tuple[dict[str, list[int]], set[str]]:
    """Per callback (its first output), the bytes each response took on the wire; and the encodings used."""
    outputs: dict[str, str] = {}
    sizes: dict[str, list[int]] = defaultdict(list)
    encodings: set[str] = set()
    for event in events:
        method, params = event["method"], event["params"]
        if method == "Network.requestWillBeSent" and "_dash-update-component" in params["request"]["url"]:
            body = params["request"].get("postData") or "{}"
            output = str(json.loads(body).get("output", "?")).strip(".").split("...")[0]
            outputs[params["requestId"]] = output
        elif method == "Network.responseReceived" and params["requestId"] in outputs:
            headers = {name.lower(): value for name, value in params["response"]["headers"].items()}
            encodings.add(headers.get("content-encoding", "none"))
        elif method == "Network.loadingFinished" and params["requestId"] in outputs:
            sizes[outputs[params["requestId"]]].append(int(params["encodedDataLength"]))
    return sizes, encodings


def measure_update_bytes(stack: Stack, workdir: Path, *, seconds: float, rate: float) -> list[Verdict]:
    browser = Browser(workdir / "profile-bytes", network_log=True)
    tap = StreamTap("127.0.0.1", stack.port, stack.newest_stream_id(), stack.cookie_header())
    try:
        browser.driver.get(stack.login_url())
        browser.driver.get(f"{stack.base_url}/")
        wait_for(lambda: browser.js(READY, "push"), timeout=60, what="the wall ready", every=0.1)
        started = browser.js(WIDE_BUFFER)
        browser.network_events()  # forget the page load
        tap.start()
        sending = Sender(stack.base_url, stack.token).run("bytes", rate=rate, seconds=seconds)
        window_s = (browser.js(NOW) - started) / 1000
        callbacks = [r for r in resources(browser, started) if "_dash-update-component" in r.url]
        per_callback, encodings = callback_bytes(browser.network_events())
    finally:
        tap.stop()
        browser.close()
    frames = [frame.wire_bytes for frame in tap.data_frames()]
    texts = [frame.text_bytes for frame in tap.data_frames()]
    table(
        f"One pushed report: /events frames read off a raw socket ({len(sending.sent):,} reports in {seconds:.0f} s)",
        ["frames", "mean", "p50", "p95", "max", "decoded mean", "Content-Encoding", "Transfer-Encoding"],
        [
            [
                f"{len(frames):,}",
                f"{sum(frames) / max(len(frames), 1):,.0f} B",
                f"{percentile(frames, 50):,.0f} B",
                f"{percentile(frames, 95):,.0f} B",
                f"{max(frames, default=0):,} B",
                f"{sum(texts) / max(len(texts), 1):,.0f} B",
                tap.headers.get("content-encoding", "none"),
                tap.headers.get("transfer-encoding", "none"),
            ]
        ],
    )
    if tap.error:
        print(f"stream tap: {tap.error}")
    sizes = [r.transfer for r in callbacks]
    clock_s = window_s / CALLBACK_CYCLE_S
    cycles = len(per_callback.get(COLOUR_OUTPUT, [])) or clock_s  # the map colours are fetched once per cycle
    per_cycle = sum(sizes) / cycles if cycles else float("nan")
    table(
        f"Periodic callbacks on / (Resource Timing, {window_s:.0f} s; Content-Encoding {', '.join(sorted(encodings))})",
        ["responses", "bytes", "per response", "p95", "max", "cycles run", f"per {CALLBACK_CYCLE_S} s cycle"],
        [
            [
                len(sizes),
                kb(sum(sizes)),
                kb(sum(sizes) / max(len(sizes), 1)),
                kb(percentile(sizes, 95)),
                kb(max(sizes, default=0)),
                f"{cycles:.0f} of {clock_s:.0f}",
                kb(per_cycle),
            ]
        ],
    )
    if cycles < clock_s - 1:
        print("fewer cycles than the clock's: the busy page delays its interval callbacks")
    table(
        "Per callback (CDP Network log: encodedDataLength, headers included)",
        ["callback (first output)", "responses", "mean", "max"],
        [
            [output[:70], len(values), kb(sum(values) / len(values)), kb(max(values))]
            for output, values in sorted(per_callback.items(), key=lambda item: -sum(item[1]))
        ],
    )
    frame_max = max(frames, default=0)
    return [
        Verdict(
            "bytes per pushed report (largest frame)", kb(frame_max), "<= 25.0 KB", frame_max <= TARGET_UPDATE_BYTES
        ),
        Verdict(
            f"periodic callbacks per {CALLBACK_CYCLE_S} s cycle",
            kb(per_cycle),
            "<= 25.0 KB",
            per_cycle <= TARGET_UPDATE_BYTES,
        ),
    ]


def backlog_size(stack: Stack) -> tuple[int, int, str]:
    """What a first visit's push stream sends at once (the newest reports, up to 500), read off a socket as the
    browser asks for it (Resource Timing omits an EventSource, and CDP's byte counts of a stream never finished are
    not reliable): its bytes on the wire, the events' text, and the Content-Encoding."""
    tap = StreamTap("127.0.0.1", stack.port, None, stack.cookie_header())
    tap.start()
    try:
        wait_for(lambda: tap.frames and time.monotonic() - tap.last_byte_at > 1, timeout=30, what="the backlog")
    finally:
        tap.stop()
    frames = tap.data_frames()
    wire, text = sum(frame.wire_bytes for frame in frames), sum(frame.text_bytes for frame in frames)
    return wire, text, tap.headers.get("content-encoding", "none")


def measure_backlog(stack: Stack) -> None:
    wire, text, encoding = backlog_size(stack)
    print(
        f"\nfirst-visit push backlog: {kb(wire)} on the wire for {kb(text)} of events (Content-Encoding {encoding}); "
        "a wall screen loads this on top of the first-paint bytes"
    )


def print_estimates() -> list[Verdict]:
    rows = estimates()
    table(
        "City-scale estimate of the periodic responses (the tiny test city has 4 grids, 1 worker and no patrols)",
        ["response", "JSON", "zstd-3", "gzip-6", "vs 25 KB"],
        [[what, kb(raw), kb(z), kb(g), "over" if z > TARGET_UPDATE_BYTES else "under"] for what, raw, z, g in rows],
    )
    patrol = max(z for what, _, z, _ in rows if what.startswith("patrol layer"))
    return [
        Verdict("patrol layer per refresh, city scale (est.)", kb(patrol), "<= 25.0 KB", patrol <= TARGET_UPDATE_BYTES)
    ]
