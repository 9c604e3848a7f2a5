"""How fast a record import runs: the sample city's incidents CSV (GBK, GCJ-02, quoted line breaks) with ~200k rows,
read, checked, located in its grids, written and the rollups rebuilt, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.bench_import [--rows 200000] [--postgres URL | --no-postgres]

Each database is fresh (a SQLite file in a temporary folder; a schema of its own on PostgreSQL, dropped after).
Printed: seconds per phase and rows per second over the whole import; then a re-import of the same file (which
inserts nothing). Target: at least 50,000 rows/s on SQLite.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, text

from dashboard.config import get_settings
from dashboard.data import db
from dashboard.data.models import Base
from dashboard.importing.grids import import_grids, read_features
from dashboard.importing.mapping import RecordMapping, load_grid_mapping, load_record_mapping
from dashboard.importing.readers import read_parts
from dashboard.importing.record_import import import_records
from dashboard.importing.report import ImportReport
from dashboard.importing.sample import write_sample

TARGET = 50_000
T = TypeVar("T")
SCHEMA = "bench_import"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class Phases:
    """Wall-clock and this process's CPU seconds per phase (the CPU time shows the work when the machine is busy)."""

    def __init__(self) -> None:
        self.phases: dict[str, tuple[float, float]] = {}
        self.current: tuple[str, float, float] | None = None

    def start(self, name: str) -> None:
        self.stop()
        self.current = (name, time.perf_counter(), time.process_time())

    def stop(self) -> None:
        if self.current is not None:
            name, wall, cpu = self.current
            self.phases[name] = (time.perf_counter() - wall, time.process_time() - cpu)
            self.current = None

    def run(self, name: str, step: Callable[[], T]) -> T:
        self.start(name)
        result = step()
        self.stop()
        return result

    def total(self) -> tuple[float, float]:
        return sum(wall for wall, _ in self.phases.values()), sum(cpu for _, cpu in self.phases.values())


def load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def use(url: str, var_dir: Path) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DASHBOARD_VAR_DIR"] = str(var_dir)
    get_settings.cache_clear()
    db.reset_caches()


def timed_import(engine: Engine, mapping: RecordMapping, path: Path) -> tuple[Phases, int, int]:
    """`import_records` timed phase by phase: (the phases, rows in the file, rows inserted)."""
    clock = Phases()
    parts = clock.run("decode (GBK CSV)", lambda: read_parts(path, encoding=mapping.encoding))
    report = ImportReport(file=path.name, what="incidents", dry_run=False)
    import_records(engine, parts, mapping, report, dry_run=False, show_progress=False, phase=clock.start)
    clock.stop()
    assert report.ok, report.render()
    return clock, report.total, report.written


def run(label: str, url: str, sample: Path, var_dir: Path) -> None:
    use(url, var_dir)
    engine = db.get_engine()
    Base.metadata.create_all(engine)
    grids = ImportReport(file="grids.geojson", what="grids")
    import_grids(engine, read_features(sample / "grids.geojson", grids), load_grid_mapping(sample / "grids.yaml"),
                 grids, dry_run=False, replace=True)  # fmt: skip
    mapping = load_record_mapping(sample / "incidents.yaml")
    for attempt in ("import", "re-import"):
        clock, rows, inserted = timed_import(engine, mapping, sample / "incidents.csv")
        wall, cpu = clock.total()
        rate, cpu_rate = rows / wall, rows / cpu
        verdict = f"(target {TARGET:,} rows/s: {'ok' if rate >= TARGET else 'SLOW'})" if label == "SQLite" else ""
        print(f"{label} {attempt}: {rows:,} rows, {inserted:,} inserted: {wall:.2f} s, {rate:,.0f} rows/s {verdict}")
        print(f"  (this process's CPU: {cpu:.2f} s, {cpu_rate:,.0f} rows per CPU-second; load average {load()})")
        for phase, (seconds, cpu_seconds) in clock.phases.items():
            print(f"  {phase:<26} {seconds:7.2f} s  (CPU {cpu_seconds:6.2f} s)")
    db.reset_caches()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_import", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--postgres", default=POSTGRES_URL)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        write_sample(root / "sample", rows=args.rows)
        size = (root / "sample" / "incidents.csv").stat().st_size
        print(
            f"sample: {args.rows:,} incidents, {size / 1e6:.1f} MB of GBK CSV ({time.perf_counter() - started:.1f} s)"
        )
        run("SQLite", f"sqlite:///{root / 'bench.db'}", root / "sample", root / "var-sqlite")
        if args.no_postgres:
            return
        admin = create_engine(args.postgres)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        separator = "&" if "?" in args.postgres else "?"
        try:
            run(
                "PostgreSQL",
                f"{args.postgres}{separator}options=-csearch_path%3D{SCHEMA}",
                root / "sample",
                root / "var-pg",
            )
        finally:
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            admin.dispose()


if __name__ == "__main__":
    main()
