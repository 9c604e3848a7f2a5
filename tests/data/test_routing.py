"""The routing matrix: it covers every kind, subtype, hazard category and severity; a gap is named at start-up; the
consumer stamps each new report with its department and deadline; the seeder routes by the same matrix."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from dashboard.config import get_settings
from dashboard.data.db import session_scope
from dashboard.data.models import Department, Hazard, Incident
from dashboard.data.redis_client import get_redis
from dashboard.data.routing import ROUTING_FILE, RoutingError, get_routing, parse
from dashboard.data.vocab import HAZARD_SUBTYPES, SUBTYPES, HazardSeverity, Platform
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event, stream_fields
from dashboard.seed.distributions import DEPARTMENTS, department_id
from tests.support.events import add_worker, hazard_reported, incident_reported
from tests.support.factories import add_city


def raw_matrix() -> dict[str, Any]:
    return yaml.safe_load(ROUTING_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_every_kind_subtype_category_and_severity_has_a_route():
    routing = get_routing()
    for kind, subtypes in SUBTYPES.items():
        for subtype in subtypes:
            route = routing.incident(kind, subtype)
            assert route.department in routing.departments and route.deadline > timedelta(0)
    for category, subtypes in HAZARD_SUBTYPES.items():
        for subtype in subtypes:
            for severity in HazardSeverity:
                assert routing.hazard(category, subtype, severity).deadline > timedelta(0)
    assert {route.platform for route in routing.incidents.values()} <= set(Platform)


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda m: m["incidents"].pop("stability"), "'stability' missing"),
        (lambda m: m["hazards"]["fire"].update(subtypes={"no_such": {}}), "unknown subtype 'no_such'"),
        (lambda m: m["deadlines"]["hazard"].pop("major"), "severity 'major' missing"),
        (lambda m: m["incidents"]["criminal"]["default"].update(department="police"), "unknown department 'police'"),
        (lambda m: m["departments"].update(police="nowhere"), "unknown platform 'nowhere'"),
    ],
)
def test_a_gap_in_the_matrix_is_named(edit, named):
    matrix = copy.deepcopy(raw_matrix())
    edit(matrix)
    with pytest.raises(RoutingError, match=named):
        parse(matrix)


def test_the_seeded_history_routes_by_the_same_matrix():
    routing = get_routing()
    assert {d.code: d.platform for d in DEPARTMENTS} == routing.departments
    ids = {d.code: number for number, d in enumerate(DEPARTMENTS, start=1)}
    from dashboard.seed.distributions import HAZARD_DEPARTMENT, INCIDENT_DEPARTMENT

    for kind, subtypes in SUBTYPES.items():
        for subtype in subtypes:
            assert department_id(INCIDENT_DEPARTMENT[kind], subtype) == ids[routing.incident(kind, subtype).department]
    for category, subtypes in HAZARD_SUBTYPES.items():
        for subtype in subtypes:
            route = routing.hazard(category, subtype, "general")
            assert department_id(HAZARD_DEPARTMENT[category], subtype) == ids[route.department]


def test_the_consumer_stamps_department_and_deadline_on_each_new_report():
    with session_scope() as session:
        add_city(session)
        add_worker(session)  # and two departments
        session.flush()
        known = set(session.scalars(select(Department.code)))
        session.add_all(
            Department(code=d.code, name=d.name, name_en=d.name_en, platform=d.platform)
            for d in DEPARTMENTS
            if d.code not in known
        )
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    events = [
        incident_reported(at, kind="safety_accident", subtype="fire", place_type="enterprise"),
        incident_reported(at, kind="dispute", subtype="wages", place_type="enterprise"),
        hazard_reported(at, category="environment", subtype="burning_waste", severity="general"),
    ]
    for event in events:
        get_redis().xadd(get_settings().event_stream, stream_fields(parse_event(event), datetime.now(UTC)))
    consumer = StreamConsumer(get_redis(), block_ms=10)
    consumer.ensure_group()
    while consumer.poll_once():
        pass
    routing, naive = get_routing(), at.replace(tzinfo=None)
    with session_scope() as session:
        codes = dict(session.execute(select(Department.id, Department.code)).all())
        incidents = {row.subtype: (codes[row.department_id], row.deadline) for row in session.scalars(select(Incident))}
        hazard = session.scalars(select(Hazard)).one()
    fire, wages = routing.incident("safety_accident", "fire"), routing.incident("dispute", "wages")
    assert incidents == {
        "fire": ("fire_rescue", naive + fire.deadline),
        "wages": ("comprehensive_governance", naive + wages.deadline),
    }
    route = routing.hazard("environment", "burning_waste", "general")
    assert (codes[hazard.department_id], hazard.deadline) == (route.department, naive + route.deadline)
