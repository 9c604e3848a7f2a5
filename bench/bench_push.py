"""Push at wall scale: 200 wall screens holding /events open at once while phones send 50 reports a second. Prints each
figure beside its target with PASS/MISS; asserts nothing; exits 0 unless the benchmark itself broke.

    .venv/bin/python -m bench.bench_push [--screens 200] [--rate 50] [--seconds 60] [--workers 1] [--baseline]
                                         [--identity]

The app (bench/wall_stack.py): a redis-server of its own, a temp SQLite file with the tiny test city, one stream
consumer and `gunicorn app:asgi -k asgi` (push streams on the event loop, 32 threads for everything else). Each screen
is its own wall-screen account, logged in by token as a screen is, reading its stream over a raw socket (asyncio, all
in one thread of this process) and asking for it as Chromium does, gzip'd (`--identity`: uncompressed, as before the
stream was compressed); reports go through the real ingest API, one per POST with the send time in the
summary (bench/wall_load.py). Figures:

- event -> screen: from the phone's POST being sent to the report's frame arriving at each screen, over every
  (report, screen) pair; reports a screen never got are counted;
- ingest API: the POST's round trip, while the screens are connected;
- /healthz: asked every 0.5 s throughout (2 s timeout): answers, failures, slowest;
- memory per open stream: the web workers' RSS with every screen connected, less with the first 10, over the rest;
- the ingest API alone (no screen connected, before they connect): the same-process baseline for the ratio.

`--baseline` runs the same against `gunicorn app:server -k gthread --threads 32` (how /events was served before:
one thread per open stream), in the same process, for the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
import traceback
import zlib
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import requests

from bench.wall_load import Sender, Sending, report
from bench.wall_report import Verdict, ms, percentile, table, verdict_rows
from bench.wall_stack import Stack, reset_process_caches
from dashboard.access.accounts import create_user, issue_login_token
from dashboard.data.db import session_scope
from dashboard.data.vocab import Role

SENT = re.compile(rb"wallbench push (\d+) (\d+)")  # bench/wall_load.py's summary: tag, sequence, send time (ms)
CONNECT_TIMEOUT_S = 30
WARM_SCREENS = 10  # connected before the memory baseline is read
HEALTH_EVERY_S, HEALTH_TIMEOUT_S = 0.5, 2.0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_push", description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=200, help="wall screens connected at once (200)")
    parser.add_argument("--rate", type=float, default=50, help="reports per second (50)")
    parser.add_argument("--seconds", type=float, default=60, help="how long the reports flow (60)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn worker processes (1)")
    parser.add_argument("--baseline", action="store_true", help="then the same on the threaded server, for the ratio")
    parser.add_argument("--identity", action="store_true", help="screens ask for the stream uncompressed")
    return parser.parse_args(argv)


BROWSER_ENCODINGS = "gzip, deflate, br, zstd"  # Chromium's Accept-Encoding


class Body:
    """A response body as it comes off the socket: de-chunked, and gunzipped when the stream is gzip'd."""

    def __init__(self, head: bytes) -> None:
        headers = head.lower()
        self.chunked = b"transfer-encoding: chunked" in headers
        self.gzip = zlib.decompressobj(16 + zlib.MAX_WBITS) if b"content-encoding: gzip" in headers else None
        self.raw = b""
        self.need = 0  # bytes of the current chunk still to come
        self.skip = 0  # bytes of the CRLF after it
        self.ended = False  # the last chunk came

    def feed(self, data: bytes) -> bytes:
        """The stream's text in `data` (and what came before it, unfinished)."""
        self.raw += data
        payload = b""
        while self.raw and self.chunked and not self.ended:
            if self.skip:
                taken = min(self.skip, len(self.raw))
                self.raw, self.skip = self.raw[taken:], self.skip - taken
            elif self.need:
                part = self.raw[: self.need]
                self.raw, self.need, payload = self.raw[len(part) :], self.need - len(part), payload + part
                self.skip = 0 if self.need else 2
            elif (end := self.raw.find(b"\r\n")) >= 0:
                self.need, self.raw = int(self.raw[:end].split(b";")[0], 16), self.raw[end + 2 :]
                self.ended = not self.need
            else:
                break
        if not self.chunked:
            payload, self.raw = self.raw, b""
        return self.gzip.decompress(payload) if self.gzip else payload


@dataclass
class Screen:
    """One wall screen's stream: when it connected, and when each report arrived (seq -> ms since the epoch)."""

    cookie: str
    resume: str  # the newest stream id when it connects
    status: int = 0
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    arrivals: dict[int, int] = field(default_factory=dict)
    error: str = ""
    encoding: str = ""  # the stream's Content-Encoding


async def watch(host: str, port: int, screen: Screen, stop: asyncio.Event, encodings: str) -> None:
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), CONNECT_TIMEOUT_S)
        request = (
            f"GET /events HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\nCookie: {screen.cookie}"
            f"\r\nLast-Event-ID: {screen.resume}"  # as a screen reconnecting: no backlog, which is not per stream
            f"\r\nAccept-Encoding: {encodings}"
        )
        writer.write((request + "\r\n\r\n").encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), CONNECT_TIMEOUT_S)
        screen.status = int(head.split(b" ", 2)[1])
        screen.encoding = "gzip" if b"content-encoding: gzip" in head.lower() else "identity"
        screen.connected.set()
        body, tail = Body(head), b""
        while not stop.is_set():
            data = await reader.read(65536)  # whatever arrived; reports are found in it by their summary
            if not data:
                break
            now = int(time.time() * 1000)
            text = tail + body.feed(data)
            cut = text.rfind(b"\n") + 1  # a line cut by this read is finished by the next
            for seq, _sent in SENT.findall(text[:cut]):
                screen.arrivals.setdefault(int(seq), now)
            tail = text[cut:]
        writer.close()
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
        screen.error = f"{type(error).__name__}: {error}"
        screen.connected.set()


class Screens(threading.Thread):
    """Every screen's stream, on one event loop in a thread of its own."""

    def __init__(self, base_url: str, cookies: list[str], resume: str, encodings: str) -> None:
        super().__init__(daemon=True, name="screens")
        host, port = base_url.removeprefix("http://").split(":")
        self.host, self.port, self.encodings = host, int(port), encodings
        self.screens = [Screen(cookie, resume) for cookie in cookies]
        self.loop = asyncio.new_event_loop()
        self.stopping = asyncio.Event()
        self.all_connected = threading.Event()

    def run(self) -> None:
        self.loop.run_until_complete(self.main())

    async def main(self) -> None:
        tasks = [
            asyncio.create_task(watch(self.host, self.port, screen, self.stopping, self.encodings))
            for screen in self.screens
        ]
        with suppress(TimeoutError):  # screens a threaded server never answers: counted as not connected
            await asyncio.wait_for(asyncio.gather(*(s.connected.wait() for s in self.screens)), CONNECT_TIMEOUT_S)
        self.all_connected.set()
        await self.stopping.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.join(10)


class HealthWatch(threading.Thread):
    def __init__(self, base_url: str) -> None:
        super().__init__(daemon=True, name="healthz")
        self.url = f"{base_url}/healthz"
        self.times_ms: list[float] = []
        self.failures: list[str] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(HEALTH_EVERY_S):
            started = time.perf_counter()
            try:
                status = requests.get(self.url, timeout=HEALTH_TIMEOUT_S).status_code
            except requests.RequestException as error:
                self.failures.append(type(error).__name__)
                continue
            self.times_ms.append((time.perf_counter() - started) * 1000)
            if status != 200:
                self.failures.append(f"HTTP {status}")

    def stop(self) -> None:
        self.stopping.set()
        self.join(5)


def wall_screen_cookies(stack: Stack, count: int) -> list[str]:
    """`count` wall-screen accounts, each logged in by its token as a screen does; their cookies."""
    tokens = []
    with session_scope() as session:
        for number in range(count):
            create_user(session, f"screen-{number:03d}", secrets.token_urlsafe(16), Role.WALL_SCREEN)
            tokens.append(issue_login_token(session, f"screen-{number:03d}"))
    cookies = []
    for token in tokens:
        client = requests.Session()
        client.get(f"{stack.base_url}/login?token={token}&next=/healthz", timeout=30).raise_for_status()
        cookies.append("; ".join(f"{name}={value}" for name, value in client.cookies.items()))
    return cookies


def probe_ingest(stack: Stack, *, seconds: float) -> Sending:
    """One report a second through the ingest API, 5 s to answer each (the threaded baseline, which may not)."""
    sending, started = Sending(1.0), time.monotonic()
    headers = {"Authorization": f"Bearer {stack.token}", "Content-Type": "application/json"}
    for seq in range(int(seconds)):
        sent_ms, began = int(time.time() * 1000), time.perf_counter()
        try:
            status = requests.post(
                f"{stack.base_url}/api/v1/events", json=report("push", seq, sent_ms), headers=headers, timeout=5
            ).status_code
        except requests.RequestException as error:
            sending.failures.append(type(error).__name__)
            continue
        if status == 202:
            sending.sent[seq] = sent_ms
            sending.round_trips_ms.append((time.perf_counter() - began) * 1000)
        else:
            sending.failures.append(f"HTTP {status}")
    sending.seconds = time.monotonic() - started
    return sending


def workers_rss(stack: Stack) -> int:
    return sum(worker.memory_info().rss for worker in stack.all_workers())


@dataclass
class Run:
    label: str
    ingest_alone_ms: list[float]  # the same-process baseline: the ingest API before any screen connected
    connected: int
    refused: int
    per_stream_bytes: float
    latencies_ms: list[float]
    expected: int
    ingest_ms: list[float]
    ingest_failures: int
    health_ms: list[float]
    health_failures: list[str]


def connect(stack: Stack, cookies: list[str], encodings: str) -> Screens:
    screens = Screens(stack.base_url, cookies, stack.newest_stream_id(), encodings)
    screens.start()
    screens.all_connected.wait(CONNECT_TIMEOUT_S + 5)
    time.sleep(1)  # the last screens' backlog frames are written
    return screens


def measure(args: argparse.Namespace, workdir: Path, front: str) -> Run:
    stack = Stack(workdir / front, threads=32, front=front, workers=args.workers)
    try:
        stack.start()
        label = f"gunicorn {front}, {args.workers} worker(s) x 32 threads"
        print(f"\n== {label} at {stack.base_url}", flush=True)
        cookies = wall_screen_cookies(stack, args.screens)
        alone = Sender(stack.base_url, stack.token).run("alone", rate=args.rate, seconds=min(args.seconds, 15))
        print(f"ingest API with no screen connected: p95 {ms(percentile(alone.round_trips_ms, 95))}", flush=True)
        encodings = "identity" if args.identity else BROWSER_ENCODINGS
        first = connect(stack, cookies[:WARM_SCREENS], encodings)  # the first streams start the worker's reader
        before = workers_rss(stack)
        rest = connect(stack, cookies[WARM_SCREENS:], encodings)
        with_streams = workers_rss(stack)
        screens = [*first.screens, *rest.screens]
        connected = [screen for screen in screens if screen.status == 200 and not screen.error]
        refused = [screen for screen in screens if screen.status not in (0, 200)]
        counted = len([screen for screen in rest.screens if screen.status == 200 and not screen.error])
        streams = ", ".join(sorted({screen.encoding for screen in connected}))
        print(f"{len(connected)} of {args.screens} screens connected ({len(refused)} refused), {streams}", flush=True)
        health = HealthWatch(stack.base_url)
        health.start()
        if front == "gthread":  # requests queue behind the streams holding every thread: a few, with a short wait
            sending = probe_ingest(stack, seconds=min(args.seconds, 10))
        else:
            sending = Sender(stack.base_url, stack.token).run("push", rate=args.rate, seconds=args.seconds)
        time.sleep(2)  # reports still on their way to the screens
        health.stop()
        first.stop()
        rest.stop()
        latencies = [
            float(arrived - sending.sent[seq])
            for screen in connected
            for seq, arrived in screen.arrivals.items()
            if seq in sending.sent
        ]
        return Run(
            label,
            alone.round_trips_ms,
            len(connected),
            len(refused),
            (with_streams - before) / max(counted, 1),
            latencies,
            len(sending.sent) * len(connected),
            sending.round_trips_ms,
            len(sending.failures),
            health.times_ms,
            health.failures,
        )
    finally:
        stack.stop()
        reset_process_caches()


def print_run(run: Run, args: argparse.Namespace) -> list[Verdict]:
    latency = percentile(run.latencies_ms, 95) if run.latencies_ms else float("inf")
    ingest = percentile(run.ingest_ms, 95) if run.ingest_ms else float("inf")
    table(
        run.label,
        ["figure", "value"],
        [
            ["screens connected / refused", f"{run.connected} / {run.refused} of {args.screens}"],
            ["memory per open stream (workers' RSS)", f"{run.per_stream_bytes / 1024:.1f} KB"],
            ["reports delivered to screens", f"{len(run.latencies_ms)} of {run.expected}"],
            ["event -> screen p50 / p95 / max", " / ".join(ms(q) for q in quantiles(run.latencies_ms))],
            ["ingest API p50 / p95 / max", " / ".join(ms(q) for q in quantiles(run.ingest_ms))],
            ["ingest API failures", str(run.ingest_failures)],
            ["ingest API p50 / p95 / max, no screen", " / ".join(ms(q) for q in quantiles(run.ingest_alone_ms))],
            ["ingest API p95, screens / no screen", ratio(run.ingest_ms, run.ingest_alone_ms)],
            [
                "/healthz answers, p95 / max",
                f"{len(run.health_ms)}, " + " / ".join(map(ms, quantiles(run.health_ms)[1:])),
            ],
            ["/healthz failures", f"{len(run.health_failures)} {sorted(set(run.health_failures))}"],
        ],
    )
    complete = run.connected == args.screens and len(run.latencies_ms) == run.expected
    return [
        Verdict(
            "screens connected, every report delivered",
            f"{run.connected}, {len(run.latencies_ms)}/{run.expected}",
            "all",
            complete,
        ),
        Verdict("event -> screen p95", ms(latency), "<= 250 ms", latency <= 250),
        Verdict("ingest API p95", ms(ingest), "<= 100 ms", ingest <= 100 and run.ingest_failures == 0),
        Verdict("/healthz throughout", f"{len(run.health_failures)} failures", "0", not run.health_failures),
    ]


def ratio(loaded: list[float], alone: list[float]) -> str:
    if not loaded or not alone:
        return "-"
    return f"{percentile(loaded, 95) / max(percentile(alone, 95), 1.0):.1f}x"


def quantiles(values: list[float]) -> list[float]:
    if not values:
        return [float("nan")] * 3
    return [percentile(values, 50), percentile(values, 95), max(values)]


def on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(143)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    print(
        f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores; {args.screens} screens, "
        f"{args.rate:g} reports/s for {args.seconds:g} s",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-push-") as temp:
        try:
            runs = [measure(args, Path(temp), "asgi")]
            if args.baseline:
                runs.append(measure(args, Path(temp), "gthread"))
        except Exception:
            traceback.print_exc()
            return 1
    verdicts = print_run(runs[0], args)
    for run in runs[1:]:
        print_run(run, args)
        base, now = runs[1], runs[0]
        if base.latencies_ms and now.latencies_ms:
            ratio = percentile(base.latencies_ms, 95) / max(percentile(now.latencies_ms, 95), 1.0)
            print(f"event -> screen p95, threaded / async front: {ratio:.1f}x")
        print(f"screens connected, threaded / async front: {base.connected} / {now.connected}")
    table("push at wall scale: targets", ["figure", "value", "target", "result"], verdict_rows(verdicts))
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
