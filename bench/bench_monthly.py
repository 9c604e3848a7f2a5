"""How long the whole monthly meeting deck takes: count the month, draw its charts, write the PPTX (target <= 20 s).

    .venv/bin/python -m bench.bench_monthly                                   # a small city seeded into var/
    .venv/bin/python -m bench.bench_monthly --url sqlite:///var/bench-drill-large.db --month 2026-10
    .venv/bin/python -m bench.bench_monthly --url 'postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dbench_drill_large'

Each run is what a background build does for the whole city (dashboard/exports/builds.py, build_month_file):
`month_pack` then `build_deck`, the charts drawn by the export browser (kept warm after the first run; the first
run, which starts it as each build's process does, is timed apart). Prints each part's p50/p95 over the runs and
the total against the target. With --url the database is only read (never migrated: it may be another run's);
without it a small city is seeded once into var/.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from datetime import date

from dashboard.config import get_settings
from dashboard.data import db
from dashboard.data.periods import CITY
from dashboard.exports.catalog import ExportRequest
from dashboard.exports.deck import build_deck
from dashboard.exports.monthly_charts import month_pack
from dashboard.monthly_url import city_today, default_month, month_param
from dashboard.seed import seed_database

TARGET_SECONDS = 20.0
SMALL = "sqlite:///var/bench-monthly-small.db"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def use_database(url: str, *, seed: bool) -> None:
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    db.reset_caches()
    if seed:  # our own file: migrated and seeded; a database given by --url is only read
        db.upgrade_to_head(url)
        report = seed_database("small", progress=True)
        print("small city:", report.message if report.seeded else "reused (already seeded)")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_monthly", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help=f"a seeded database (default: {SMALL}, seeded when empty)")
    parser.add_argument("--month", default=None, help="YYYY-MM (default: the last full month)")
    parser.add_argument("--area", default="", help="a county or township code (default: the whole city)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    use_database(args.url or SMALL, seed=args.url is None)
    month = args.month or month_param(default_month(city_today()))
    query = {"month": month, **({"area": args.area} if args.area else {})}
    request = ExportRequest(query, CITY, get_settings().language)

    started = time.perf_counter()
    pack = month_pack(request)
    first_pack = time.perf_counter() - started
    if pack.empty:
        print(f"{month}: {pack.empty_message()} (choose a month with data: --month)")
        return
    build_deck(pack)
    print(f"first run (starts the export browser): {time.perf_counter() - started:.2f} s ({first_pack:.2f} s counting)")

    counting, drawing, totals, size = [], [], [], 0
    for _ in range(args.runs):
        started = time.perf_counter()
        pack = month_pack(request)
        counted = time.perf_counter()
        body = build_deck(pack)
        finished = time.perf_counter()
        counting.append(counted - started)
        drawing.append(finished - counted)
        totals.append(finished - started)
        size = len(body)
    print(
        f"monthly deck, {month}, {query.get('area') or 'city'}, {args.runs} runs, {size / 1024:.0f} KB, "
        f"on {get_settings().database_url.split('?')[0]} ({date.today()})"
    )
    for label, values in (("count the month", counting), ("charts + PPTX", drawing), ("whole deck", totals)):
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        verdict = "" if label != "whole deck" else f"  (target <= {TARGET_SECONDS:.0f} s: "
        verdict += "" if label != "whole deck" else ("ok)" if p95 <= TARGET_SECONDS else "SLOW)")
        print(f"  {label:<18} p50 {p50:6.2f} s   p95 {p95:6.2f} s{verdict}")


if __name__ == "__main__":
    main()
