"""kill -9 of Redis in the middle of a 10,000-event burst through the API (two gunicorn workers, one consumer),
then Redis restarted on its append-only file: every event the API answered 202 is stored exactly once."""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from typing import Any

from dashboard.config import get_settings
from dashboard.data.redis_client import get_redis
from tests.reliability.traffic import (
    BATCH,
    burst,
    dead_letters,
    drained,
    live_totals,
    pending,
    post,
    readers,
    records,
    rollup_totals,
    stored_ids,
)
from tests.support.servers import Launcher, RedisServer, chunks, until

SENDERS = 4


class Burst:
    """Batches of 500 posted by several senders; a batch not answered 202 is sent again (as the app does after
    Retry-After, here after 0.2 s) until every batch was accepted."""

    def __init__(self, base: str, token: str, events: list[dict[str, Any]], *, paused_from: int) -> None:
        self.base, self.token = base, token
        self.batches = list(chunks(events, BATCH))
        self.todo: queue.Queue[int] = queue.Queue()
        for number in range(len(self.batches)):
            self.todo.put(number)
        self.accepted: dict[str, str] = {}  # event id → stream id of a 202 answer
        self.done: set[int] = set()
        self.refused: Counter[int] = Counter()  # status of each answer that was not 202 (0: no answer)
        self.lock = threading.Lock()
        self.paused_from = paused_from  # batches from this one on wait for `go`
        self.go = threading.Event()
        self.threads = [threading.Thread(target=self.send, daemon=True) for _ in range(SENDERS)]  # phones at once

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finished(self) -> bool:
        with self.lock:
            return len(self.done) == len(self.batches)

    def send(self) -> None:
        while not self.finished():
            try:
                number = self.todo.get(timeout=0.1)
            except queue.Empty:
                continue
            if number >= self.paused_from:
                self.go.wait()
            status, answer = post(self.base, self.token, self.batches[number])
            with self.lock:
                if status == 202:
                    self.accepted.update((item["event_id"], item["stream_id"]) for item in answer["accepted"])
                    self.done.add(number)
                else:
                    self.refused[status] += 1
            if status != 202:
                time.sleep(0.2)  # the API said Retry-After: 5; the test has no time to lose
                self.todo.put(number)

    def accepted_now(self) -> dict[str, str]:
        with self.lock:
            return dict(self.accepted)


def test_every_event_answered_202_is_stored_once_after_redis_is_killed_mid_burst(
    redis_server: RedisServer, launcher: Launcher, gateway: str
) -> None:
    _, base = launcher.web(workers=2)
    consumer = launcher.consumer("c1", "--reclaim-idle-ms", "2000")
    until(lambda: readers() == 1, timeout=60, message=lambda: f"consumer not reading: {consumer.log()}")
    events = burst(10_000)
    sending = Burst(base, gateway, events, paused_from=12)  # the last 8 batches of 500 wait for the moment of the kill
    sending.start()
    # Kill it mid-burst: the API taking batches, the consumer in the middle of storing them.
    until(
        lambda: len(sending.accepted_now()) >= 3_000 and records() >= 500,
        timeout=120,
        message=lambda: f"{len(sending.accepted_now())} accepted, {records()} stored: {consumer.log()[-3000:]}",
    )

    sending.go.set()  # the last batches go out, and Redis dies under them
    redis_server.stop(kill=True)
    answered_before_kill = sending.accepted_now()
    until(lambda: sending.refused, timeout=60, message="no request failed while Redis was down")
    redis_server.start()  # on the same directory: it loads the append-only file

    until(sending.finished, timeout=180, message=lambda: f"not every batch accepted: {sending.refused}")
    until(
        lambda: records() == 10_000 and drained(),
        timeout=180,
        message=lambda: f"{records()} stored, {pending()} pending; consumer: {consumer.log()[-3000:]}",
    )
    in_stream = {stream_id for stream_id, _ in get_redis().xrange(get_settings().event_stream)}
    assert set(answered_before_kill.values()) <= in_stream  # what was answered 202 survived the kill
    assert set(sending.refused) == {503}  # Redis down: "retry later", never an error page or a dropped connection
    assert set(sending.accepted) == {event["event_id"] for event in events}
    assert stored_ids() == Counter(sending.accepted.keys())  # every accepted event stored, each exactly once
    totals = rollup_totals()
    assert totals["reported"] + totals["found"] == 10_000  # and counted once in the daily rollups
    assert live_totals() == {"incidents": totals["reported"], "open_hazards": totals["found"]}  # and on the wall
    assert dead_letters() == []
    assert consumer.running()
