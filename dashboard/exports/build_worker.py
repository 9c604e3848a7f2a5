"""A build worker: `python -m dashboard.exports.build_worker [--burst]` builds the month's decks and PDFs queued by
the page (dashboard/exports/builds.py), one at a time, each in a process forked for it (RQ's Worker), on the
configured Redis. Each worker runs one build at a time, so the number of workers is the number of builds at once:
`make run` starts two. SIGTERM lets the running build finish; a second SIGTERM stops it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rq import Worker
from rq.serializers import JSONSerializer

import dashboard.exports.deck
import dashboard.exports.report_pdf  # noqa: F401  (both loaded once here: each build's fork starts with them)
from dashboard.data.redis_client import get_raw_redis
from dashboard.exports.builds import build_queue
from dashboard.logs import configure_logging


def build_worker() -> Worker:
    return Worker([build_queue()], connection=get_raw_redis(), serializer=JSONSerializer)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.exports.build_worker", description="Build the decks and PDFs the page queued."
    )
    parser.add_argument("--burst", action="store_true", help="build what is queued, then stop")
    args = parser.parse_args(argv)
    configure_logging()
    build_worker().work(burst=args.burst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
