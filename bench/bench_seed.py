"""How fast the history generator seeds: rows/s and seconds per table and overall, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.bench_seed [--profile default] [--today 2026-11-25]

SQLite runs in a temporary file; PostgreSQL (when a server answers at POSTGRES_URL) in a throwaway schema that is
dropped afterwards. Each database is first migrated (`alembic upgrade head`), as a real install is.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path
from uuid import uuid4

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from dashboard.config import get_settings
from dashboard.data import db
from dashboard.seed import SeedReport, seed_database

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def use_database(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    db.reset_caches()


def run(label: str, url: str, profile: str, today: date | None) -> SeedReport:
    use_database(url)
    db.upgrade_to_head(url)
    started = time.perf_counter()
    report = seed_database(profile, today=today, progress=False)
    wall = time.perf_counter() - started
    db.reset_caches()
    print(f"\n== {label}: {profile} profile, today {report.today}")
    print(f"{'table':<20}{'rows':>12}{'write s':>10}{'rows/s':>12}")
    for table, rows in report.rows.items():
        seconds = report.write_seconds.get(table, 0.0)
        print(f"{table:<20}{rows:>12,}{seconds:>10.2f}{rows / seconds if seconds else 0:>12,.0f}")
    print(f"{'phase':<20}{'seconds':>22}")
    for phase, seconds in report.seconds.items():
        print(f"{phase:<20}{seconds:>22.2f}")
    print(f"{'total':<20}{report.total_rows:>12,}{wall:>10.2f}{report.total_rows / wall:>12,.0f}")
    print("figures: " + ", ".join(f"{name} {value}" for name, value in report.figures.items()))
    return report


def postgres_reachable() -> bool:
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except OperationalError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_seed", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="default")
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default=None)
    args = parser.parse_args()
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory(prefix="bench-seed-") as folder:
            run("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", args.profile, args.today)
    if args.only == "sqlite":
        return
    if not postgres_reachable():
        print(f"\n== PostgreSQL: no server answers at {POSTGRES_URL}; skipped")
        return
    schema = f"bench_{uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        run("PostgreSQL", f"{POSTGRES_URL}?options=-csearch_path%3D{schema}", args.profile, args.today)
    finally:
        db.reset_caches()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
