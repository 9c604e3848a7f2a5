"""The push stream (/events) on the real Redis: a first visit's backlog in one frame, newest first; a reconnect with
Last-Event-ID resumes after it; the stream ends quietly when the browser leaves or the Redis client is closed; gzip'd
for a browser that accepts it, each frame readable as soon as it is written."""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Iterator

from dashboard.config import get_settings
from dashboard.data.redis_client import get_redis, reset_redis
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.streams import append_events
from tests.support.accounts import signed_in_client
from tests.support.events import incident_reported, patrol_started


def add_reports(count: int) -> list[str]:
    """`count` reports in the stream, with a patrol between each (the push stream skips those); summaries in order."""
    summaries = [f"report {n}" for n in range(count)]
    events = [event for summary in summaries for event in (incident_reported(summary=summary), patrol_started())]
    append_events(get_redis(), [parse_event(event) for event in events])
    return summaries


def frames(chunks: Iterator[bytes], count: int) -> list[dict[str, str]]:
    """The next `count` frames that carry data, as {field: value}."""
    found = []
    while len(found) < count:
        text = next(chunks).decode()
        fields = dict(line.split(": ", 1) for line in text.strip().splitlines() if not line.startswith(":"))
        if "data" in fields:
            found.append(fields)
    return found


def test_a_first_visit_gets_the_newest_reports_in_one_frame_newest_first(dash_app):
    summaries = add_reports(30)
    response = signed_in_client(dash_app).get("/events", buffered=False)
    chunks = iter(response.response)
    [backlog] = frames(chunks, 1)
    reports = json.loads(backlog["data"])
    assert backlog["event"] == "backlog"
    assert [report["properties"]["summary"] for report in reports] == summaries[::-1]
    newest_entry = get_redis().xrevrange(get_settings().event_stream, count=1)[0][0]
    assert backlog["id"] == newest_entry  # a reconnect resumes after everything the backlog was read from
    append_events(get_redis(), [parse_event(incident_reported(summary="after the backlog"))])
    [pushed] = frames(chunks, 1)
    assert "event" not in pushed and json.loads(pushed["data"])["properties"]["summary"] == "after the backlog"
    response.close()  # the browser leaves: the stream ends without an error


def test_a_reconnect_gets_only_what_came_after_its_last_event_id(dash_app):
    add_reports(3)
    first = signed_in_client(dash_app).get("/events", buffered=False)
    [backlog] = frames(iter(first.response), 1)
    first.close()
    append_events(get_redis(), [parse_event(incident_reported(summary="while away"))])
    again = signed_in_client(dash_app).get("/events", headers={"Last-Event-ID": backlog["id"]}, buffered=False)
    [pushed] = frames(iter(again.response), 1)
    assert "event" not in pushed and json.loads(pushed["data"])["properties"]["summary"] == "while away"
    again.close()


def test_the_stream_ends_quietly_when_its_redis_client_is_closed(dash_app, caplog):
    add_reports(1)
    response = signed_in_client(dash_app).get("/events", buffered=False)
    chunks = iter(response.response)
    frames(chunks, 1)
    closing = threading.Timer(0.5, reset_redis)  # closes the client this process's push streams read with
    closing.start()
    assert list(chunks) == []  # it was waiting in XREAD for new reports; now the response ends, with no error
    closing.join()
    assert "push stream ended" in caplog.text


def test_a_browser_that_accepts_gzip_gets_the_stream_gzipd_each_frame_readable_as_it_comes(dash_app):
    summaries = add_reports(30)
    client = signed_in_client(dash_app)
    response = client.get("/events", headers={"Accept-Encoding": "gzip, deflate, br, zstd"}, buffered=False)
    assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.vary
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    chunks = iter(response.response)
    texts = (decoder.decompress(chunk) for chunk in chunks)  # each written chunk decodes whole: nothing held back
    assert next(texts) == b"retry: 2000\n\n"
    backlog_chunk = next(chunks)
    backlog_text = decoder.decompress(backlog_chunk)
    [backlog] = frames(iter([backlog_text]), 1)
    assert [report["properties"]["summary"] for report in json.loads(backlog["data"])] == summaries[::-1]
    assert len(backlog_chunk) < len(backlog_text) / 3
    append_events(get_redis(), [parse_event(incident_reported(summary="after the backlog"))])
    [pushed] = frames(texts, 1)
    assert json.loads(pushed["data"])["properties"]["summary"] == "after the backlog"
    response.close()

    plain = client.get("/events", headers={"Accept-Encoding": "gzip;q=0, identity"}, buffered=False)
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.vary
    assert next(iter(plain.response)) == b"retry: 2000\n\n"
    plain.close()
