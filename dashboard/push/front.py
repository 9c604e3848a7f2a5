"""The async front of the web workers (ASGI, `gunicorn app:asgi --worker-class asgi`): `GET /events` streams from the
worker's event loop; every other request goes to the Flask app on a pool of `DASHBOARD_WEB_THREADS` threads.

An open push stream is a coroutine waiting on a queue (`hub`), so any number of wall screens can hold one while the
threads stay free for pages, callbacks, /healthz and the ingest API. A stream is admitted inside Flask's request
context, by the same `before_request` hooks as any other request (the login guard first), then `admission`: the
account's area, its cap of open streams and the stream's encoding (gzip, each write readable at once: `encoding`)."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, cast

from a2wsgi import WSGIMiddleware
from a2wsgi.wsgi import build_environ
from flask import Flask, Response

from dashboard.config import get_settings
from dashboard.data.redis_client import REDIS_DOWN, get_redis
from dashboard.push.admission import Admitted, admit, refusal
from dashboard.push.encoding import Encoder, encoder
from dashboard.push.encoding import headers as encoding_headers
from dashboard.push.frames import RETRY, stream_order
from dashboard.push.hub import END, Listener, PushHub
from dashboard.push.opening import opening
from dashboard.push.quota import TooManyStreams, give_back

log = logging.getLogger(__name__)
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]  # nginx: pass each frame on at once
JOIN_TIMEOUT_S = 5.0  # the worker's reader cannot reach Redis: end the response, the browser polls and retries


@dataclass(frozen=True)
class Answer:
    """A whole response, made in Flask's request context (a refusal, or a guard's 401)."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    @classmethod
    def of(cls, response: Response) -> Answer:
        headers = [(name.lower().encode("latin1"), value.encode("latin1")) for name, value in response.headers]
        return cls(response.status_code, headers, response.get_data())


class PushFront:
    """The ASGI application. One per worker process; its hub lives on the worker's event loop."""

    def __init__(self, server: Flask) -> None:
        self.server = server
        self.pages = WSGIMiddleware(cast(Any, server), workers=get_settings().web_threads)
        self._hub: PushHub | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http" and scope["path"] == "/events" and scope["method"] in ("GET", "HEAD"):
            await self._events(scope, receive, send)
        else:
            await self.pages(cast(Any, scope), cast(Any, receive), cast(Any, send))

    @property
    def hub(self) -> PushHub:
        if self._hub is None:
            self._hub = PushHub()
        return self._hub

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._hub is not None:
                    await self._hub.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _admit(self, environ: dict[str, Any]) -> Admitted | Answer:
        """In a thread: Flask's before_request hooks (the login guard), then the terms of the stream."""
        with self.server.request_context(environ):
            refused = self.server.preprocess_request()
            if refused is not None:
                return Answer.of(self.server.make_response(refused))
            try:
                return admit()
            except TooManyStreams as error:
                return Answer.of(refusal(error))
            except REDIS_DOWN:
                return Answer(200, HEADERS, RETRY.encode())  # nothing to stream: the browser polls, then retries

    async def _events(self, scope: Scope, receive: Receive, send: Send) -> None:
        environ = dict(build_environ(cast(Any, scope), cast(Any, io.BytesIO())))
        verdict = await asyncio.to_thread(self._admit, environ)
        if isinstance(verdict, Answer):
            await send({"type": "http.response.start", "status": verdict.status, "headers": verdict.headers})
            await send({"type": "http.response.body", "body": verdict.body})
            return
        try:
            await send({"type": "http.response.start", "status": 200, "headers": stream_headers(verdict.encoding)})
            if scope["method"] == "HEAD":
                await send({"type": "http.response.body", "body": b""})
                return
            await self._stream(verdict, receive, Body(send, encoder(verdict.encoding)))
        finally:
            with suppress(*REDIS_DOWN):
                await asyncio.to_thread(give_back, get_redis(), verdict.place)

    async def _stream(self, terms: Admitted, receive: Receive, body: Body) -> None:
        try:
            listener = await asyncio.wait_for(self.hub.join(terms.area, terms.place), JOIN_TIMEOUT_S)
        except TimeoutError:
            await body.end(RETRY.encode())
            return
        watcher = asyncio.create_task(watch_for_leaving(receive, listener))
        try:
            await body.write(RETRY.encode())
            try:
                opening = await asyncio.to_thread(catch_up, terms, listener)
            except REDIS_DOWN as error:
                log.warning("push stream ended: %s: %s", type(error).__name__, error)
                await body.end()
                return
            await body.write(opening.encode(), in_thread=True)  # a backlog takes a few ms to compress
            await relay(listener, body)
        finally:
            self.hub.leave(listener)
            watcher.cancel()


def stream_headers(encoding: str | None) -> list[tuple[bytes, bytes]]:
    return HEADERS + [(name.lower().encode(), value.encode()) for name, value in encoding_headers(encoding).items()]


@dataclass(frozen=True)
class Body:
    """A push stream's body as it goes out: each write through the stream's encoder (dashboard.push.encoding),
    whole, so the browser can read every event as soon as it is sent."""

    send: Send
    encoder: Encoder

    async def write(self, data: bytes, *, in_thread: bool = False) -> None:
        """`in_thread`: compress off the event loop (zlib lets go of the GIL while it works)."""
        chunk = await asyncio.to_thread(self.encoder.write, data) if in_thread else self.encoder.write(data)
        if chunk:
            await self.send({"type": "http.response.body", "body": chunk, "more_body": True})

    async def end(self, data: bytes = b"") -> None:
        await self.send({"type": "http.response.body", "body": self.encoder.end(data)})


def catch_up(terms: Admitted, listener: Listener) -> str:
    """In a thread, once the listener has joined: the opening frames from Redis. Marks what they cover, so the
    reader's copies of the same reports are not sent again."""
    text, covered = opening(terms)
    listener.after = stream_order(covered)
    return text


async def relay(listener: Listener, body: Body) -> None:
    """The listener's batches as they come, those waiting in one write; keep-alives come from the hub's ticker."""
    while True:
        batch = await listener.frames.get()
        texts = []
        while batch is not END:
            texts += [text for order, text in batch if order > listener.after or order == (0, 0)]
            if listener.frames.empty():
                break
            batch = listener.frames.get_nowait()
        if texts:
            await body.write(b"".join(texts))
        if batch is END:
            await body.end()
            return


async def watch_for_leaving(receive: Receive, listener: Listener) -> None:
    """The browser closed the connection (left the page): end its stream at once, not at the next write."""
    while (await receive())["type"] != "http.disconnect":
        pass
    listener.end()
