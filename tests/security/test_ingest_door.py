"""The phones' API refuses at the door, naming the field, what the database would refuse later
or what is not the phone's to change; a body nested absurdly deep is a 400; and the consumer isolates one entry the
database refuses in a batch by halving it, not by storing the whole batch row by row.

- A worker's phone updates only records of its worker's grid (a gateway, any grid's).
- NUL and control characters, an id past the database's integer range, a rental house that does not exist.
- JSON nested 200,000 deep.
- One entry the database refuses among 64 that reached the stream without the API.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from dashboard.config import get_settings
from dashboard.data.db import get_engine, session_scope
from dashboard.data.models import Hazard, Incident, RentalHouse
from dashboard.data.redis_client import get_redis
from dashboard.data.tokens import issue_token
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.streams import append_events
from tests.support.events import DEVICE, hazard_updated, incident_reported, incident_updated
from tests.support.factories import hazard, incident

WENLING_GRID = "331081-001-0001"  # another county than the worker's (331004-001-0001)


def post(dash_app: Any, body: Any, token: str, raw: bytes | None = None) -> Any:
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    return dash_app.server.test_client().post(
        "/api/v1/events", data=data, headers={"Authorization": f"Bearer {token}"}, content_type="application/json"
    )


def fields_refused(response: Any) -> list[str]:
    return [problem["field"] for item in response.json["rejected"] for problem in item["problems"]]


def consume() -> StreamConsumer:
    consumer = StreamConsumer(get_redis(), name="door", block_ms=10)
    consumer.ensure_group()
    while consumer.poll_once():
        pass
    return consumer


def dead_letters() -> list[dict[str, str]]:
    return [fields for _, fields in get_redis().xrange(get_settings().dead_letter_stream)]


def stored_record_in_wenling() -> tuple[str, str]:
    """An open incident and an open hazard of a Wenling grid; their event ids."""
    reported = datetime.now() - timedelta(hours=2)
    with session_scope() as session:
        case = incident(reported, grid=WENLING_GRID, kind="dispute", status="reported")
        found = hazard(reported, grid_id=4, township_code="331081001", county_code="331081")
        session.add_all([case, found])
        return case.event_id, found.event_id


def statuses(incident_id: str, hazard_id: str) -> tuple[str, str]:
    with session_scope() as session:
        case = session.scalar(select(Incident.status).where(Incident.event_id == incident_id))
        hazard = session.scalar(select(Hazard.status).where(Hazard.event_id == hazard_id))
        return str(case), str(hazard)


def test_a_workers_phone_cannot_close_another_grids_records_and_a_gateway_can(dash_app, token):
    incident_id, hazard_id = stored_record_in_wenling()
    updates = [incident_updated(incident_id, "closed"), hazard_updated(hazard_id, "closed")]
    refused = post(dash_app, updates, token)
    assert refused.status_code == 400 and fields_refused(refused) == ["ref", "ref"]
    assert "outside the grid of worker" in refused.json["rejected"][0]["problems"][0]["message"]
    consume()
    assert statuses(incident_id, hazard_id) == ("reported", "open")
    with session_scope() as session:
        gateway = issue_token(session, DEVICE)
    assert post(dash_app, updates, gateway).status_code == 202
    consume()
    assert statuses(incident_id, hazard_id) == ("closed", "closed")


def test_an_update_sent_before_its_record_was_stored_is_still_held_to_the_phones_grid(dash_app, token):
    report = incident_reported(grid_code=WENLING_GRID, kind="dispute", subtype="wages", place_type="residence")
    update = incident_updated(report["event_id"], "closed")
    assert post(dash_app, [update], token).status_code == 202  # the record is not stored yet: nothing to compare
    with session_scope() as session:
        gateway = issue_token(session, DEVICE)
    assert post(dash_app, [report], gateway).status_code == 202
    consume()
    assert statuses(report["event_id"], "")[0] == "reported"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"summary": "电动车被盗\x00"}, "summary"),
        ({"summary": "响铃\x07"}, "summary"),
        ({"device_id": "phone\x1b[31m"}, "device_id"),
        ({"rental_house_id": 2**40}, "rental_house_id"),
        ({"rental_house_id": 987654}, "rental_house_id"),
    ],
    ids=["nul", "bell", "escape", "past-integer-range", "no-such-house"],
)
def test_what_the_database_would_refuse_is_refused_at_the_door_naming_the_field(dash_app, token, fields, field):
    good, bad = incident_reported(), incident_reported(**fields)
    response = post(dash_app, [good, bad], token)
    assert response.status_code == 400 and fields_refused(response) == [field]
    assert [item["event_id"] for item in response.json["accepted"]] == [good["event_id"]]
    consume()
    assert dead_letters() == []


def test_a_rental_house_that_exists_is_accepted(dash_app, token):
    with session_scope() as session:
        house = RentalHouse(grid_id=1, address="路桥某路1号", landlord_name="陈强", landlord_phone="13700000000",
                            registered_tenants=1)  # fmt: skip
        session.add(house)
        session.flush()
        house_id = house.id
    assert post(dash_app, [incident_reported(rental_house_id=house_id)], token).status_code == 202


def test_json_nested_200000_deep_is_a_400_naming_the_body(dash_app, token):
    depth = 200_000
    response = post(dash_app, None, token, raw=b"[" * depth + b"]" * depth)
    assert response.status_code == 400 and response.json["error"].startswith("body: nested deeper than")
    nested: Any = 1
    for _ in range(40):
        nested = [nested]
    too_deep = post(dash_app, {**incident_reported(), "summary": nested}, token)
    assert too_deep.status_code == 400 and too_deep.json["error"].startswith("body: nested deeper than")


def test_one_entry_the_database_refuses_is_isolated_by_halving_the_batch(dash_app, token):
    reports = [incident_reported(summary=f"第{n}件") for n in range(64)]
    reports[41] = incident_reported(rental_house_id=987654)  # came by another way than the API: not checked
    append_events(get_redis(), [parse_event(report) for report in reports])
    transactions: list[object] = []

    def count(connection: object) -> None:
        transactions.append(connection)

    event.listen(get_engine(), "begin", count)
    try:
        consumer = StreamConsumer(get_redis(), name="halves", block_ms=10, batch_size=64)
        consumer.ensure_group()
        consumer.poll_once()
    finally:
        event.remove(get_engine(), "begin", count)
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 63
    pending = get_redis().xpending(get_settings().event_stream, get_settings().consumer_group)
    assert pending["pending"] == 1  # the refused one comes back, and is dead-lettered after its last delivery
    assert len(transactions) <= 2 * 6 + 1 + 4  # halving: 2·log2(64) + 1 (and the directories' loads), not 64 + 1
