"""After a Redis restart the consumer group's lag (XINFO GROUPS, what an operator watches) is true again as
soon as a consumer reconnects: 0 when everything was delivered, not an old value or none at all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.config import get_settings
from dashboard.data.redis_client import get_redis, reset_redis
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.streams import append_events
from tests.conftest import reset_cached
from tests.support.events import incident_reported
from tests.support.servers import RedisServer


@pytest.fixture
def redis_server(token: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisServer]:
    """A redis-server of this test's own (append-only, fsync always), which it may kill and start again."""
    server = RedisServer(tmp_path / "redis").start()
    monkeypatch.setenv("REDIS_URL", server.url)
    reset_cached()
    yield server
    reset_redis()
    server.stop(kill=True)


def group_lag() -> object:
    settings = get_settings()
    [group] = [g for g in get_redis().xinfo_groups(settings.event_stream) if g["name"] == settings.consumer_group]
    return group["lag"]


def test_the_lag_is_true_again_after_a_redis_restart(redis_server):
    consumer = StreamConsumer(get_redis(), name="lag", block_ms=10, batch_size=4)
    consumer.ensure_group()
    append_events(get_redis(), [parse_event(incident_reported()) for _ in range(10)])
    consumer.poll_once()
    assert group_lag() == 6
    redis_server.stop(kill=True)
    redis_server.start()
    reset_redis()
    consumer = StreamConsumer(get_redis(), name="lag", block_ms=10, batch_size=4)
    consumer.ensure_group()  # what a consumer does when it (re)connects
    assert group_lag() == 6
    while consumer.poll_once():
        pass
    assert group_lag() == 0 and consumer.stored == 6
    redis_server.stop(kill=True)  # everything delivered, then a restart: the lag stays 0
    redis_server.start()
    reset_redis()
    StreamConsumer(get_redis(), name="lag", block_ms=10).ensure_group()
    assert group_lag() == 0
