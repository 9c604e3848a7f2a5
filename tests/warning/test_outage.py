"""A lasting database outage: the early-warning worker retries with growing delays, says so once when it starts and
once when it ends, then evaluates as before. The outage is real: PostgreSQL behind a proxy that is cut and restored
(tests/support/servers.py); SQLite, a file not yet migrated (every query fails) that is migrated later."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from dash.testing.wait import until
from sqlalchemy import select

from dashboard.config import get_settings
from dashboard.data import db
from dashboard.data.db import session_scope
from dashboard.data.models import Alert, Base
from dashboard.data.redis_client import get_redis
from dashboard.warning.lease import Lease
from dashboard.warning.worker import WarningWorker
from tests.reliability.outages import database_proxy
from tests.warning.test_worker import dispute, push, setup_city


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    db.reset_caches()


@contextmanager
def database_down(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[[], None]]:
    """The worker's database, down until the returned function brings it back (with the tiny city in it)."""
    if get_settings().backend == "postgresql":
        setup_city()
        proxy, url = database_proxy()
        proxy.cut()
        use_database(monkeypatch, url)
        try:
            yield proxy.restore
        finally:
            proxy.stop()
        return
    use_database(monkeypatch, f"sqlite:///{tmp_path / 'not-migrated.db'}")

    def migrate() -> None:
        Base.metadata.create_all(db.get_engine())
        setup_city()

    yield migrate


def test_a_database_outage_is_retried_with_growing_delays_and_logged_once_per_change(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="dashboard.warning")
    with database_down(monkeypatch, tmp_path) as back:
        worker = WarningWorker(get_redis(), block_ms=50, backoff_first=0.05, backoff_cap=0.4)
        stop = threading.Event()
        thread = threading.Thread(target=worker.run, args=(stop, Lease(get_redis(), ttl_ms=600)), daemon=True)
        thread.start()
        try:
            until(lambda: worker.evaluation_backoff.failures >= 7, timeout=10)
            assert worker.evaluation_backoff.waits[:7] == [0.05, 0.1, 0.2, 0.4, 0.4, 0.4, 0.4]
            back()
            until(lambda: worker.rebuilds == 1, timeout=10)
            for n in range(3):
                push(dispute(n))
            until(lambda: worker.raised == 2, timeout=10)  # the grid's spike and the repeated disputes
        finally:
            stop.set()
            thread.join(timeout=10)
        with session_scope() as session:
            assert sorted(session.scalars(select(Alert.rule))) == ["grid_spike", "repeated_disputes"]
    lines = [record.getMessage() for record in caplog.records if record.name == "dashboard.warning"]
    failed = [line for line in lines if line.startswith("early-warning evaluation failed")]
    recovered = [line for line in lines if line.startswith("early-warning evaluation works again")]
    assert len(failed) == 1 and "OperationalError" in failed[0], lines
    assert len(recovered) == 1, lines
    assert sum(line.startswith("evaluating the stream") for line in lines) == 1, lines  # taken once, not per retry
