"""`python -m dashboard.seed`: seed the configured database (DATABASE_URL) with a calibrated history.

Exit status 0 when seeded or already seeded (nothing done), 2 for a bad argument (argparse names it), 1 when the
seed failed.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from dashboard.config import get_settings
from dashboard.logs import configure_logging
from dashboard.seed.profiles import PROFILES
from dashboard.seed.seeder import DEFAULT_SEED, SeedReport, city_today, seed_database

log = logging.getLogger("dashboard.seed")

EARLIEST_TODAY = date(2000, 1, 1)


def day(value: str) -> date:
    """An argparse type: a calendar date written YYYY-MM-DD."""
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {value!r}") from None
    if len(value) != 10:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {value!r}")
    return parsed


def seed_number(value: str) -> int:
    """An argparse type: a random seed, a whole number from 0."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {number}")
    return number


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(
        prog="python -m dashboard.seed",
        description="Seed the database (DATABASE_URL) with Taizhou's grids, registries and a calibrated history: "
        "the past three calendar years and the current year to date.",
    )
    command.add_argument(
        "--profile",
        choices=list(PROFILES),
        default="default",
        help="how much history: " + "; ".join(f"{p.name}: {p.description}" for p in PROFILES.values()),
    )
    command.add_argument(
        "--today",
        type=day,
        default=None,
        help="the last day of the history, YYYY-MM-DD (default: today in the city's time zone)",
    )
    command.add_argument(
        "--reset",
        action="store_true",
        help="empty the seeded tables first (else a database that already holds a city is left as it is)",
    )
    command.add_argument(
        "--seed",
        type=seed_number,
        default=DEFAULT_SEED,
        help=f"random seed: the same seed and day give the same rows (default {DEFAULT_SEED})",
    )
    command.add_argument("--quiet", action="store_true", help="no progress bars")
    return command


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    command = parser()
    args = command.parse_args(argv)
    if args.today is not None:
        current = city_today(get_settings().timezone)
        if args.today > current:
            command.error(
                f"argument --today: {args.today} is in the future (today is {current} in "
                f"{ZoneInfo(get_settings().timezone)})"
            )
        if args.today < EARLIEST_TODAY:
            command.error(f"argument --today: {args.today} is before {EARLIEST_TODAY}")
    return args


def describe(report: SeedReport) -> str:
    """The report as a few lines for the terminal."""
    if not report.seeded:
        return f"{report.message}\n"
    lines = [f"{report.message} ({report.profile} profile, today {report.today}, seed {report.seed}, {report.backend})"]
    lines += [f"  {name:<18} {count:>12,} rows" for name, count in report.rows.items()]
    lines += [f"  {phase:<18} {seconds:>12.1f} s" for phase, seconds in report.seconds.items()]
    lines += [f"  {name:<18} {value}" for name, value in report.figures.items()]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging()
    args = parse_args(argv)
    try:
        report = seed_database(
            args.profile, today=args.today, reset=args.reset, progress=not args.quiet, seed=args.seed
        )
    except Exception:
        log.exception("seeding failed; the database is as it was before")
        return 1
    sys.stdout.write(describe(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
