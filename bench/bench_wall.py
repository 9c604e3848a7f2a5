"""The command wall's benchmarks, in headless Chromium against the app as production runs it. Prints each figure
beside the issue's target with PASS/MISS; asserts nothing; exits 0 unless the benchmark itself broke.

    .venv/bin/python -m bench.bench_wall [--seconds 60] [--minutes 60] [--rate 50] [--paint-runs 3] [--diagnose]
    .venv/bin/python -m bench.bench_wall --soak 60 [--rate 50]
    .venv/bin/python -m bench.bench_wall --paint-only [--paint-runs 3]

The app (bench/wall_stack.py): a redis-server of its own, a temp SQLite file with the tiny test city and a device
token, one `python -m dashboard.pipeline.consumer` and `gunicorn app:asgi -k asgi --workers 1` (32 threads for pages).
Reports go through the real ingest API, one event per POST (as a phone sends a report), `--rate` a second, the send
time in the summary (bench/wall_load.py). Phases, in order:

1. map first paint and bytes (bench/wall_paint.py) on a wall screen of 1920×1080 and of 3840×2160 (the command wall
   in wall mode), `--paint-runs` fresh profiles each: performance.now() in the animation frame that draws all
   7,369 cells (the cells' layer says so in that frame); the bytes fetched by then (navigation + Resource Timing
   transferSize), where the time goes, the largest resources and the Content-Encoding of each; then one profile
   loading the wall three times, as a screen reloaded (its cache and the scripts' compiled code kept);
2. event -> screen latency (bench/wall_latency.py), `--seconds` each: the push path (`/`), then the 1 s polling
   baseline (`/?push=off`), timed in the page by a MutationObserver on the feed; and the main thread's time per
   pushed report (CDP TaskDuration while reports arrive, less the page's own work per second measured before);
3. first paint again with a full push backlog (500 reports in the stream), as a wall screen reloaded by day, its
   bytes with the stream's backlog (read off a socket: Resource Timing omits an EventSource);
   with `--diagnose`, the browser's cost of one pushed report broken down by part;
4. bytes per live update (bench/wall_bytes.py), `--seconds`: /events frames read off a raw socket while reports
   flow; the wall's periodic `/_dash-update-component` responses (Resource Timing, and per callback from the CDP
   Network log); a first visit's push backlog; city-scale estimates of the periodic responses;
5. memory (bench/wall_memory.py), `--minutes` (0 skips it) with a wall page open: the gunicorn worker's RSS at
   start, after warm-up, at the end and its peak; the tab's renderer RSS and JS heap beside it.

`--soak MINUTES` runs only a browser soak instead: a 1920×1080 wall screen on its rotation through every page with
the county tour (`SOAK_PAGE`, 30 s a stop) while reports arrive at `--rate`; the renderer's memory and JS heap (and
the worker's) at the start, after warm-up (twice round the rotation: 5 minutes) and at the end.

`--paint-only` runs only what a first load costs: phase 1, phase 3 and the first-visit backlog of phase 4 (a few
minutes, for comparing two versions of the app run after run).

The figures are only as quiet as the machine: the load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from bench.wall_bytes import measure_backlog, measure_update_bytes, print_estimates
from bench.wall_latency import diagnose, measure_latency, print_latency
from bench.wall_load import Sender
from bench.wall_memory import measure_memory
from bench.wall_paint import SCREENS, measure_backlog_paint, measure_first_paint, measure_reloaded_paint
from bench.wall_report import Verdict, table, verdict_rows
from bench.wall_stack import Stack
from dashboard.pipeline.feed import FEED_LENGTH


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_wall", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="each latency phase and the bytes phase (60)")
    parser.add_argument("--minutes", type=float, default=60, help="the memory soak; 0 skips it (60)")
    parser.add_argument("--rate", type=float, default=50, help="reports per second (50)")
    parser.add_argument("--paint-runs", type=int, default=3, help="first-paint repeats, fresh profile each (3)")
    parser.add_argument("--diagnose", action="store_true", help="also break one update's browser cost down by part")
    parser.add_argument("--soak", type=float, default=0, help="only the wall screen's soak, this many minutes")
    parser.add_argument("--paint-only", action="store_true", help="only first paint, its bytes and the backlog")
    return parser.parse_args(argv)


SOAK_PAGE = "/?wall=1&pages=wall,trends,solve-rates,rental-housing,monthly&every=30&tour=counties"
SOAK_WARM_S = 2 * 5 * 30  # twice round the rotation (its five pages, the tour with it), then steady


def on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(143)  # unwinds through every `finally`: browsers and services are stopped


def run(args: argparse.Namespace, workdir: Path, stack: Stack) -> list[Verdict]:
    print(machine())
    stack.start()
    print(
        f"app at {stack.base_url}: gunicorn {stack.front} 1 worker x {stack.threads} threads, one consumer, {workdir}"
    )
    if args.soak > 0:
        soak = measure_memory(
            stack, workdir, minutes=args.soak, rate=args.rate, path=SOAK_PAGE, screen=SCREENS[0], warm_s=SOAK_WARM_S
        )
        print(f"\n{machine()}")
        return soak
    verdicts = [
        verdict for screen in SCREENS for verdict in measure_first_paint(stack, workdir, args.paint_runs, screen)
    ]
    verdicts += [
        verdict for screen in SCREENS for verdict in measure_reloaded_paint(stack, workdir, args.paint_runs, screen)
    ]
    if args.paint_only:
        Sender(stack.base_url, stack.token).run(
            "backlog", rate=args.rate, seconds=FEED_LENGTH / args.rate
        )  # a full backlog
        verdicts += measure_backlog_paint(stack, workdir, args.paint_runs)
        measure_backlog(stack)
        print(f"\n{machine()}")
        return verdicts
    push = measure_latency(stack, workdir, path="/", mode="push", seconds=args.seconds, rate=args.rate)
    poll = measure_latency(stack, workdir, path="/?push=off", mode="poll", seconds=args.seconds, rate=args.rate)
    verdicts += print_latency(push, poll)
    verdicts += measure_backlog_paint(stack, workdir, args.paint_runs)
    if args.diagnose:
        diagnose(stack, workdir, seconds=min(args.seconds, 15))
    verdicts += measure_update_bytes(stack, workdir, seconds=args.seconds, rate=args.rate)
    measure_backlog(stack)
    verdicts += print_estimates()
    if args.minutes > 0:
        verdicts += measure_memory(stack, workdir, minutes=args.minutes, rate=args.rate)
    else:
        verdicts.append(Verdict("worker RSS after the soak", "not run (--minutes 0)", "<= 300 MB", None))
    print(f"\n{machine()}")
    return verdicts


def machine() -> str:
    one, five, fifteen = os.getloadavg()
    return f"machine: {os.cpu_count()} CPUs, load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    with tempfile.TemporaryDirectory(prefix="bench-wall-") as tmp:
        workdir = Path(tmp)
        stack = Stack(workdir)
        try:
            verdicts = run(args, workdir, stack)
        except Exception:
            traceback.print_exc()
            for name in ("web", "consumer"):
                print(f"\n--- {name}.log (tail)\n{stack.log_tail(name)}", file=sys.stderr)
            return 1
        finally:
            stack.stop()
    table(
        "Summary (decimal units: 1 KB = 1,000 B, 1 MB = 10^6 B)",
        ["metric", "figure", "target", "result"],
        verdict_rows(verdicts),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
