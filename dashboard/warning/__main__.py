"""`python -m dashboard.warning`: the early-warning worker (see worker.py); stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import threading
from types import FrameType

from dashboard.data.redis_client import get_redis
from dashboard.logs import configure_logging
from dashboard.warning.worker import WarningWorker


def main() -> int:
    configure_logging()
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    WarningWorker(get_redis()).run(stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
