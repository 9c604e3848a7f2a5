"""POST /api/v1/events as the phone app uses it: tokens, per-item per-field errors, limits, Redis down."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard.config import get_settings
from dashboard.data.db import session_scope
from dashboard.data.redis_client import get_redis, reset_redis
from dashboard.data.tokens import issue_token, revoke_tokens
from tests.support.events import DEVICE, WORKER, hazard_reported, incident_reported, incident_updated


@pytest.fixture
def client(dash_app):  # type: ignore[no-untyped-def]
    return dash_app.server.test_client()


def post(client: Any, body: Any, token: str | None, raw: bytes | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    return client.post("/api/v1/events", data=data, headers=headers, content_type="application/json")


# the worker of tests/support/events.py works the first
WORKER_GRID, NEIGHBOUR_GRID = "331004-001-0001", "331004-001-0002"


def stream_length() -> int:
    return int(get_redis().xlen(get_settings().event_stream))


def test_a_batch_is_accepted_after_redis_took_it(client, token):
    hazard = hazard_reported(grid_code=WORKER_GRID)
    events = [incident_reported(), hazard, incident_reported(kind="dispute", subtype="wages")]
    response = post(client, events, token)
    assert response.status_code == 202
    assert [item["event_id"] for item in response.json["accepted"]] == [event["event_id"] for event in events]
    entries = get_redis().xrange(get_settings().event_stream)
    assert [json.loads(fields["event"])["event_id"] for _, fields in entries] == [e["event_id"] for e in events]
    assert all(json.loads(fields["event"])["received_at"] for _, fields in entries)


def test_a_phone_reports_only_from_its_workers_grid_and_a_gateway_from_any(client, token):
    elsewhere = [incident_reported(grid_code=NEIGHBOUR_GRID), hazard_reported(grid_code=NEIGHBOUR_GRID)]
    response = post(client, [incident_reported(), *elsewhere], token)
    assert response.status_code == 400
    assert [item["index"] for item in response.json["rejected"]] == [1, 2]
    [problem] = response.json["rejected"][0]["problems"]
    assert problem["field"] == "grid_code" and WORKER in problem["message"] and WORKER_GRID in problem["message"]
    assert stream_length() == 1  # the report from its own grid was kept
    with session_scope() as session:
        gateway = issue_token(session, DEVICE)
    assert post(client, elsewhere, gateway).status_code == 202
    assert stream_length() == 3


def test_one_event_alone_is_accepted(client, token):
    assert post(client, incident_reported(), token).status_code == 202
    assert stream_length() == 1


def test_invalid_items_are_named_field_by_field_and_nothing_is_written_for_them(client, token):
    good = incident_reported()
    bad_lat = incident_reported(lat=123.0)
    bad_two = {**incident_reported(kind="criminal", subtype="wages"), "occurred_at": "yesterday"}
    unknown_grid = hazard_reported(grid_code="331004-999-0001")
    response = post(client, [bad_lat, good, bad_two, unknown_grid], token)
    assert response.status_code == 400
    rejected = {item["index"]: item["problems"] for item in response.json["rejected"]}
    assert rejected[0] == [{"field": "lat", "message": "Input should be less than or equal to 90"}]
    assert {problem["field"] for problem in rejected[2]} == {"occurred_at", "subtype"}
    assert rejected[3] == [{"field": "grid_code", "message": "unknown grid '331004-999-0001'"}]
    assert [item["event_id"] for item in response.json["accepted"]] == [good["event_id"]]
    assert stream_length() == 1


def test_an_event_of_another_device_is_refused(client, token):
    response = post(client, incident_reported(device_id="someone-else"), token)
    assert response.status_code == 400
    assert response.json["rejected"][0]["problems"][0]["field"] == "device_id"


@pytest.mark.parametrize(("days", "message"), [(-1, "before the hazard was found"), (400, "more than 365 days after")])
def test_a_hazard_deadline_must_fall_within_a_year_of_its_discovery(client, token, days, message):
    found = datetime.now(UTC) - timedelta(hours=1)
    response = post(client, hazard_reported(found, deadline=(found + timedelta(days=days)).isoformat()), token)
    assert response.status_code == 400
    problem = response.json["rejected"][0]["problems"][0]
    assert problem["field"] == "deadline" and message in problem["message"]
    assert stream_length() == 0


@pytest.mark.parametrize("header_token", [None, "not-a-token"])
def test_no_valid_token_no_entry(client, token, header_token):
    response = post(client, incident_reported(), header_token)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert stream_length() == 0


def test_a_revoked_token_stops_working(client, token):
    with session_scope() as session:
        assert revoke_tokens(session, DEVICE) == 1
    assert post(client, incident_reported(), token).status_code == 401


def test_limits_on_batch_length_and_body_size(client, token, monkeypatch):
    monkeypatch.setenv("DASHBOARD_INGEST_MAX_BATCH", "3")
    get_settings.cache_clear()
    response = post(client, [incident_reported() for _ in range(4)], token)
    assert response.status_code == 413 and "at most 3 events" in response.json["error"]
    monkeypatch.setenv("DASHBOARD_INGEST_MAX_BYTES", "10000")
    get_settings.cache_clear()
    response = post(client, [incident_reported(summary="很长" * 900)] * 2, token)
    assert response.status_code == 413 and "larger than 10000 bytes" in response.json["error"]
    assert stream_length() == 0


@pytest.mark.parametrize(("raw", "message"), [(b"{not json", "body: not JSON"), (b"[]", "body: an empty batch")])
def test_a_body_that_is_not_a_batch_is_refused(client, token, raw, message):
    response = post(client, None, token, raw=raw)
    assert response.status_code == 400 and response.json["error"].startswith(message)


def test_redis_down_answers_503_and_writes_nothing(client, token, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    get_settings.cache_clear()
    reset_redis()
    response = post(client, [incident_reported(), incident_updated(incident_reported()["event_id"], "closed")], token)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "nothing was written" in response.json["error"]
