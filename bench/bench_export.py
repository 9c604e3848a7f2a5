"""Chart exports: how long one chart's PNG takes, from the page's query to the file's bytes, as the export
route does it (the catalog's builder: queries and figure; then the meeting layout, drawn by the warm browser).

    .venv/bin/python -m bench.bench_export [--url DATABASE_URL] [--profile small] [--exports 20]

The database: `--url` as it is when it holds a city; else it is seeded with the profile first (default: the small
profile in var/bench-export-small.db, kept, so the next run starts at once). The first export starts the browser:
its time is printed on its own and left out of the figures, as a web worker pays it once. Then `--exports` PNGs of
the drill-down charts in turn (every chart of /trends, /solve-rates and /rental-housing; the city, a county and
the year or last month), each timed end to end. Prints p50/p95/max against the target: p95 <= 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from itertools import cycle

from sqlalchemy import select

from dashboard.config import get_settings
from dashboard.data import db
from dashboard.data.models import County
from dashboard.data.periods import CITY
from dashboard.exports import drill_charts  # noqa: F401  (registers the charts)
from dashboard.exports.catalog import CATALOG, ExportRequest, exportable
from dashboard.exports.images import RENDERER, figure_png
from dashboard.seed import seed_database

TARGET_P95 = 2.0
CHARTS = [name for name in sorted(CATALOG) if name.split(".")[0] in ("trends", "solve", "rental")]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]  # nearest rank


def export_png(name: str, query: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    content = exportable(name).build(ExportRequest(query=query, scope=CITY, lang=get_settings().language))
    body = b"" if content.figure is None or content.is_empty else figure_png(content, get_settings().language)
    return time.perf_counter() - started, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="")
    parser.add_argument("--profile", default="small")
    parser.add_argument("--exports", type=int, default=20)
    args = parser.parse_args()
    url = args.url or f"sqlite:///var/bench-export-{args.profile}.db"
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    db.reset_caches()
    print(seed_database(args.profile, progress=True).message)
    with db.session_scope() as session:
        county = session.scalar(select(County.code).order_by(County.code).limit(1))
    images = [name for name in CHARTS if not name.endswith((".records", ".houses", ".summary"))]  # charts only
    queries = [{}, {"area": str(county)}, {"period": "12m"}, {"period": "12m", "area": str(county)}]
    cold, size = export_png(images[0], queries[0])
    print(f"{url.split('?')[0]}: {len(images)} charts; first export (starts the browser): {cold:.2f} s, {size} bytes")
    times: list[float] = []
    plan = zip(range(args.exports), cycle([(name, query) for query in queries for name in images]), strict=False)
    for _, (name, query) in plan:
        seconds, size = export_png(name, query)
        times.append(seconds)
        print(f"  {name:<16} {query!s:<40} {seconds * 1000:8.0f} ms  {size / 1024:7.0f} KB")
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    verdict = "ok" if p95 <= TARGET_P95 else "SLOW"
    print(f"PNG export over {len(times)} exports: p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(times):.2f} s")
    print(f"target p95 <= {TARGET_P95:.0f} s: {verdict}")
    RENDERER.close()


if __name__ == "__main__":
    main()
