"""Every reliability test gets its own redis-server (append-only, fsync always) that it may kill and restart, on
top of the database the suite's conftest gives it (and its `token`: the tiny city, a worker, a device token);
processes it starts are stopped when it ends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.data.redis_client import reset_redis
from tests.conftest import reset_cached
from tests.support.servers import Launcher, RedisServer


@pytest.fixture(autouse=True)
def redis_server(isolated: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    monkeypatch.setenv("REDIS_URL", server.url)
    reset_cached()
    yield server
    reset_redis()
    server.stop(kill=True)  # a throwaway: no clean shutdown needed


@pytest.fixture
def launcher(redis_server: RedisServer, tmp_path: Path) -> Iterator[Launcher]:
    started = Launcher(tmp_path)
    yield started
    started.stop_all()
