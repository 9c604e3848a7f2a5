"""The push stream gzip'd when the browser accepts it, each write decodable the moment it arrives: a long write
deflated, a short one sent as it is.

What the compression is for is a first visit's backlog (500 reports, ~230 KB of JSON, sent at once before the wall's
first paint): deflated, it goes at a tenth to a sixth of its size. A live report (~500 B) gains little and would cost
much: compressing every write for every open screen held a compressor per stream (40-60 KB each) and took ~25 µs of
the event loop per write and screen, which at 200 screens and 50 reports a second doubled the push's p95 latency
(bench/bench_push.py). So a write of DEFLATE_FROM bytes or more (a backlog, a reconnect's catch-up, a burst) is
deflated on its own, history-free, and a shorter one goes in a deflate "stored" block, uncompressed (RFC 1951, 3.2.4);
both end on a byte boundary, not final, so any can follow. The stream keeps only the running CRC-32 and length for
the gzip trailer (RFC 1952). gzip, not brotli: browsers offer brotli only over HTTPS."""

from __future__ import annotations

import struct
import zlib
from typing import Protocol

from werkzeug.datastructures import Accept

GZIP = "gzip"
DEFLATE_FROM = 4096  # bytes: a handful of reports; at 50 a second a live write carries two or three (~1.5 KB)
LEVEL = 6
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # gzip member: deflate, no name, no time, OS unknown
LAST_BLOCK = b"\x01\x00\x00\xff\xff"  # an empty stored block, final
STORED_MAX = 0xFFFF  # bytes in one stored block


class Encoder(Protocol):
    def write(self, data: bytes) -> bytes:
        """`data` as it goes on the wire: all of it decodable at once by the browser."""

    def end(self, data: bytes = b"") -> bytes:
        """The last write: `data` and whatever closes the stream."""


class Identity:
    def write(self, data: bytes) -> bytes:
        return data

    def end(self, data: bytes = b"") -> bytes:
        return data


class Gzip:
    def __init__(self) -> None:
        self._crc = 0
        self._size = 0
        self._started = False

    def write(self, data: bytes) -> bytes:
        if not data:
            return b""
        head = b"" if self._started else HEADER
        self._started = True
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        return head + (deflated(data) if len(data) >= DEFLATE_FROM else stored(data))

    def end(self, data: bytes = b"") -> bytes:
        body = self.write(data)
        head = b"" if self._started else HEADER  # a stream that ends with nothing written is an empty gzip member
        return head + body + LAST_BLOCK + struct.pack("<II", self._crc, self._size & 0xFFFFFFFF)


def deflated(data: bytes) -> bytes:
    """Raw deflate blocks of `data` alone, sync-flushed: byte-aligned, not final."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def stored(data: bytes) -> bytes:
    """`data` in stored blocks: each a byte of header (not final, stored), its length and the length's complement."""
    parts = (data[start : start + STORED_MAX] for start in range(0, len(data), STORED_MAX))
    return b"".join(b"\x00" + struct.pack("<HH", len(part), len(part) ^ 0xFFFF) + part for part in parts)


def negotiate(accepted: Accept) -> str | None:
    """The Content-Encoding of the stream for a request's Accept-Encoding: gzip when it is accepted (also as `*`),
    else none."""
    return GZIP if accepted.quality(GZIP) > 0 else None


def encoder(encoding: str | None) -> Encoder:
    return Gzip() if encoding == GZIP else Identity()


def headers(encoding: str | None) -> dict[str, str]:
    """What the stream's response says of its encoding. Vary either way: the answer depends on Accept-Encoding."""
    return {"Vary": "Accept-Encoding", **({"Content-Encoding": encoding} if encoding else {})}
