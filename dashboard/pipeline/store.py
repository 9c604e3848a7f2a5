"""Writing a batch of events to the database, in one transaction, idempotently.

- Reports insert a row keyed by the event id; a replayed report changes nothing (ON CONFLICT DO NOTHING).
- Updates set the time of their step only if it is not set yet, and move the status forward only, so they give the
  same result in any order and any number of times. But for a reopen: a status of the work under way sent for a
  moment after the work ended (an incident's close, a hazard's rectification) reopens the record, and a close sent
  for a moment before the record was last reopened changes nothing (pipeline/steps.py). An item someone acted on in
  the app follows, as a step by the outside system in its timeline.
- An update whose report is not stored yet waits in `pending_update` and is applied when the report arrives.
- An update sent by a worker's phone (its `scope_grid` set by the ingest API) touches only a record of that grid:
  one arriving for another grid's record is refused (MalformedEvent, naming `ref`); one that waited for its report
  and finds it in another grid is dropped (logged), so that it cannot hold the report back.
- The rollups get their deltas in the same transaction, only for what actually changed.
- The live state hears of every record a batch names, stored now or by an earlier delivery: a consumer may have
  died between its commit and telling the live state, and only the redelivery can make up for it (live.py counts
  each record once however often it hears of it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ColumnElement, Table, any_, bindparam, delete, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from dashboard.data.directories import GridPlace
from dashboard.data.models import Department, Grid, Hazard, Incident, PatrolLog, PendingUpdate
from dashboard.data.models import PatrolPosition as PositionRow
from dashboard.data.patrol_compliance import refresh_worker_days
from dashboard.data.rollups import RollupDeltas
from dashboard.data.unnest import insert_unnested
from dashboard.data.vocab import HazardSeverity, HazardStatus, IncidentStatus
from dashboard.pipeline.events import (
    AnyEvent,
    HazardReported,
    HazardUpdated,
    IncidentReported,
    IncidentUpdated,
    MalformedEvent,
    PatrolEnded,
    PatrolPosition,
    PatrolStarted,
    RecordStepTaken,
    from_stream,
)
from dashboard.pipeline.steps import (
    apply_steps,
    closed_before_reopening,
    follow_outside,
    outside_reopens,
    reopen_record,
)

log = logging.getLogger(__name__)
INCIDENT_STEPS = {
    "dispatched": "dispatched_at",
    "handling": "handling_at",
    "solved": "solved_at",
    "resolved": "solved_at",
    "closed": "closed_at",
}
INCIDENT_RANK = {"reported": 0, "dispatched": 1, "handling": 2, "solved": 3, "resolved": 3, "closed": 4}
HAZARD_STEPS = {"rectifying": "rectifying_at", "rectified": "rectified_at", "closed": "closed_at"}
HAZARD_RANK = {"open": 0, "rectifying": 1, "rectified": 2, "closed": 3}
DEFAULT_DEADLINE = {HazardSeverity.GENERAL: timedelta(days=7), HazardSeverity.MAJOR: timedelta(days=3)}

Followup = IncidentUpdated | HazardUpdated | PatrolEnded | PatrolPosition


@dataclass(frozen=True)
class Resolved:
    """What an event needs from the directories: its grid and (for patrols) its worker's id."""

    grid: GridPlace | None = None
    worker_id: int | None = None
    department_id: int | None = None
    deadline: timedelta | None = None  # from the report, by the routing matrix (dashboard/data/routing.py)


@dataclass
class StoreResult:
    """What the live state must hear of after a batch: every record it names, as stored now. The live state counts
    each record once, so a record stored by an earlier delivery of the same entries is simply told again."""

    incidents: list[Any] = field(default_factory=list)  # the values of Incident rows, stored now or before
    hazards: list[Any] = field(default_factory=list)  # the values of Hazard rows
    hazards_closed: list[Hazard] = field(default_factory=list)  # rectified or closed, by this batch or before
    patrols_started: list[tuple[PatrolStarted, GridPlace]] = field(default_factory=list)
    positions: list[PatrolPosition] = field(default_factory=list)
    patrols_ended: list[PatrolEnded] = field(default_factory=list)
    waiting: int = 0  # updates parked until their report arrives
    handled_townships: set[str] = field(default_factory=set)  # where steps in handling records were applied


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> set[str]:
    """INSERT … ON CONFLICT (event_id) DO NOTHING; returns the event ids actually inserted. Every row has the same
    keys. PostgreSQL gets one array per column (`insert_unnested`)."""
    if not rows:
        return set()
    target: dict[str, Any] = {"index_elements": ["event_id"]}
    if table.name == PatrolLog.__tablename__:  # its unique index is partial: only live patrols carry an event id
        target["index_where"] = table.c.event_id.is_not(None)
    if session.get_bind().dialect.name == "postgresql":
        returning = insert_unnested(table, rows).on_conflict_do_nothing(**target).returning(table.c.event_id)
        return set(session.scalars(returning))
    statement = sqlite.insert(table).on_conflict_do_nothing(**target).returning(table.c.event_id)
    inserted: set[str] = set()
    for chunk in range(0, len(rows), 500):
        inserted.update(session.scalars(statement, rows[chunk : chunk + 500]).all())
    return inserted


def _among(session: Session, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN (values)`; on PostgreSQL `= ANY(array)`, one parameter instead of one per value."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]


def incident_row(
    event: IncidentReported, grid: GridPlace, department_id: int | None, deadline: timedelta | None = None
) -> dict[str, Any]:
    at = event.occurred_utc
    return {
        "event_id": str(event.event_id),
        "kind": event.kind,
        "subtype": event.subtype,
        "grid_id": grid.id,
        "township_code": grid.township_code,
        "county_code": grid.county_code,
        "lat": event.lat,
        "lon": event.lon,
        "place_type": event.place_type,
        "rental_house_id": event.rental_house_id,
        "source": event.source,
        "status": IncidentStatus.REPORTED,
        "reported_at": at,
        "filed_at": at if event.is_filed else None,
        "department_id": department_id,
        "deadline": at + deadline if deadline is not None else None,
        "summary": event.summary,
    }


def hazard_row(
    event: HazardReported, grid: GridPlace, department_id: int | None, routed: timedelta | None = None
) -> dict[str, Any]:
    found = event.occurred_utc
    allowed = routed if routed is not None else DEFAULT_DEADLINE[event.severity]
    deadline = naive_utc(event.deadline) if event.deadline else found + allowed
    return {
        "event_id": str(event.event_id),
        "category": event.category,
        "subtype": event.subtype,
        "severity": event.severity,
        "grid_id": grid.id,
        "township_code": grid.township_code,
        "county_code": grid.county_code,
        "lat": event.lat,
        "lon": event.lon,
        "status": HazardStatus.OPEN,
        "found_at": found,
        "deadline": deadline,
        "department_id": department_id,
        "summary": event.summary,
    }


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def store_events(session: Session, events: Sequence[tuple[AnyEvent, Resolved]], received_at: datetime) -> StoreResult:
    """Store a batch (in stream order) in the caller's transaction. Every event must already be valid and resolved."""
    result, deltas = StoreResult(), RollupDeltas()
    events = list({str(event.event_id): (event, resolved) for event, resolved in reversed(events)}.values())[::-1]
    reports = [
        (event, resolved)
        for event, resolved in events
        if isinstance(event, IncidentReported | HazardReported | PatrolStarted)
    ]
    followups = [event for event, _ in events if isinstance(event, Followup)]
    _store_reports(session, reports, result, deltas)
    stored_refs = {str(event.event_id) for event, _ in reports}
    waiting = _apply_followups(session, followups, result, deltas, received_at)
    _apply_waiting(session, stored_refs, result, deltas, received_at)
    result.waiting = waiting
    steps = [event for event, _ in events if isinstance(event, RecordStepTaken)]
    if steps:  # after the reports and updates of the same batch: a step may follow an update of its record
        applied = apply_steps(session, steps, deltas)
        result.handled_townships |= applied.townships
        result.hazards_closed.extend(applied.rectified)
        result.hazards.extend(applied.reopened)
    # A hazard closed and reopened in one batch (or the other way round) is told to the live state as it ends up.
    result.hazards_closed = [row for row in result.hazards_closed if str(row.status) in ("rectified", "closed")]
    deltas.write(session)
    _refresh_patrol_days(session, events)
    return result


def _refresh_patrol_days(session: Session, events: Sequence[tuple[AnyEvent, Resolved]]) -> None:
    """The patrol compliance rollup of the workers' days whose patrols started or ended in this batch."""
    refs = {
        str(e.event_id) if isinstance(e, PatrolStarted) else str(e.ref)
        for e, _ in events
        if isinstance(e, PatrolStarted | PatrolEnded)
    }
    if not refs:
        return
    rows = session.execute(
        select(PatrolLog.worker_id, PatrolLog.started_at).where(_among(session, PatrolLog.event_id, sorted(refs)))
    ).all()
    refresh_worker_days(session, [(worker, started) for worker, started in rows])


def _store_reports(
    session: Session, reports: Sequence[tuple[AnyEvent, Resolved]], result: StoreResult, deltas: RollupDeltas
) -> None:
    incidents = [
        incident_row(e, r.grid, r.department_id, r.deadline)
        for e, r in reports
        if isinstance(e, IncidentReported) and r.grid
    ]
    inserted = _insert(session, Incident.__table__, incidents)  # type: ignore[arg-type]
    for row in incidents:
        if row["event_id"] in inserted:
            incident = SimpleNamespace(**row, solved_at=None)  # as an Incident reads; an ORM object costs ~25 µs
            result.incidents.append(incident)
            deltas.incident_stored(incident)
    result.incidents.extend(_stored_before(session, Incident, incidents, inserted))
    hazards = [
        hazard_row(e, r.grid, r.department_id, r.deadline)
        for e, r in reports
        if isinstance(e, HazardReported) and r.grid
    ]
    inserted = _insert(session, Hazard.__table__, hazards)  # type: ignore[arg-type]
    for row in hazards:
        if row["event_id"] in inserted:
            hazard = SimpleNamespace(**row, rectified_at=None)
            result.hazards.append(hazard)
            deltas.hazard_stored(hazard)
    result.hazards.extend(_stored_before(session, Hazard, hazards, inserted))  # as they are now: open or not
    patrols = [(e, r) for e, r in reports if isinstance(e, PatrolStarted) and r.grid and r.worker_id]
    rows = [
        {
            "event_id": str(e.event_id),
            "worker_id": r.worker_id,
            "grid_id": r.grid.id,
            "township_code": r.grid.township_code,
            "county_code": r.grid.county_code,
            "started_at": e.occurred_utc,
            "distance_m": 0.0,
            "findings": 0,
        }
        for e, r in patrols
        if r.grid
    ]
    inserted = _insert(session, PatrolLog.__table__, rows)  # type: ignore[arg-type]
    ended = {row.event_id for row in _stored_before(session, PatrolLog, rows, inserted) if row.ended_at is not None}
    result.patrols_started.extend((e, r.grid) for e, r in patrols if str(e.event_id) not in ended and r.grid)


def _stored_before(session: Session, model: Any, rows: list[dict[str, Any]], inserted: set[str]) -> list[Any]:
    """The stored values (plain rows: cheaper than ORM objects) of those `rows` that were not inserted now: an
    earlier delivery, or a replay, stored them."""
    before = [row["event_id"] for row in rows if row["event_id"] not in inserted]
    if not before:
        return []
    table = model.__table__
    return list(session.execute(select(table).where(_among(session, table.c.event_id, before))))


def _apply_followups(
    session: Session, followups: Sequence[Followup], result: StoreResult, deltas: RollupDeltas, received_at: datetime
) -> int:
    """Apply each follow-up; park those whose record is not stored yet. Returns how many were parked."""
    positions = [e for e in followups if isinstance(e, PatrolPosition)]
    _store_positions(session, positions, result)
    waiting = []
    for event in followups:
        if isinstance(event, PatrolPosition):
            continue
        if not _apply(session, event, result, deltas):
            waiting.append(event)
    rows = [
        {"event_id": str(e.event_id), "ref": str(e.ref), "event": e.to_json(), "received_at": received_at}
        for e in waiting
    ]
    _insert(session, PendingUpdate.__table__, rows)  # type: ignore[arg-type]
    return len(waiting)


def _store_positions(session: Session, positions: Sequence[PatrolPosition], result: StoreResult) -> None:
    rows = [
        {
            "event_id": str(e.event_id),
            "patrol_event_id": str(e.ref),
            "worker_code": e.worker_code,
            "lat": e.lat,
            "lon": e.lon,
            "recorded_at": e.occurred_utc,
        }
        for e in positions
    ]
    inserted = _insert(session, PositionRow.__table__, rows)  # type: ignore[arg-type]
    result.positions.extend(e for e in positions if str(e.event_id) in inserted)


def _apply_waiting(
    session: Session, refs: set[str], result: StoreResult, deltas: RollupDeltas, received_at: datetime
) -> None:
    """Updates that waited for one of the reports just stored: apply them now, in the order they happened."""
    if not refs:
        return
    parked = session.scalars(select(PendingUpdate).where(_among(session, PendingUpdate.ref, sorted(refs)))).all()
    if not parked:
        return
    events = sorted((from_stream({"event": row.event}) for row in parked), key=lambda e: e.occurred_at)
    for event in events:
        assert isinstance(event, Followup)
        try:
            _apply(session, event, result, deltas)
        except MalformedEvent as refusal:
            log.warning("dropped the waiting update %s: %s", event.event_id, refusal)
    session.execute(delete(PendingUpdate).where(PendingUpdate.id.in_([row.id for row in parked])))


def _apply(session: Session, event: Followup, result: StoreResult, deltas: RollupDeltas) -> bool:
    """Apply one follow-up to its stored record. False when the record is not stored (yet)."""
    if isinstance(event, IncidentUpdated):
        return _update_incident(session, event, result, deltas)
    if isinstance(event, HazardUpdated):
        return _update_hazard(session, event, result, deltas)
    if isinstance(event, PatrolEnded):
        return _end_patrol(session, event, result)
    return True


def _locked(session: Session, model: Any, ref: str) -> Any:
    return session.scalars(select(model).where(model.event_id == ref).with_for_update()).first()


def _check_scope(session: Session, event: IncidentUpdated | HazardUpdated, grid_id: int) -> None:
    """Refuse an update from a worker's phone of a record in another grid than the worker's."""
    if event.scope_grid is None:
        return
    grid = session.scalar(select(Grid.code).where(Grid.id == grid_id))
    if grid != event.scope_grid:
        raise MalformedEvent(
            f"ref: the record is in grid {grid}, outside the grid of the phone's worker ({event.scope_grid})"
        )


def _update_incident(session: Session, event: IncidentUpdated, result: StoreResult, deltas: RollupDeltas) -> bool:
    row = _locked(session, Incident, str(event.ref))
    if row is None:
        return False
    _check_scope(session, event, row.grid_id)
    at = max(event.occurred_utc, row.reported_at)  # a device clock may put a step before the report
    was_solved, was_filed = row.solved_at is not None, row.filed_at is not None
    status_before, department_before, reopened = str(row.status), row.department_id, False
    if event.status is not None:
        if outside_reopens("incident", row, event.status, at):
            reopen_record("incident", row, event.status, at, deltas)
            reopened = True
        elif not closed_before_reopening(session, "incident", row.id, event.status, at):
            column = INCIDENT_STEPS[event.status]
            if getattr(row, column) is None:
                setattr(row, column, at)
            if INCIDENT_RANK[event.status] > INCIDENT_RANK[str(row.status)]:
                row.status = IncidentStatus(event.status)
    if event.filed and row.filed_at is None and str(row.kind) == "criminal":
        row.filed_at = at
    if event.department is not None:
        row.department_id = session.scalar(select(Department.id).where(Department.code == event.department))
    session.flush()
    if row.filed_at is not None and not was_filed:
        deltas.incident_filed(row)
    elif row.solved_at is not None and not was_solved:
        deltas.incident_solved(row)
    _follow(session, event, "incident", row, result, at=at, before=(status_before, department_before, reopened))
    return True


def _update_hazard(session: Session, event: HazardUpdated, result: StoreResult, deltas: RollupDeltas) -> bool:
    row = _locked(session, Hazard, str(event.ref))
    if row is None:
        return False
    _check_scope(session, event, row.grid_id)
    at = max(event.occurred_utc, row.found_at)
    was_rectified, status_before, reopened = row.rectified_at is not None, str(row.status), False
    if outside_reopens("hazard", row, event.status, at):
        reopen_record("hazard", row, event.status, at, deltas)
        reopened = True
    elif not closed_before_reopening(session, "hazard", row.id, event.status, at):
        column = HAZARD_STEPS[event.status]
        if getattr(row, column) is None:
            setattr(row, column, at)
        if event.status == "closed" and row.rectified_at is None:
            row.rectified_at = at  # closed means put right: the SLA's clock stops, as the live state's did
        if HAZARD_RANK[event.status] > HAZARD_RANK[str(row.status)]:
            row.status = HazardStatus(event.status)
    session.flush()
    if row.rectified_at is not None and not was_rectified:
        deltas.hazard_rectified(row)
    if str(row.status) in ("rectified", "closed"):  # now or before: the live state may not have heard of it yet
        result.hazards_closed.append(row)
    elif reopened:
        result.hazards.append(row)  # open again, on the map too
    _follow(session, event, "hazard", row, result, at=at, before=(status_before, row.department_id, reopened))
    return True


def _follow(
    session: Session,
    event: IncidentUpdated | HazardUpdated,
    record: str,
    row: Any,
    result: StoreResult,
    *,
    at: datetime,
    before: tuple[str, int | None, bool],
) -> None:
    """The item's handling follows the record (steps.follow_outside); the queues showing it redraw when it moved."""
    status_before, department_before, reopened = before
    moved = follow_outside(
        session,
        event,
        record,
        row,
        at=at,
        status_before=status_before,
        department_before=department_before,
        reopened=reopened,
    )
    if moved or str(row.status) != status_before:
        result.handled_townships.add(row.township_code)


def _end_patrol(session: Session, event: PatrolEnded, result: StoreResult) -> bool:
    ref = str(event.ref)
    row = session.scalars(select(PatrolLog).where(PatrolLog.event_id == ref)).first()
    if row is None:
        return False
    if row.ended_at is None:
        session.execute(
            update(PatrolLog)
            .where(PatrolLog.id == row.id)
            .values(
                ended_at=max(event.occurred_utc, row.started_at), distance_m=event.distance_m, findings=event.findings
            )
        )
    result.patrols_ended.append(event)  # now or before: the live state may not have heard of it yet
    return True
