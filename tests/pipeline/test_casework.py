"""Handling a record from report to close, through the stream and the consumer, against the real Redis and database:
the loop, refusals with their reasons, a race between two operators, double clicks, the audit log, and a consumer
that dies between its commit and its acknowledgement."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, select

from dashboard.config import get_settings
from dashboard.data.casework import locate, outcome_of, queue_version, timeline
from dashboard.data.db import session_scope
from dashboard.data.handling import Actor, Level, State, Step
from dashboard.data.models import AuditEntry, Incident, RecordStep
from dashboard.data.redis_client import get_redis
from dashboard.data.vocab import Role
from dashboard.ingest import step_event, take_step
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event
from dashboard.pipeline.streams import append_events
from tests.support.events import add_worker, incident_reported
from tests.support.factories import add_city

OPERATOR = Actor("operator", Role.CITY_OPERATOR, None)
OTHER_OPERATOR = Actor("deputy", Role.CITY_OPERATOR, None)
TOWNSHIP = Actor("town1", Role.TOWNSHIP_STAFF, "331004001")
NEIGHBOUR = Actor("town2", Role.TOWNSHIP_STAFF, "331004002")
WENLING_LEADER = Actor("wenling", Role.COUNTY_LEADER, "331081")
LUQIAO_LEADER = Actor("luqiao", Role.COUNTY_LEADER, "331004")


@pytest.fixture
def incident_id() -> int:
    """A dispute reported in grid 331004-001-0001 (township 331004001), through the stream; its row id."""
    with session_scope() as session:
        add_city(session)
        add_worker(session)
    report = incident_reported(kind="dispute", subtype="neighbourhood", place_type="residence", summary="邻里噪音")
    append_events(get_redis(), [parse_event(report)])
    drain()
    with session_scope() as session:
        return int(session.scalars(select(Incident.id)).one())


def drain() -> None:
    worker = StreamConsumer(get_redis(), name="test", block_ms=10)
    worker.ensure_group()
    while worker.poll_once():
        pass


def state(incident_id: int) -> tuple[State, int, Level]:
    with session_scope() as session:
        found = locate(session, "incident", incident_id)
        assert found is not None
        return found[1].state, found[1].version, found[1].level


def ask(actor: Actor, incident_id: int, step: Step, version: int, **fields: Any) -> Any:
    """Ask for a step as the app does, not waiting for the consumer: its outcome at the door (None: in the stream)."""
    fields.setdefault("action_id", uuid4())
    return take_step(step_event(actor, "incident", incident_id, step, seen_version=version, **fields), wait_s=0)


def act(actor: Actor, incident_id: int, step: Step, version: int, **fields: Any) -> UUID:
    """Ask for a step (the consumer comes to it in `drain`); its action id."""
    action = fields.pop("action_id", uuid4())
    early = ask(actor, incident_id, step, version, action_id=action, **fields)
    assert early is None, f"refused at the door: {early}"
    return action


def outcome(action: UUID) -> Any:
    with session_scope() as session:
        return outcome_of(session, str(action))


def audited() -> list[tuple[str, str, dict[str, Any]]]:
    with session_scope() as session:
        rows = session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.id))
        return [(actor, str(action), json.loads(detail)) for actor, action, detail in rows]


def test_the_whole_loop_from_report_to_review(incident_id):
    assert state(incident_id) == (State.REPORTED, 0, Level.TOWNSHIP)
    steps = [
        (OPERATOR, Step.DISPATCH, {"department": "public_security"}, State.DISPATCHED),
        (TOWNSHIP, Step.ACCEPT, {}, State.ACCEPTED),
        (TOWNSHIP, Step.NOTE, {"note": "已联系双方"}, State.HANDLING),
        (TOWNSHIP, Step.REPORT, {"note": "调解成功"}, State.RESOLVED),
        (OPERATOR, Step.CLOSE, {}, State.CLOSED),
        (OPERATOR, Step.REVIEW, {"note": "群众满意"}, State.REVIEWED),
    ]
    for version, (actor, step, fields, expected) in enumerate(steps):
        before = queue_version(get_redis(), "331004001")
        action = act(actor, incident_id, step, version, **fields)
        drain()
        assert outcome(action).applied
        assert state(incident_id)[:2] == (expected, version + 1)
        assert queue_version(get_redis(), "331004001") == before + 1  # the township's queue hears of it
    with session_scope() as session:
        shown = [(s.step, s.actor, s.note) for s in timeline(session, "incident", incident_id)]
        row = session.get(Incident, incident_id)
        assert row is not None
        assert (row.status, row.department_id is not None) == ("closed", True)
        assert row.dispatched_at is not None and row.solved_at is not None and row.closed_at is not None
    assert shown == [
        ("dispatch", "operator", ""),
        ("accept", "town1", ""),
        ("note", "town1", "已联系双方"),
        ("report", "town1", "调解成功"),
        ("close", "operator", ""),
        ("review", "operator", "群众满意"),
    ]
    entries = [(actor, step["step"]) for actor, action, step in audited() if action == "record_step"]
    assert entries == [(actor.username, step.value) for actor, step, _, _ in steps]


@pytest.mark.parametrize(
    ("actor", "step", "fields", "reason"),
    [
        (TOWNSHIP, Step.CLOSE, {}, "role"),  # the township does not close
        (OPERATOR, Step.ACCEPT, {}, "role"),  # nor does the command room sign for
        (OPERATOR, Step.CLOSE, {}, "state"),  # nothing reported back yet
        (OPERATOR, Step.DISPATCH, {}, "department"),  # to whom?
        (OPERATOR, Step.URGE, {"note": "尽快"}, "state"),  # nothing dispatched to urge
        (NEIGHBOUR, Step.ACCEPT, {}, "scope"),  # another township's item
        (WENLING_LEADER, Step.DISPATCH, {"department": "public_security"}, "scope"),  # another county's item
    ],
)
def test_an_illegal_step_is_refused_with_its_reason_and_audited(incident_id, actor, step, fields, reason):
    answer = ask(actor, incident_id, step, 0, **fields)
    assert answer is not None and not answer.applied and answer.refusal is not None
    assert answer.refusal.key == reason
    assert state(incident_id) == (State.REPORTED, 0, Level.TOWNSHIP)
    (actor_name, _action, detail), *_ = [entry for entry in audited() if entry[1] == "record_step_refused"]
    assert (actor_name, detail["step"], detail["reason"]) == (actor.username, step.value, answer.refusal.key)


def test_a_township_acts_only_on_its_own_township_and_a_county_leader_on_its_county(incident_id):
    act(LUQIAO_LEADER, incident_id, Step.DISPATCH, 0, department="public_security")
    drain()
    refused = ask(NEIGHBOUR, incident_id, Step.ACCEPT, 1)
    assert refused is not None and refused.refusal is not None and refused.refusal.key == "scope"
    action = act(TOWNSHIP, incident_id, Step.ACCEPT, 1)
    drain()
    assert outcome(action).applied and state(incident_id)[0] is State.ACCEPTED


def test_two_operators_dispatching_at_once_one_wins_and_the_other_is_told_who(incident_id):
    first = act(OPERATOR, incident_id, Step.DISPATCH, 0, department="public_security")
    second = act(OTHER_OPERATOR, incident_id, Step.DISPATCH, 0, department="fire")  # both saw version 0
    drain()
    won, lost = outcome(first), outcome(second)
    assert won.applied and not lost.applied
    assert lost.refusal.key == "stale"
    assert (lost.refusal.values["by"], lost.refusal.values["did"]) == ("operator", "dispatch")
    with session_scope() as session:
        assert [s.actor for s in timeline(session, "incident", incident_id)] == ["operator"]
    assert state(incident_id)[:2] == (State.DISPATCHED, 1)


def test_a_double_click_acts_once(incident_id):
    action = uuid4()
    for _ in range(2):  # the same button's action id, twice, before the consumer came to the first
        act(OPERATOR, incident_id, Step.DISPATCH, 0, department="public_security", action_id=action)
    drain()
    again = ask(OPERATOR, incident_id, Step.DISPATCH, 0, action_id=action)
    assert again is not None and again.applied  # the first one's outcome, not a refusal of a stale version
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(RecordStep)) == 1
    assert [entry[1] for entry in audited()] == ["record_step"]


def test_steps_land_exactly_once_through_a_consumer_that_dies_after_its_commit(incident_id):
    events = [  # three steps in a row, each after the one before (the door would wait for each: queued directly)
        step_event(
            OPERATOR,
            "incident",
            incident_id,
            Step.DISPATCH,
            seen_version=0,
            action_id=uuid4(),
            department="public_security",
        ),
        step_event(TOWNSHIP, "incident", incident_id, Step.ACCEPT, seen_version=1, action_id=uuid4()),
        step_event(TOWNSHIP, "incident", incident_id, Step.NOTE, seen_version=2, action_id=uuid4(), note="到场查看"),
    ]
    append_events(get_redis(), events)
    actions = [event.event_id for event in events]
    dying = StreamConsumer(get_redis(), name="dying", block_ms=10)
    dying.ensure_group()
    batch = dying.fetch()
    good = [(stream_id, *_resolved(dying, fields)) for stream_id, fields in batch.entries]
    dying._commit(good)  # stored and committed; the process dies before XACK
    settings = get_settings()
    assert get_redis().xpending(settings.event_stream, settings.consumer_group)["pending"] == 3
    survivor = StreamConsumer(get_redis(), name="survivor", block_ms=10, reclaim_idle_ms=0)
    survivor.ensure_group()
    while survivor.poll_once():
        pass
    assert get_redis().xpending(settings.event_stream, settings.consumer_group)["pending"] == 0
    assert all(outcome(action).applied for action in actions)
    assert state(incident_id)[:2] == (State.HANDLING, 3)
    with session_scope() as session:
        assert [s.step for s in timeline(session, "incident", incident_id)] == ["dispatch", "accept", "note"]
        assert session.scalar(select(func.count()).select_from(RecordStep)) == 3
    assert [entry[2]["step"] for entry in audited() if entry[1] == "record_step"] == ["dispatch", "accept", "note"]


def _resolved(worker: StreamConsumer, fields: dict[str, str]) -> tuple[Any, Any]:
    from dashboard.pipeline.events import from_stream

    event = from_stream(fields)
    return event, worker.resolve(event)


def test_sent_back_with_a_reason_goes_back_to_the_command_room_and_a_reopened_item_to_the_township(incident_id):
    act(OPERATOR, incident_id, Step.DISPATCH, 0, department="public_security")
    drain()
    no_reason = ask(TOWNSHIP, incident_id, Step.SEND_BACK, 1)
    assert no_reason is not None and no_reason.refusal is not None and no_reason.refusal.key == "note"
    act(TOWNSHIP, incident_id, Step.SEND_BACK, 1, note="不属于本镇")
    drain()
    assert state(incident_id)[0] is State.SENT_BACK
    for version, (actor, step, fields) in enumerate(
        [
            (OPERATOR, Step.DISPATCH, {"department": "public_security"}),
            (OPERATOR, Step.ESCALATE, {}),
            (TOWNSHIP, Step.ACCEPT, {}),
            (TOWNSHIP, Step.REPORT, {"note": "已处理"}),
            (OPERATOR, Step.CLOSE, {}),
            (OPERATOR, Step.REOPEN, {"note": "群众反映未解决"}),
        ],
        start=2,
    ):
        assert outcome(act(actor, incident_id, step, version, **fields)) is None
        drain()
    assert state(incident_id) == (State.DISPATCHED, 8, Level.COUNTY)
    with session_scope() as session:
        row = session.get(Incident, incident_id)
        assert row is not None and row.closed_at is None and row.status == "dispatched"


def test_handling_times_by_department_against_last_year_by_the_same_lag():
    from datetime import datetime, timedelta

    from dashboard.data.casework import handling_times
    from dashboard.data.models import Department, RecordStep
    from dashboard.data.periods import CITY, Period, shift_months, shift_years
    from tests.support.factories import incident

    today = datetime.now().date()
    month = shift_months(today.replace(day=1), -1)
    period = Period(month, shift_months(month, 1))
    t0 = datetime.combine(month, datetime.min.time()) + timedelta(hours=2)  # 10:00 on the 1st, city time
    now = datetime.now().replace(microsecond=0)
    year_ago = datetime.combine(shift_years(now.date(), -1), now.time())
    h = timedelta(hours=1)

    def at(moment: datetime) -> datetime:
        return datetime.combine(shift_years(moment.date(), -1), moment.time())

    with session_scope() as session:
        add_city(session)
        session.add(Department(code="public_security", name="公安", name_en="Police", platform="governance"))
        session.flush()
        police = session.scalar(select(Department.id))
        rows = [
            incident(t0, kind="dispute", department_id=police, dispatched_at=t0 + 2 * h, closed_at=t0 + 50 * h),
            incident(t0 + h, kind="dispute", department_id=police, dispatched_at=t0 + 5 * h),
            incident(t0 + 3 * h, kind="dispute", department_id=police),  # dispatched in the app (steps below)
            incident(
                at(t0), kind="dispute", department_id=police, dispatched_at=at(t0) + 3 * h, closed_at=at(t0) + 100 * h
            ),
            incident(
                at(t0),
                kind="dispute",
                department_id=police,
                dispatched_at=at(t0) + 3 * h,
                closed_at=year_ago + timedelta(days=1),
            ),
        ]
        session.add_all(rows)
        session.flush()
        third = rows[2].id
        for number, (step, moment) in enumerate(
            [("dispatch", t0 + 4 * h), ("accept", t0 + 10 * h), ("send_back", t0 + 11 * h)]
        ):
            values = {"record": "incident", "record_id": third, "step": step, "outcome": "applied", "actor": "x"}
            values |= {"actor_role": "city_operator", "from_state": "reported", "to_state": "dispatched", "note": ""}
            session.add(RecordStep(action_id=str(uuid4()), version=number + 1, at=moment, stored_at=moment, **values))
    with session_scope() as session:
        this_year = handling_times(session, period, CITY, by="department", as_of=now)
        last_year = handling_times(session, period.same_period_last_year(), CITY, by="department", as_of=year_ago)
    assert this_year.to_dict("records") == [
        {
            "key": "public_security",
            "items": 3,
            "to_dispatch": 2.0,
            "to_accept": 6.0,
            "to_close": 50.0,
            "sent_back": 1 / 3,
        }
    ]
    (found,) = last_year.to_dict("records")
    assert found.pop("to_accept") != found.get("to_accept")  # NaN: nothing was signed for in the app last year
    assert found == {"key": "public_security", "items": 2, "to_dispatch": 3.0, "to_close": 100.0, "sent_back": 0.0}


# Reopening, and outside systems' updates ---------------------------------------------------------------------------


@pytest.fixture
def hazard_id() -> int:
    """A blocked fire exit found ten days ago in grid 331004-001-0002 (township 331004001), due three days ago."""
    from datetime import UTC, datetime, timedelta

    from dashboard.data.models import Hazard
    from tests.support.events import hazard_reported

    with session_scope() as session:
        add_city(session)
        add_worker(session)
    found = datetime.now(UTC) - timedelta(days=10)
    report = hazard_reported(found, severity="general", deadline=(found + timedelta(days=7)).isoformat())
    append_events(get_redis(), [parse_event(report)])
    drain()
    with session_scope() as session:
        return int(session.scalars(select(Hazard.id)).one())


def open_everywhere(record: str, record_id: int) -> dict[str, Any]:
    """Where the item shows as open, and as overdue: the township's queue, the wall's tile, /sla's overdue list, the
    map's live state (hazards)."""
    from datetime import timedelta

    from dashboard.data import sla
    from dashboard.data.casework import QueueFilter, loop_counts, queue
    from dashboard.data.periods import Area, utc_now
    from dashboard.pipeline.live import LiveState

    now, township = utc_now(), Area.township("331004001")
    with session_scope() as session:
        rows, _ = queue(session, township, Role.TOWNSHIP_STAFF, QueueFilter(), now=now)
        overdue_rows, _ = queue(session, township, Role.TOWNSHIP_STAFF, QueueFilter(overdue=True), now=now)
        tile = loop_counts(session, township, now=now, day_start=now - timedelta(hours=1))
        listed = sla.overdue(session, township, now=now)
    live = LiveState(get_redis())
    return {
        "queue": [(row["state"], row["colour"]) for row in rows if (row["record"], row["id"]) == (record, record_id)],
        "queue_overdue": [row["id"] for row in overdue_rows if (row["record"], row["id"]) == (record, record_id)],
        "tile": tile,
        "sla_overdue": list(listed["record"]),
        "map_open": live.open_hazards(),
        "map_overdue": live.overdue_hazards(now),
    }


def hazard_act(actor: Actor, hazard_id: int, step: Step, version: int, **fields: Any) -> UUID:
    action = uuid4()
    early = take_step(
        step_event(actor, "hazard", hazard_id, step, seen_version=version, action_id=action, **fields), wait_s=0
    )
    assert early is None, f"refused at the door: {early}"
    return action


def test_a_reopened_hazard_is_open_and_overdue_again_in_the_queue_the_tile_sla_and_the_map(hazard_id):
    from dashboard.data.models import Hazard, HazardDaily

    grid = {"331004-001-0002": 1}
    assert open_everywhere("hazard", hazard_id)["map_overdue"] == grid  # found, never put right, past its deadline
    for version, (actor, step, fields) in enumerate(
        [
            (OPERATOR, Step.DISPATCH, {"department": "fire"}),
            (TOWNSHIP, Step.ACCEPT, {}),
            (TOWNSHIP, Step.REPORT, {"note": "已清理通道"}),
            (OPERATOR, Step.CLOSE, {}),
        ]
    ):
        hazard_act(actor, hazard_id, step, version, **fields)
        drain()
    closed = open_everywhere("hazard", hazard_id)
    assert (closed["queue"], closed["queue_overdue"], closed["sla_overdue"]) == ([], [], [])
    assert (closed["tile"]["in_progress"], closed["tile"]["overdue"], closed["tile"]["closed_today"]) == (0, 0, 1)
    assert (closed["map_open"], closed["map_overdue"]) == ({}, {})

    hazard_act(OPERATOR, hazard_id, Step.REOPEN, 4, note="复查发现通道又被堵塞")
    drain()
    reopened = open_everywhere("hazard", hazard_id)
    assert reopened["queue"] == [("dispatched", "red")]  # back with the township, past its deadline
    assert reopened["queue_overdue"] == [hazard_id]
    assert reopened["tile"] == {"in_progress": 1, "overdue": 1, "closed_today": 0}
    assert reopened["sla_overdue"] == ["hazard"]
    assert (reopened["map_open"], reopened["map_overdue"]) == (grid, grid)
    with session_scope() as session:
        row = session.get(Hazard, hazard_id)
        assert row is not None and (row.status, row.rectified_at, row.closed_at) == ("rectifying", None, None)
        rectified = session.scalar(select(func.sum(HazardDaily.rectified)))
    assert rectified == 0  # the rollup no longer counts its rectification


def outside_update(incident_id: int, status: str, at: Any = None, **fields: Any) -> str:
    """An outside system's update of the incident (its gateway, through the stream); the event's id."""
    from tests.support.events import incident_updated

    with session_scope() as session:
        ref = session.scalar(select(Incident.event_id).where(Incident.id == incident_id))
    update = incident_updated(str(ref), status, at, **fields)
    append_events(get_redis(), [parse_event(update)])
    drain()
    return str(update["event_id"])


def queue_states(incident_id: int) -> list[str]:
    from dashboard.data.casework import QueueFilter, queue
    from dashboard.data.periods import Area, utc_now

    with session_scope() as session:
        rows, _ = queue(session, Area.township("331004001"), Role.TOWNSHIP_STAFF, QueueFilter(), now=utc_now())
    return [row["state"] for row in rows if row["id"] == incident_id]


def test_an_outside_close_closes_the_item_once_as_a_step_of_the_outside_system_and_an_outside_reopen_reopens_it(
    incident_id,
):
    from datetime import UTC, datetime, timedelta

    from dashboard.data.casework import item_detail
    from dashboard.pipeline.events import from_stream

    for version, (actor, step, fields) in enumerate(
        [(OPERATOR, Step.DISPATCH, {"department": "public_security"}), (TOWNSHIP, Step.ACCEPT, {})]
    ):
        act(actor, incident_id, step, version, **fields)
        drain()
    assert queue_states(incident_id) == ["accepted"]
    before = queue_version(get_redis(), "331004001")
    closed_at = datetime.now(UTC)
    close = outside_update(incident_id, "closed", closed_at, note="12345 热线已办结")
    assert state(incident_id)[:2] == (State.CLOSED, 3)
    assert queue_states(incident_id) == []
    assert queue_version(get_redis(), "331004001") == before + 1  # the township's queue redraws
    with session_scope() as session:
        last = item_detail(session, "incident", incident_id)["steps"][-1]  # type: ignore[index]
    assert (last["step"], last["role"], last["note"]) == ("close", "outside", "12345 热线已办结")
    # An urge asked for on the screen of version 2 just before (in the stream behind the update): told that an
    # outside system closed it.
    urge = step_event(OPERATOR, "incident", incident_id, Step.URGE, seen_version=2, action_id=uuid4(), note="尽快")
    append_events(get_redis(), [urge])
    drain()
    refused = outcome(urge.event_id).refusal
    assert (refused.key, refused.values["by_role"], refused.values["did"]) == ("stale", "outside", "close")
    from dashboard.components.item_view import refusal_text

    assert f"外部系统（{refused.values['by']}）" in refusal_text(refused, "zh-CN", "Asia/Shanghai")

    # The same update delivered again changes nothing.
    settings = get_settings()
    entries = get_redis().xrange(settings.event_stream)
    again = next(from_stream(fields) for _id, fields in entries if fields["event"].find(close) >= 0)
    append_events(get_redis(), [again])
    drain()
    assert state(incident_id)[:2] == (State.CLOSED, 3)

    # Work under way again, sent after the close: reopened. A close sent for before that reopen changes nothing.
    outside_update(incident_id, "handling", closed_at + timedelta(minutes=2), note="群众反映问题复发")
    assert state(incident_id)[:2] == (State.HANDLING, 4)
    assert queue_states(incident_id) == ["handling"]
    outside_update(incident_id, "closed", closed_at + timedelta(minutes=1))
    assert state(incident_id)[:2] == (State.HANDLING, 4)
    with session_scope() as session:
        row = session.get(Incident, incident_id)
        assert row is not None and (row.status, row.closed_at) == ("handling", None)
        steps = [(s.step, s.actor_role) for s in timeline(session, "incident", incident_id)]
    assert steps == [
        ("dispatch", "city_operator"),
        ("accept", "township_staff"),
        ("close", "outside"),
        ("reopen", "outside"),
    ]
    outside = [detail for _actor, action, detail in audited() if action == "record_step" and detail.get("by")]
    assert [(detail["step"], detail["to"]) for detail in outside] == [("close", "closed"), ("reopen", "handling")]


def test_an_outside_close_of_a_hazard_stops_its_sla_clock_and_takes_it_off_the_map(hazard_id):
    from dashboard.data.models import Hazard
    from tests.support.events import hazard_updated

    hazard_act(OPERATOR, hazard_id, Step.DISPATCH, 0, department="fire")
    drain()
    with session_scope() as session:
        ref = session.scalar(select(Hazard.event_id).where(Hazard.id == hazard_id))
    append_events(get_redis(), [parse_event(hazard_updated(str(ref), "closed"))])
    drain()
    shown = open_everywhere("hazard", hazard_id)
    assert (shown["queue"], shown["sla_overdue"], shown["map_open"], shown["map_overdue"]) == ([], [], {}, {})
    assert shown["tile"] == {"in_progress": 0, "overdue": 0, "closed_today": 1}
    with session_scope() as session:
        found = locate(session, "hazard", hazard_id)
        assert found is not None and found[1].state is State.CLOSED


def test_the_walls_handling_figures_count_records_as_the_seed_and_outside_systems_leave_them_and_overdue_as_sla_does():
    """Records no one acted on in the app, as the seeder writes them (a status and its times): in progress once
    dispatched until closed; overdue by the SLA's rule, so a hazard put right but not yet closed (its clock stopped)
    is in progress, not overdue, and the tile, the queue and /sla agree."""
    from datetime import timedelta

    from dashboard.data import sla
    from dashboard.data.casework import QueueFilter, loop_counts, queue
    from dashboard.data.periods import CITY, utc_now
    from tests.support.factories import hazard, incident

    now = utc_now()
    day = timedelta(days=1)
    with session_scope() as session:
        add_city(session)
        session.add_all(
            [
                incident(now - 20 * day, kind="dispute", status="handling", deadline=now - 5 * day),  # late
                incident(now - 2 * day, kind="dispute", status="resolved", solved_at=now - day, deadline=now + day),
                incident(now - 3 * day, kind="dispute", status="closed", closed_at=now - timedelta(hours=1)),
                incident(now - 400 * day, kind="dispute", status="closed", closed_at=now - 390 * day),
                hazard(now - 9 * day, status="rectified", rectified_at=now - day),  # late, put right, not closed
                hazard(now - 9 * day, status="open"),  # never started: to dispatch, and late
                hazard(now - 400 * day, status="closed", rectified_at=now - 399 * day, closed_at=now - 398 * day),
            ]
        )
    with session_scope() as session:
        tile = loop_counts(session, CITY, now=now, day_start=now - timedelta(hours=2))
        listed = sla.overdue(session, CITY, now=now)
        rows, counts = queue(session, CITY, Role.CITY_OPERATOR, QueueFilter(), now=now)
        late, _ = queue(session, CITY, Role.CITY_OPERATOR, QueueFilter(overdue=True), now=now)
    assert tile == {"in_progress": 3, "overdue": 2, "closed_today": 1}
    assert tile["overdue"] == len(listed) == len(late)
    assert counts == {"handling": 1, "resolved": 2, "reported": 1}
    assert sum(counts[state.value] for state in (State.HANDLING, State.RESOLVED)) == tile["in_progress"]
    put_right = next(row for row in rows if row["record"] == "hazard" and row["state"] == "resolved")
    assert (put_right["clock_stopped"], put_right["colour"]) == (True, "none")


def test_items_due_at_the_same_moment_keep_one_order_in_the_queue_however_the_database_stores_them():
    """Reports that came in together fall due together. The queue lists them in one order (by record, then id) on
    every redraw: PostgreSQL hands back rows of equal deadline in storage order, and a row whose deadline was moved
    is stored after the others, so an order left to the database swapped rows between two redraws (and could change
    which rows make the queue's first 200)."""
    from datetime import timedelta

    from dashboard.data.casework import QueueFilter, queue
    from dashboard.data.periods import CITY, utc_now
    from tests.support.factories import hazard, incident

    now = utc_now()
    due = now + timedelta(days=1)
    with session_scope() as session:
        add_city(session)
        session.add(incident(now, kind="dispute", status="handling", deadline=due - timedelta(hours=1)))
        session.add_all([incident(now, kind="dispute", status="handling", deadline=due) for _ in range(2)])
        session.add_all([hazard(now, status="open", deadline=due) for _ in range(2)])
    with session_scope() as session:
        first = session.scalars(select(Incident).order_by(Incident.id)).first()
        assert first is not None
        first.deadline = due  # its deadline extended: now due with the others, and stored after them
    with session_scope() as session:
        rows, _ = queue(session, CITY, Role.CITY_OPERATOR, QueueFilter(), now=now)
    listed = [(row["record"], row["id"]) for row in rows]
    assert len(listed) == 5
    assert listed == sorted(listed), "equal deadlines: hazards before incidents, each by id"
