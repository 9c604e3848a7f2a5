"""The same 10,000 events sent again three times (a phone resending its backlog, a stream replayed): still 10,000
records, and every counter the pages read, in the rollups and in the live state, unchanged."""

from __future__ import annotations

from collections import Counter
from typing import Any

from dash import Dash

from dashboard.data.db import session_scope
from dashboard.data.redis_client import get_redis
from dashboard.data.rollups import rebuild_rollups
from dashboard.pipeline.consumer import StreamConsumer
from tests.reliability.traffic import (
    BATCH,
    burst,
    dead_letters,
    live_state,
    pending,
    records,
    rollup_rows,
    rollup_totals,
    stored_ids,
)
from tests.support.servers import chunks


def send(client: Any, token: str, events: list[dict[str, Any]]) -> None:
    for batch in chunks(events, BATCH):
        response = client.post("/api/v1/events", json=batch, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 202, response.json


def test_the_same_10000_events_replayed_three_times_leave_10000_records_and_every_counter_unchanged(
    dash_app: Dash, gateway: str
) -> None:
    client = dash_app.server.test_client()
    consumer = StreamConsumer(get_redis(), name="consumer", block_ms=10)
    consumer.ensure_group()
    events = burst(10_000)
    send(client, gateway, events)
    while consumer.poll_once():
        pass
    rollups, live, totals = rollup_rows(), live_state(), rollup_totals()
    assert records() == 10_000
    assert totals["reported"] + totals["found"] == 10_000 and totals["filed"] > 0
    assert sum(sum(grids.values()) for grids in live["incidents"].values()) == totals["reported"]

    for _ in range(3):
        send(client, gateway, events)
    while consumer.poll_once():
        pass
    assert get_redis().xlen(consumer.stream) == 40_000  # every copy went through the stream and the consumer
    assert stored_ids() == Counter(event["event_id"] for event in events)  # still one record per event
    assert rollup_rows() == rollups
    assert live_state() == live
    with session_scope() as session:
        rebuild_rollups(session.connection())
    assert rollup_rows() == rollups  # and what they hold is what the raw rows say
    assert (pending(), dead_letters()) == (0, [])
