"""One Redis reader per web worker, fanning new reports out to every push stream the worker holds open.

The reader runs on the worker's event loop: one blocking XREAD at a time, whatever the number of streams, and each
report is parsed, masked and framed once. A stream is a `Listener`: a queue of frames of its area. A listener that
falls too far behind (a browser that stopped reading) is ended; its browser reconnects with Last-Event-ID and
resumes from Redis. When Redis goes away every listener is ended the same way, and the reader starts again."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, cast

from redis.asyncio import Redis as AsyncRedis

from dashboard.access.scope import in_area
from dashboard.config import get_settings
from dashboard.data.periods import Area
from dashboard.data.redis_client import REDIS_DOWN, get_redis
from dashboard.pipeline.feed import features
from dashboard.pipeline.streams import Entry, as_entries
from dashboard.push.frames import BLOCK_MS, KEEP_ALIVE, frame, stream_order
from dashboard.push.quota import Place, renew

log = logging.getLogger(__name__)
BEHIND_LIMIT = 500  # batches a listener may have waiting; past that its browser is not reading: end it
RESTART_S = 1.0  # after Redis went away, the reader tries again this often
GATHER_S = 0.05  # after a batch, the next XREAD waits this long, so reports gather into fewer writes
END = None  # put on a listener's queue: its stream ends (the browser reconnects)
Frame = tuple[tuple[int, int], bytes]  # (stream id as a sortable pair, the frame as sent)
KEEP_ALIVE_FRAME: list[Frame] = [((0, 0), KEEP_ALIVE.encode())]  # sent whatever `after` says


@dataclass(eq=False)
class Listener:
    """One open push stream: batches of frames of its area that it has yet to send."""

    area: Area
    place: Place | None = None  # its place in the account's quota, renewed while it listens
    after: tuple[int, int] = (0, 0)  # reports up to this stream id were sent from Redis directly: not again
    frames: asyncio.Queue[list[Frame] | None] = field(default_factory=lambda: asyncio.Queue(BEHIND_LIMIT))

    def offer(self, batch: list[Frame]) -> None:
        try:
            self.frames.put_nowait(batch)
        except asyncio.QueueFull:
            self.end()

    def end(self) -> None:
        while not self.frames.empty():  # make room for END, and drop what it could not keep up with
            self.frames.get_nowait()
        self.frames.put_nowait(END)


class PushHub:
    """The listeners of this worker, and the reader that feeds them. Created and used on one event loop."""

    def __init__(self) -> None:
        self.listeners: set[Listener] = set()
        self._ready = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self._ticker: asyncio.Task[None] | None = None

    async def join(self, area: Area, place: Place | None = None) -> Listener:
        """A listener that gets every report of `area` appended after the reader's start: so a stream reads its
        backlog or its resume from Redis only after joining, and nothing falls in between."""
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read_forever(), name="push-reader")
            self._ticker = asyncio.create_task(self._tick_forever(), name="push-ticker")
        await self._ready.wait()  # the caller bounds the wait: a reader without Redis is never ready
        listener = Listener(area, place)
        self.listeners.add(listener)
        return listener

    def leave(self, listener: Listener) -> None:
        self.listeners.discard(listener)

    async def close(self) -> None:
        """End every stream and stop reading (the worker is stopping)."""
        for listener in self.listeners:
            listener.end()
        for task in (self._reader, self._ticker):
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task

    async def _read_forever(self) -> None:
        while True:
            try:
                await self._read()
            except REDIS_DOWN as error:
                log.warning("push reader: Redis unreachable (%s: %s)", type(error).__name__, error)
            except Exception:  # a bug must not leave streams open that nothing feeds any more
                log.exception("push reader failed")
            self._ready.clear()
            for listener in self.listeners:  # their browsers reconnect, and resume from Redis
                listener.end()
            await asyncio.sleep(RESTART_S)

    async def _read(self) -> None:
        settings = get_settings()
        client = AsyncRedis.from_url(
            settings.effective_redis_url,
            decode_responses=True,
            socket_connect_timeout=2,
            socket_timeout=BLOCK_MS / 1000 + 5,  # longer than the blocking read
        )
        try:
            newest = cast(list[Any], await client.xrevrange(settings.event_stream, count=1))
            last_id = newest[0][0] if newest else "0-0"
            self._ready.set()
            while True:
                reply = cast(list[Any], await client.xread({settings.event_stream: last_id}, block=BLOCK_MS, count=500))
                entries = as_entries(reply[0][1]) if reply else []
                if entries:
                    last_id = entries[-1][0]
                    self._deliver(entries)
                    # Reports that come within GATHER_S go out together: at 50 a second, a few per write to each
                    # screen instead of one per write (a tenth of the event loop's work); a lone report is not held.
                    await asyncio.sleep(GATHER_S)
        finally:
            await client.aclose()

    def _deliver(self, entries: list[Entry]) -> None:
        """Each report framed once; each area's frames gathered once; one queue item per listener and batch (under
        load a batch grows, so the cost per report falls)."""
        if not self.listeners:
            return
        made = [
            (feature["properties"]["grid"], (stream_order(feature["properties"]["sid"]), frame_bytes(feature)))
            for feature in features(entries, get_settings().language)
        ]
        by_area: dict[Area, list[Frame]] = {}
        for listener in list(self.listeners):
            if listener.area not in by_area:
                by_area[listener.area] = [framed for grid, framed in made if in_area(listener.area, grid)]
            if batch := by_area[listener.area]:
                listener.offer(batch)

    async def _tick_forever(self) -> None:
        """Every BLOCK_MS: a keep-alive down every stream (lets proxies, and dead clients, be noticed), and every
        open stream's place in its account's quota renewed, in one round trip for all."""
        while True:
            await asyncio.sleep(BLOCK_MS / 1000)
            for listener in list(self.listeners):
                listener.offer(KEEP_ALIVE_FRAME)
            places = [listener.place for listener in self.listeners if listener.place is not None]
            if places:
                try:
                    await asyncio.to_thread(renew, get_redis(), places)
                except REDIS_DOWN as error:
                    log.warning("push: could not renew stream leases: %s", error)


def frame_bytes(feature: dict[str, Any]) -> bytes:
    return frame(feature["properties"]["sid"], feature).encode()
