"""Traffic for the wall benchmark: reports POSTed through the real ingest API at a fixed rate, one event per request
(as a phone sends a report the moment it is made), the send time in the summary; and a raw HTTP reader of the
/events push stream that counts the bytes of every frame as they come off the socket."""

from __future__ import annotations

import json
import socket
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.support.events import hazard_reported, incident_reported
from tests.support.factories import GRIDS

SENDERS = 16  # concurrent requests at most; at 50 events/s a request normally finishes before the next is due


def report(tag: str, seq: int, sent_ms: int) -> dict[str, object]:
    """A valid incident or (every fourth) hazard report in one of the tiny city's grids."""
    summary = f"wallbench {tag} {seq} {sent_ms}"
    grid = list(GRIDS)[seq % len(GRIDS)]
    if seq % 4 == 3:
        return hazard_reported(grid_code=grid, summary=summary)
    return incident_reported(grid_code=grid, summary=summary)


@dataclass
class Sending:
    """What a run sent: per request, the sequence number, the send time and the API's round trip."""

    rate: float
    seconds: float = 0.0
    sent: dict[int, int] = field(default_factory=dict)  # seq -> send time, ms since the epoch (accepted only)
    round_trips_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    late_ms: float = 0.0  # how far behind its schedule a request went out, at worst

    @property
    def achieved_rate(self) -> float:
        return len(self.sent) / self.seconds if self.seconds else 0.0


class Sender:
    def __init__(self, base_url: str, token: str) -> None:
        self.url = f"{base_url}/api/v1/events"
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.local = threading.local()
        self.lock = threading.Lock()

    def session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()  # keep-alive, one connection per sending thread
        return self.local.session  # type: ignore[no-any-return]

    def post_one(self, tag: str, seq: int, sending: Sending) -> None:
        sent_ms = int(time.time() * 1000)
        body = json.dumps(report(tag, seq, sent_ms), ensure_ascii=False).encode()
        started = time.perf_counter()
        try:
            status = self.session().post(self.url, data=body, headers=self.headers, timeout=30).status_code
        except requests.RequestException as error:
            status, reason = 0, type(error).__name__
        else:
            reason = f"HTTP {status}"
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            if status == 202:
                sending.sent[seq] = sent_ms
                sending.round_trips_ms.append(elapsed)
            else:
                sending.failures.append(reason)

    def run(self, tag: str, *, rate: float, seconds: float, stop: threading.Event | None = None) -> Sending:
        """POST `rate` reports a second for `seconds` (or until `stop` is set); returns when every request ended."""
        sending = Sending(rate)
        total = int(rate * seconds)
        started = time.monotonic()
        with ThreadPoolExecutor(SENDERS, thread_name_prefix="sender") as pool:
            for seq in range(total):
                due = started + seq / rate
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                sending.late_ms = max(sending.late_ms, -delay * 1000)
                if stop is not None and stop.is_set():
                    break
                pool.submit(self.post_one, tag, seq, sending)
        sending.seconds = time.monotonic() - started
        return sending


@dataclass
class Frame:
    kind: str  # data | keep-alive | retry
    wire_bytes: int  # the frame as it crossed the socket, with its chunked-encoding framing
    payload_bytes: int  # as the server wrote it (compressed, when the stream is)
    text_bytes: int  # the server-sent events text it decodes to


class StreamTap(threading.Thread):
    """GET /events over a plain socket (HTTP/1.1, the browser's Accept-Encoding), from `last_id` on (or the
    first-visit backlog when None), recording every frame until `stop()`. A gzip stream is decoded as it comes, each
    frame's bytes on the wire kept beside the text it carries."""

    def __init__(self, host: str, port: int, last_id: str | None, cookie: str) -> None:
        super().__init__(daemon=True, name="sse-tap")
        self.host, self.port, self.last_id, self.cookie = host, port, last_id, cookie
        self.frames: list[Frame] = []
        self.headers: dict[str, str] = {}
        self.header_bytes = 0
        self.last_byte_at = time.monotonic()
        self.stopping = threading.Event()
        self.error: str | None = None
        self.decoder: Any = None  # a zlib decompressor, on a gzip stream

    def request(self) -> bytes:
        lines = [
            "GET /events HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Accept: text/event-stream",
            "Accept-Encoding: gzip, deflate, br, zstd",
            "Cache-Control: no-cache",
            f"Cookie: {self.cookie}",  # logged in, as the wall screen's browser is
        ]
        if self.last_id:
            lines.append(f"Last-Event-ID: {self.last_id}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def run(self) -> None:
        try:
            with socket.create_connection((self.host, self.port), timeout=5) as sock:
                sock.sendall(self.request())
                sock.settimeout(0.2)
                self.read(sock)
        except OSError as error:
            self.error = f"{type(error).__name__}: {error}"

    def read(self, sock: socket.socket) -> None:
        buffer = b""
        while not self.stopping.is_set():
            try:
                data = sock.recv(65536)
            except TimeoutError:
                continue
            if not data:
                return
            self.last_byte_at = time.monotonic()
            buffer += data
            if not self.headers:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    continue
                self.header_bytes = end + 4
                head, buffer = buffer[:end].decode("latin-1"), buffer[end + 4 :]
                for line in head.split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    self.headers[name.strip().lower()] = value.strip()
                if self.headers.get("content-encoding") == "gzip":
                    self.decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
            chunked = "chunked" in self.headers.get("transfer-encoding", "")
            buffer = self.take_chunks(buffer) if chunked else self.take_events(buffer)

    def take_chunks(self, buffer: bytes) -> bytes:
        """Chunked transfer encoding: `<hex size>\\r\\n<payload>\\r\\n`; gunicorn writes each frame as one chunk."""
        while True:
            line_end = buffer.find(b"\r\n")
            if line_end < 0:
                return buffer
            size = int(buffer[:line_end].split(b";")[0], 16)
            end = line_end + 2 + size + 2
            if len(buffer) < end:
                return buffer
            payload = buffer[line_end + 2 : line_end + 2 + size]
            if size:
                text = self.decoder.decompress(payload) if self.decoder else payload
                self.frames.append(Frame(kind_of(text), end, size, len(text)))
            buffer = buffer[end:]

    def take_events(self, buffer: bytes) -> bytes:
        """A response without chunked encoding: frames end with a blank line (read as they come, when gzip'd)."""
        if self.decoder:
            text = self.decoder.decompress(buffer)
            if text:
                self.frames.append(Frame(kind_of(text), len(buffer), len(buffer), len(text)))
            return b""
        while (end := buffer.find(b"\n\n")) >= 0:
            payload, buffer = buffer[: end + 2], buffer[end + 2 :]
            self.frames.append(Frame(kind_of(payload), len(payload), len(payload), len(payload)))
        return buffer

    def stop(self) -> None:
        self.stopping.set()
        self.join(5)

    def data_frames(self) -> list[Frame]:
        return [frame for frame in self.frames if frame.kind == "data"]


def kind_of(payload: bytes) -> str:
    if b"data:" in payload:
        return "data"
    return "retry" if payload.startswith(b"retry:") else "keep-alive"
