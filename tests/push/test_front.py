"""The push stream on the async front, over HTTP against `gunicorn app:asgi --worker-class asgi`: open streams hold
no thread (with forty open and four threads, /healthz, /login, a page and the ingest API still answer, and a new
report reaches all forty), an account's cap of open streams is enforced with a 429 that says why, a stream gives
its place back when the browser leaves, the scoping holds (an account gets only its area's reports), streams end
when Redis goes away and carry reports again once it is back, and a browser that accepts gzip gets the stream gzip'd,
each report still the moment it is pushed."""

from __future__ import annotations

import json

import pytest
import requests

from dashboard.data.redis_client import get_redis, reset_redis
from dashboard.data.vocab import Role
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.streams import append_events
from tests.conftest import reset_cached
from tests.push.streams import Stream, open_places, person_cookie, wall_screen_cookie
from tests.reliability.traffic import post
from tests.support.events import incident_reported
from tests.support.servers import Launcher, RedisServer, until

LUQIAO_GRID, WENLING_GRID = "331004-001-0001", "331081-001-0001"
ANSWER_S = 10  # "answers": well within the 15 s after which everything timed out while streams held the threads
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"  # what Chromium sends


def test_forty_open_streams_leave_health_login_pages_and_the_ingest_api_answering(launcher: Launcher, gateway: str):
    # four threads for everything but /events: were each stream to hold one, ten streams' worth would be waiting
    _, base = launcher.front(threads=4, env={"DASHBOARD_PUSH_STREAMS_PER_WALL": "40"})
    cookie = wall_screen_cookie(base)
    streams = [Stream(base, cookie) for _ in range(40)]
    assert [stream.status for stream in streams] == [200] * 40
    assert [stream.frame() for stream in streams] == [{"retry": "2000"}] * 40
    assert open_places("wall") == 40

    assert requests.get(f"{base}/healthz", timeout=ANSWER_S).json() == {"database": "up", "redis": "up"}
    assert "login-username" in requests.get(f"{base}/login", timeout=ANSWER_S).text
    layout = requests.get(f"{base}/_dash-layout", headers={"Cookie": cookie}, timeout=ANSWER_S)
    assert layout.status_code == 200 and layout.json()["props"]["children"]
    report = incident_reported(grid_code=LUQIAO_GRID, lat=28.005, lon=121.005, summary="forty screens watching")
    assert post(base, gateway, [report])[0] == 202

    pushed = [json.loads(stream.data()["data"]) for stream in streams]  # the stream was empty: no backlog first
    assert {feature["id"] for feature in pushed} == {report["event_id"]}
    assert {feature["properties"]["summary"] for feature in pushed} == {"forty screens watching"}
    for stream in streams:
        stream.close()
    until(lambda: open_places("wall") == 0, timeout=ANSWER_S, message=lambda: f"{open_places('wall')} places held")


def test_a_wall_screen_past_its_cap_is_refused_with_the_reason_until_it_closes_one(launcher: Launcher, gateway: str):
    _, base = launcher.front()  # the default cap of a wall screen: 3
    cookie = wall_screen_cookie(base)
    held = [Stream(base, cookie) for _ in range(3)]
    assert [stream.status for stream in held] == [200] * 3

    refused = Stream(base, cookie)
    assert refused.status == 429 and refused.response.getheader("Retry-After") == "30"
    assert refused.json() == {
        "error": "push: this wall screen already has 3 open push streams, the most it may have; close another tab "
        "or screen of it (new reports still arrive by polling meanwhile)",
        "cap": 3,
    }
    assert requests.get(f"{base}/events/recent", headers={"Cookie": cookie}, timeout=ANSWER_S).status_code == 200

    held.pop().close()  # the browser leaves: its place is free at once, not when a write fails
    until(lambda: open_places("wall") == 2, timeout=ANSWER_S, message="the closed stream kept its place")
    again = Stream(base, cookie)
    assert again.status == 200 and again.frame() == {"retry": "2000"}


def test_through_the_front_an_account_gets_only_its_areas_reports_and_no_login_gets_none(
    launcher: Launcher, gateway: str
):
    earlier = [
        incident_reported(grid_code=grid, lat=28.005, lon=121.005, summary=f"earlier in {grid}")
        for grid in (LUQIAO_GRID, WENLING_GRID)
    ]
    append_events(get_redis(), [parse_event(event) for event in earlier])
    _, base = launcher.front()
    anonymous = Stream(base, "")
    assert anonymous.status == 401 and anonymous.json() == {"error": "login: not logged in"}

    cookie = person_cookie(base, "luqiao", Role.COUNTY_LEADER, "331004")
    stream = Stream(base, cookie)
    backlog = stream.data()
    assert backlog["event"] == "backlog"
    assert [feature["properties"]["grid"] for feature in json.loads(backlog["data"])] == [LUQIAO_GRID]
    elsewhere, here = (
        incident_reported(grid_code=grid, lat=28.005, lon=121.005, summary=f"now in {grid}")
        for grid in (WENLING_GRID, LUQIAO_GRID)
    )
    assert post(base, gateway, [elsewhere, here])[0] == 202
    assert json.loads(stream.data()["data"])["id"] == here["event_id"]  # Wenling's report was not sent

    resumed = Stream(base, cookie, last_event_id=backlog["id"])  # a reconnect: what came after, of its area only
    assert json.loads(resumed.data()["data"])["id"] == here["event_id"]


def test_a_browser_that_accepts_gzip_gets_the_stream_gzipd_and_a_pushed_report_at_once(
    launcher: Launcher, gateway: str
):
    earlier = [
        incident_reported(grid_code=LUQIAO_GRID, lat=28.005, lon=121.005, summary=f"上午的上报 {n}") for n in range(200)
    ]
    append_events(get_redis(), [parse_event(event) for event in earlier])
    _, base = launcher.front()
    cookie = wall_screen_cookie(base)
    stream = Stream(base, cookie, accept_encoding=BROWSER_ENCODINGS)
    assert stream.status == 200 and stream.response.getheader("Content-Encoding") == "gzip"
    assert stream.response.getheader("Vary") == "Accept-Encoding"
    assert stream.frame() == {"retry": "2000"}
    backlog = stream.data()
    summaries = [feature["properties"]["summary"] for feature in json.loads(backlog["data"])]
    assert summaries == [event["summary"] for event in earlier[::-1]]
    assert stream.wire_bytes < len(backlog["data"].encode()) / 3  # JSON of 200 reports, at under a third its size

    # Pushed while the stream waits: it comes out of the compressor whole and alone. Held back, it would come out
    # only when the next keep-alive (every 15 s) flushed the compressor, in the same piece as that keep-alive.
    report = incident_reported(grid_code=LUQIAO_GRID, lat=28.005, lon=121.005, summary="刚刚上报")
    assert post(base, gateway, [report])[0] == 202
    assert json.loads(stream.data()["data"])["id"] == report["event_id"]
    assert stream.text == b""  # nothing decoded after it: it was flushed on its own

    plain = Stream(base, cookie)  # http.client asks for identity
    assert plain.status == 200 and plain.response.getheader("Content-Encoding") is None
    assert plain.frame() == {"retry": "2000"}


def test_when_redis_goes_away_streams_end_and_after_it_is_back_they_carry_reports_again(
    launcher: Launcher, gateway: str, tmp_path, monkeypatch
):
    redis = RedisServer(tmp_path / "redis").start()  # one this test may stop: not the suite's
    monkeypatch.setenv("REDIS_URL", redis.url)
    reset_cached()
    try:
        _, base = launcher.front()
        cookie = wall_screen_cookie(base)
        stream = Stream(base, cookie)
        assert stream.frame() == {"retry": "2000"}
        redis.stop(kill=True)
        with pytest.raises(AssertionError, match="the stream ended"):  # the browser then polls, and reconnects
            stream.data()
        redis.start()
        reset_redis()
        until(lambda: requests.get(f"{base}/healthz", timeout=ANSWER_S).status_code == 200, timeout=30, message="down")
        fresh = Stream(base, cookie)  # a reconnecting browser: it waits for the worker's reader to be back
        report = incident_reported(grid_code=LUQIAO_GRID, lat=28.005, lon=121.005, summary="after the restart")
        assert post(base, gateway, [report])[0] == 202
        first = fresh.data()  # pushed, or in the backlog if it came before this stream had joined
        features = json.loads(first["data"])
        assert [feature["id"] for feature in (features if first.get("event") == "backlog" else [features])] == [
            report["event_id"]
        ]
    finally:
        reset_redis()
        redis.stop(kill=True)
