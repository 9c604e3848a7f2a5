"""The push stream's gzip, as a browser's decoder reads it: every write readable in full the moment it arrives (a
report is never held back), a backlog at a fraction of its size, a live report at its own size and hardly more, and
the whole a valid gzip member; gzip only for a browser that accepts it."""

from __future__ import annotations

import gzip
import json
import zlib

import pytest
from werkzeug.http import parse_accept_header

from dashboard.push.encoding import Gzip, negotiate
from dashboard.push.frames import frame


def report(n: int) -> str:
    """A frame of one report, as the wall gets them (its words vary a little from one to the next)."""
    feature = {
        "type": "Feature",
        "id": f"4f1c{n:04d}-9a2b-4c1d-8e3f-2a6b7c8d{n:04d}",
        "geometry": {"type": "Point", "coordinates": [121.4 + n * 1e-3, 28.6 - n * 1e-3]},
        "properties": {"sid": f"1796577963359-{n}", "title": "消防隐患 · 电动车室内充电", "grid": "331082-005-0053",
                       "place": "邵家渡街道 · 331082-005-0053", "summary": f"{n}号楼楼道堆放杂物，存在消防隐患"},
    }  # fmt: skip
    return frame(feature["properties"]["sid"], feature)


def test_every_write_is_readable_as_it_arrives_and_the_whole_is_one_gzip_member():
    backlog = frame("1796577963359-499", [json.loads(report(n).split("data: ", 1)[1]) for n in range(500)], "backlog")
    writes = [b"retry: 2000\n\n", backlog.encode(), *(report(n).encode() for n in range(500, 520)), b": keep-alive\n\n"]
    writes.append("".join(report(n) for n in range(520, 560)).encode())  # a burst, or a reconnect's catch-up
    stream, reader, sent = Gzip(), zlib.decompressobj(16 + zlib.MAX_WBITS), []
    for text in writes:
        sent.append(stream.write(text))
        assert reader.decompress(sent[-1]) == text  # all of it, at once: nothing waits for the next write
    sent.append(stream.end())
    assert reader.decompress(sent[-1]) == b"" and reader.eof
    assert gzip.decompress(b"".join(sent)) == b"".join(writes)

    assert len(sent[1]) < len(writes[1]) / 5  # the backlog: 500 reports
    assert len(writes[2]) < len(sent[2]) <= len(writes[2]) + 5  # a live report: as it is, in a stored block
    assert len(sent[-2]) < len(writes[-1]) / 2  # the burst


@pytest.mark.parametrize("written", [[], [b""], [b"retry: 2000\n\n"]])
def test_a_stream_that_ends_early_is_still_a_whole_gzip_member(written):
    stream = Gzip()
    sent = b"".join(stream.write(text) for text in written) + stream.end()
    assert gzip.decompress(sent) == b"".join(written)


@pytest.mark.parametrize(
    ("accept_encoding", "encoding"),
    [("gzip, deflate, br, zstd", "gzip"), ("*", "gzip"), ("gzip;q=0, br", None), ("identity", None), ("", None)],
)
def test_gzip_only_for_a_browser_that_accepts_it(accept_encoding, encoding):
    assert negotiate(parse_accept_header(accept_encoding)) == encoding
