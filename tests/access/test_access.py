"""Access control on the real app: every route needs a login, and an account sees only its own area.

(The per-role scan of every page, callback and export comes with those pages; here: the routes that exist.)"""

from __future__ import annotations

import json
import re

import pytest

from dashboard.data.db import session_scope
from dashboard.data.redis_client import get_redis
from dashboard.data.vocab import Role
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.feed import FEED_LENGTH
from dashboard.pipeline.streams import append_events
from tests.support.accounts import signed_in_client
from tests.support.events import incident_reported
from tests.support.factories import add_city

PUBLIC = re.compile(r"^/(login|logout|healthz|assets/|_dash-component-suites/|_favicon\.ico|api/v1/)")
LUQIAO_GRID, WENLING_GRID = "331004-001-0001", "331081-001-0001"
ID_NUMBER, PHONE = "33100419850612301X", "13812345678"


def test_every_route_of_the_app_needs_a_login(dash_app):
    client = dash_app.server.test_client()
    checked = 0
    for rule in dash_app.server.url_map.iter_rules():
        path = re.sub(r"<[^>]+>", "x", rule.rule)
        if PUBLIC.match(path):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code in (302, 401), (method, path, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login?next=")
            checked += 1
    assert checked >= 8  # pages, layout, dependencies, callbacks, the push stream and its fallback


@pytest.fixture
def two_counties_reporting():
    with session_scope() as session:
        add_city(session)
    events = [
        incident_reported(grid_code=LUQIAO_GRID, lat=28.005, lon=121.005, summary=f"路桥 {ID_NUMBER} {PHONE}"),
        incident_reported(grid_code=WENLING_GRID, lat=28.005, lon=121.005, summary="温岭的报告"),
    ]
    append_events(get_redis(), [parse_event(event) for event in events])


def reports_seen(client) -> list[dict]:
    return [feature["properties"] for feature in client.get("/events/recent").json]


def first_push_frame(client) -> list[dict]:
    response = client.get("/events", buffered=False)
    for chunk in response.response:
        text = chunk.decode()
        if text.startswith("id:"):
            response.close()
            data = dict(line.split(": ", 1) for line in text.strip().splitlines())["data"]
            return [feature["properties"] for feature in json.loads(data)]
    raise AssertionError("no backlog frame")


def test_a_county_leader_gets_only_the_reports_of_its_county(dash_app, two_counties_reporting):
    leader = signed_in_client(dash_app, "luqiao", Role.COUNTY_LEADER, area="331004")
    assert [report["grid"] for report in reports_seen(leader)] == [LUQIAO_GRID]
    assert [report["grid"] for report in first_push_frame(leader)] == [LUQIAO_GRID]
    operator = signed_in_client(dash_app, "operator", Role.CITY_OPERATOR)
    assert sorted(report["grid"] for report in reports_seen(operator)) == [LUQIAO_GRID, WENLING_GRID]


def test_a_county_leader_gets_its_own_newest_reports_even_behind_a_busy_city(dash_app, two_counties_reporting):
    busy = [incident_reported(grid_code=WENLING_GRID, lat=28.005, lon=121.005) for _ in range(FEED_LENGTH + 100)]
    append_events(get_redis(), [parse_event(event) for event in busy])
    leader = signed_in_client(dash_app, "luqiao", Role.COUNTY_LEADER, area="331004")
    assert [report["grid"] for report in reports_seen(leader)] == [LUQIAO_GRID]
    assert [report["grid"] for report in first_push_frame(leader)] == [LUQIAO_GRID]


def test_id_and_phone_numbers_in_report_text_reach_no_screen(dash_app, two_counties_reporting):
    for client in (signed_in_client(dash_app, "admin", Role.ADMIN), signed_in_client(dash_app)):
        body = client.get("/events/recent").text + json.dumps(first_push_frame(client), ensure_ascii=False)
        assert ID_NUMBER not in body and PHONE not in body and "19850612" not in body
        assert "331***********301X" in body and "138****5678" in body
