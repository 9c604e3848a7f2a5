"""Fixtures the browser tests share."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from dashboard.data.redis_client import get_redis
from dashboard.pipeline.consumer import StreamConsumer


@pytest.fixture
def consumer() -> Iterator[StreamConsumer]:
    """A real stream consumer, in a thread, for the length of the test."""
    worker, stop = StreamConsumer(get_redis(), block_ms=100, retry_seconds=0.2), threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    yield worker
    stop.set()
    thread.join(10)
