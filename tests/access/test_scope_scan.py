"""Each role sees only its area, on every route: an HTTP scan (tests/support/scan.py) of every page, every server
callback posted directly (also with values asking for other areas), the push stream, the polling fallback and every
other route, for each scoped role.

Two checks, both independent of what each page shows:
- no answer carries another area's report text, names or personal numbers, and no answer to a role that may not
  unmask carries an unmasked ID or phone number;
- out-of-scope data changes nothing: the same scan after adding another county's (or another township's) reports,
  cases, hazards, patrols and registry rows gives the same answers, byte for byte (clock times aside).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
import time_machine
from sqlalchemy import select

from dashboard.access.roles import may_unmask
from dashboard.callbacks.wall_alerts import may_handle_alerts
from dashboard.data.db import get_engine, session_scope
from dashboard.data.handling import Actor, Step, may_act
from dashboard.data.models import Incident, PersonOfConcern, RentalHouse
from dashboard.data.redis_client import get_redis
from dashboard.data.rollups import rebuild_rollups
from dashboard.data.vocab import SUBTYPES, IncidentKind, Role
from dashboard.ingest import step_event
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.streams import append_events
from tests.support.accounts import signed_in_client
from tests.support.events import add_worker, envelope, hazard_reported, incident_reported
from tests.support.factories import add_city, alert, incident
from tests.support.scan import Scan, Scanner

DISPUTE = SUBTYPES[IncidentKind.DISPUTE][0]
GRID_IDS = {"331004-001-0001": 1, "331004-001-0002": 2, "331004-002-0001": 3, "331081-001-0001": 4}
ID_NUMBER, PHONE = "33100419850612301X", "13812345678"  # in a Luqiao report's text
PERSON_ID, PERSON_PHONE, LANDLORD_PHONE = "331004199001011234", "13712345678", "13912345678"  # Luqiao registries
SCOPED = {
    "leader": (Role.COUNTY_LEADER, "331004"),
    "township": (Role.TOWNSHIP_STAFF, "331004001"),
    "analyst": (Role.ANALYST, "331004"),
    "wall": (Role.WALL_SCREEN, "331004001"),
}
CITY_WIDE = {"operator": (Role.CITY_OPERATOR, None), "admin": (Role.ADMIN, None)}
# A report each account's queue lists (its own area's), so that its queue carrying no other area's means something.
OWN_REPORT = {"leader": "路桥一镇", "township": "路桥一镇", "analyst": "路桥二镇", "wall": "路桥一镇"}


def report_in(grid: str, summary: str, at: datetime | None = None, **fields: Any) -> dict[str, Any]:
    return incident_reported(at, grid_code=grid, lat=28.005, lon=121.005, summary=summary, **fields)


def drain() -> None:
    consumer = StreamConsumer(get_redis(), name="scan", block_ms=10)
    consumer.ensure_group()
    while consumer.poll_once():
        pass


def handled_to_review(record_id: int) -> None:
    """A record taken through its whole handling, to 回访 (reviewed): every step any role may take on it now is
    refused (reopening needs a reason), so the scan's clicks on its buttons change nothing between scans."""
    operator, township = Actor("operator", Role.CITY_OPERATOR, None), Actor("town", Role.TOWNSHIP_STAFF, "331004001")
    steps = [
        (operator, Step.DISPATCH, {"department": "public_security"}),
        (township, Step.ACCEPT, {}),
        (township, Step.REPORT, {"note": "已处置"}),
        (operator, Step.CLOSE, {}),
        (operator, Step.REVIEW, {}),
    ]
    events = [
        step_event(actor, "incident", record_id, step, seen_version=version, action_id=uuid4(), **fields)
        for version, (actor, step, fields) in enumerate(steps)
    ]
    append_events(get_redis(), events)
    drain()


def activity_in(grid: str, label: str, *, days: int = 400) -> None:
    """Reports, a hazard and a patrol through the stream and the consumer, and a year of earlier cases, in a grid;
    its registries too. `label` is in every text, so a leak of it can be found by name."""
    now = datetime.now(UTC)
    events = [
        report_in(grid, f"{label} 今日报告"),
        report_in(grid, f"{label} 纠纷", kind="dispute", subtype=DISPUTE, place_type="residence"),
        hazard_reported(grid_code=grid, lat=28.005, lon=121.005),
        envelope("patrol.started", grid_code=grid, lat=28.004, lon=121.004),
    ]
    append_events(get_redis(), [parse_event(event) for event in events])
    drain()
    grid_id = GRID_IDS[grid]
    with session_scope() as session:
        for day in range(0, days, 9):
            at = now.replace(tzinfo=None) - timedelta(days=day, hours=3)
            solved = at + timedelta(days=3) if day % 2 else None
            place = "rental_housing" if day % 3 else "residence"
            session.add(incident(at, grid=grid, summary=f"{label} 旧案 {day}", solved_at=solved, place_type=place))
            session.add(incident(at, grid=grid, kind="dispute", subtype=DISPUTE, summary=f"{label} 纠纷 {day}"))
        session.add(
            RentalHouse(
                grid_id=grid_id, address=f"{label} 出租屋", landlord_name=f"{label}房东", landlord_phone="13500000000"
            )
        )
        session.add(
            PersonOfConcern(
                grid_id=grid_id,
                name=f"{label}人员",
                id_number=f"331081{uuid4().int % 10**11:011d}X",
                phone="13600000000",
                category="key",
                reason="petition",
            )
        )
    with get_engine().begin() as connection:
        rebuild_rollups(connection)


@pytest.fixture
def still_clock() -> Iterator[None]:
    """The clock held at one moment for the whole test. Two scans are compared byte for byte, and some answers move
    with the clock (the hours of today on the wall's hourly chart, a grid's hours without a patrol): a scan on each
    side of such a boundary differed with no other area's data in it (a run across the hour did)."""
    with time_machine.travel(datetime.now(UTC), tick=False):
        yield


@pytest.fixture
def city_with_data(still_clock: None) -> dict[str, tuple[str, ...]]:
    """The data, and the items whose own views the scan asks for: one of the scanned accounts' township (handled to
    its review), one of the other township and one of the other county (by id and by its report's id)."""
    with session_scope() as session:
        add_city(session)
        add_worker(session)
        session.add(
            RentalHouse(grid_id=1, address="路桥 出租屋", landlord_name="路桥房东", landlord_phone=LANDLORD_PHONE)
        )
        session.add(
            PersonOfConcern(
                grid_id=1, name="路桥人员", id_number=PERSON_ID, phone=PERSON_PHONE, category="key", reason="petition"
            )
        )
        # An alert on the wall, already acknowledged and escalated (as the scan's clicks on its buttons would leave
        # it: the scans then answer alike), raised ten minutes ago (no longer marked new as the scans go on).
        now = datetime.now(UTC).replace(tzinfo=None)
        handled = {"acknowledged_at": now, "acknowledged_by": "operator", "acknowledged_count": 1}
        handled |= {"escalation": "county", "escalated_at": now, "escalated_by": "operator"}
        session.add(
            alert("grid_spike", "331004001", now - timedelta(minutes=10), grid_code="331004-001-0001", **handled)
        )
    append_events(get_redis(), [parse_event(report_in("331004-001-0001", f"路桥 {ID_NUMBER} {PHONE}"))])
    activity_in("331004-001-0001", "路桥一镇")
    activity_in("331004-002-0001", "路桥二镇")
    activity_in("331081-001-0001", "温岭甲")
    with session_scope() as session:
        first = {
            township: session.execute(
                select(Incident.id, Incident.event_id)
                .where(Incident.township_code == township)
                .order_by(Incident.id)
                .limit(1)
            ).one()
            for township in ("331004001", "331004002", "331081001")
        }
    handled_to_review(first["331004001"][0])
    items = [f"?kind=incident&id={record_id}" for record_id, _ in first.values()]
    return {"/record": (*items, f"?ref={first['331081001'][1]}", f"?ref={first['331004002'][1]}")}


def scan_as(dash_app: Any, name: str, role: Role, area: str | None, pages: dict[str, tuple[str, ...]]) -> Scan:
    return Scanner(dash_app, signed_in_client(dash_app, name, role, area=area), pages).scan()


def differences(before: Scan, after: Scan) -> Iterator[str]:
    for asked, answer in before.answers.items():
        again = after.answers.get(asked)
        if again is None or again.normalised != answer.normalised:
            yield asked


UNMASK_CALLBACK = "record-full"  # the explicit, audited unmask action (tests/callbacks/test_record_callbacks.py)
ALERT_ACTION = "wall-alerts-message.children"  # an alert card's acknowledge and escalate buttons
ITEM_STEP = "item-message.children"  # the steps of one item's handling (roles that only watch have none)


def assert_reached_unbroken_unleaked(name: str, scan: Scan) -> None:
    """Every callback reached (but those whose buttons the role has not: unmask, the alert cards' actions), none
    broken, none carrying another area's data or an unmasked number."""
    role, area = {**SCOPED, **CITY_WIDE}[name]
    lacks = [
        key
        for key, allowed in ((UNMASK_CALLBACK, may_unmask), (ALERT_ACTION, may_handle_alerts), (ITEM_STEP, may_act))
        if not allowed(role)
    ]
    unreached = [key for key in scan.unreachable if not any(button in key for button in lacks)]
    assert unreached == [], f"{name}: callbacks its scan does not reach: {unreached}"
    broken = [asked for asked, answer in scan.answers.items() if answer.status >= 500]
    assert broken == [], f"{name}: server errors for {broken}"
    assert len(scan.answers) > 100
    numbers = (ID_NUMBER, PHONE, PERSON_ID, PERSON_PHONE, LANDLORD_PHONE, "19850612")
    foreign = ("温岭甲",) if area and area.startswith("331004") else ()
    foreign += ("路桥二镇",) if area == "331004001" else ()
    queues = [body for asked, body in scan.bodies() if "queue-table.children" in asked]
    own = OWN_REPORT.get(name, "温岭甲")
    assert queues and any(own in body for body in queues), f"{name}: its queue lists none of its own area's items"
    for asked, body in scan.bodies():
        assert not [label for label in foreign if label in body], f"{name}: {asked} carries another area's data"
        if may_unmask(role) and UNMASK_CALLBACK in asked:
            continue
        leaked = [number for number in numbers if number in body]
        assert not leaked, f"{name}: {asked} carries unmasked {leaked}"


@pytest.mark.parametrize("name", [*SCOPED, *CITY_WIDE])
def test_every_route_answers_each_role_with_its_own_area_only(dash_app, city_with_data, name):
    """One account's scans (each some 750 requests), one role per test so that they run side by side:
    1. every callback is reached, none breaks, none carries another area's data or an unmasked number;
    2. for a scoped role, another county's new data changes no answer;
    3. for a township account, another township's new data (in the same county) changes no answer."""
    scope = {**SCOPED, **CITY_WIDE}[name]
    scan = scan_as(dash_app, name, *scope, city_with_data)
    assert_reached_unbroken_unleaked(name, scan)
    if name not in SCOPED:
        return

    activity_in("331081-001-0001", "温岭乙", days=200)
    again = scan_as(dash_app, name, *scope, city_with_data)
    changed = list(differences(scan, again))
    assert changed == [], f"{name}: answers changed by another county's data: {changed}"

    if scope[0] is Role.TOWNSHIP_STAFF:
        activity_in("331004-002-0001", "路桥二镇又", days=200)
        changed = list(differences(again, scan_as(dash_app, name, *scope, city_with_data)))
        assert changed == [], f"{name}: answers changed by another township's data: {changed}"
