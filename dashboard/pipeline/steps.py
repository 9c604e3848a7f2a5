"""Applying the steps of records' handling that the stream carries, in the consumer's transaction (called by
store.py): each step judged by the state machine (dashboard/data/handling.py) against the record as it stands now.

- A step is applied once: its action id is the key of its `record_step` row, so a replayed entry, or a double
  click's second copy, finds it there and changes nothing.
- Each step is judged with the role and area its account had when it asked, and the version its screen showed: of
  two people acting on the same version, the first in the stream wins and the other is refused, told who did what.
  A refused step is kept with its reason, for the screen that asked and for the audit log.
- An applied step also moves the record's own status and times forward (dispatched, handling, resolved or
  rectified, closed) with their rollup deltas, so every page that counts records sees the same. Reopening takes the
  record back to work: no longer closed, and a hazard no longer rectified (its rectification is what its deadline
  and the SLA count: a reopened hazard past its deadline is overdue again). A case solved stays solved.
- An outside system's update (`incident.updated`, `hazard.updated`, from the phones' API; applied by store.py)
  moves an item someone acted on in the app the same way: the state its new status stands for, as a step in the
  timeline by the outside system (`actor_role` OUTSIDE, the sender as actor), once (its event id is the action id),
  audited. An item no one acted on in the app needs nothing more: its status is where it stands.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.data import audit
from dashboard.data.casework import MODELS, OUTSIDE, department_code, record_state, situation_of
from dashboard.data.handling import RULES, Actor, Level, Refusal, State, Step, check, next_level
from dashboard.data.models import Department, RecordHandling, RecordStep
from dashboard.data.periods import utc_now
from dashboard.data.rollups import RollupDeltas
from dashboard.data.vocab import AuditAction, IncidentStatus
from dashboard.pipeline.events import HazardUpdated, IncidentUpdated, RecordStepTaken

STEP_RECORD_STATUS = {  # what each step makes of the record's own status (forward only, but reopen)
    Step.DISPATCH: ("dispatched", None),
    Step.REDISPATCH: ("dispatched", None),
    Step.ACCEPT: ("handling", "rectifying"),
    Step.NOTE: ("handling", "rectifying"),
    Step.REPORT: ("resolved", "rectified"),
    Step.CLOSE: ("closed", "closed"),
}
INCIDENT_RANK = {"reported": 0, "dispatched": 1, "handling": 2, "solved": 3, "resolved": 3, "closed": 4}
HAZARD_RANK = {"open": 0, "rectifying": 1, "rectified": 2, "closed": 3}
# How far along the loop a state is: an outside update moves an item forward only (but for a reopen).
STATE_RANK = {
    State.REPORTED: 0,
    State.SENT_BACK: 0,
    State.DISPATCHED: 1,
    State.ACCEPTED: 2,
    State.HANDLING: 3,
    State.RESOLVED: 4,
    State.CLOSED: 5,
    State.REVIEWED: 6,
}
STEP_TO = {  # the step an outside status stands for, by the state it brings the item to
    State.DISPATCHED: Step.DISPATCH,
    State.HANDLING: Step.NOTE,
    State.RESOLVED: Step.REPORT,
    State.CLOSED: Step.CLOSE,
}
# The outside statuses that, sent after the record's close, reopen it (a case solved after its close stays closed:
# the police solved what had been handed over to them).
REOPENING = {"incident": frozenset({"dispatched", "handling"}), "hazard": frozenset({"rectifying"})}
CLOSING = {"incident": frozenset({"closed"}), "hazard": frozenset({"rectified", "closed"})}


@dataclass
class Applied:
    """What a batch of steps changed, for the live state and the queues' versions."""

    townships: set[str]
    solved: list[Any]  # incidents newly resolved (rollups)
    rectified: list[Any]  # hazards newly rectified or closed
    reopened: list[Any]  # hazards open again


# Applying steps (the consumer) ---------------------------------------------------------------------------------


def apply_steps(session: Session, steps: Sequence[RecordStepTaken], deltas: RollupDeltas) -> Applied:
    """Apply or refuse each step, in stream order, in the caller's transaction."""
    applied = Applied(set(), [], [], [])
    done = set(
        session.scalars(select(RecordStep.action_id).where(RecordStep.action_id.in_([str(s.event_id) for s in steps])))
    )
    for event in steps:
        action_id = str(event.event_id)
        if action_id in done:
            continue  # applied or refused by an earlier delivery, or the other copy of a double click
        done.add(action_id)
        _apply_one(session, event, deltas, applied)
    return applied


def _locked_handling(session: Session, record: str, record_id: int) -> RecordHandling | None:
    query = select(RecordHandling).where(RecordHandling.record == record, RecordHandling.record_id == record_id)
    return session.scalars(query.with_for_update()).first()


def _apply_one(session: Session, event: RecordStepTaken, deltas: RollupDeltas, applied: Applied) -> None:
    model = MODELS[event.record]
    row = session.scalars(select(model).where(model.id == event.row_id).with_for_update()).first()
    actor = Actor(event.worker_code, event.actor_role, event.actor_area)
    if row is None:
        _refuse(session, event, Refusal("missing", {}), State.REPORTED, 0)
        return
    handling = _locked_handling(session, event.record, event.row_id)
    current = situation_of(event.record, row, handling, department_code(session, row.department_id))
    department_id = None
    try:
        to_state = check(
            event.step, current, actor, seen_version=event.seen_version, note=event.note, department=event.department
        )
        if event.department is not None and RULES[event.step].needs_department:
            department_id = session.scalar(select(Department.id).where(Department.code == event.department))
            if department_id is None:
                raise Refusal("department", {})
    except Refusal as refusal:
        if refusal.key == "stale":
            refusal = _what_happened(session, event, refusal)
        _refuse(session, event, refusal, current.state, current.version)
        return
    now = utc_now()
    if handling is None:
        handling = RecordHandling(
            record=event.record,
            record_id=event.row_id,
            township_code=row.township_code,
            county_code=row.county_code,
            version=0,
            level=Level.TOWNSHIP.value,
            urged=0,
            deadline=row.deadline,
        )
        session.add(handling)
    handling.state, handling.version = to_state.value, current.version + 1
    handling.level = next_level(current, event.step).value
    handling.updated_at = now
    handling.urged = (handling.urged or 0) + (event.step is Step.URGE)
    if department_id is not None:
        handling.department_id = department_id
    session.add(step_row(event, "applied", current.state, to_state, current.version + 1, department_id=department_id))
    _move_record(event, row, department_id, deltas, applied)
    session.flush()
    detail = {"record": event.record, "id": event.row_id, "step": event.step.value, "to": to_state.value}
    audit.record(session, actor.username, AuditAction.RECORD_STEP, detail | {"action": str(event.event_id)})
    applied.townships.add(row.township_code)


def _move_record(
    event: RecordStepTaken, row: Any, department_id: int | None, deltas: RollupDeltas, applied: Applied
) -> None:
    """The record's own status and times, as the rest of the app reads them."""
    at = max(event.occurred_utc, row.reported_at if event.record == "incident" else row.found_at)
    if department_id is not None:
        row.department_id = department_id
    if event.step is Step.REOPEN:
        reopen_record(event.record, row, "dispatched" if event.record == "incident" else "rectifying", at, deltas)
        if event.record == "hazard":
            applied.reopened.append(row)
        return
    incident_status, hazard_status = STEP_RECORD_STATUS.get(event.step, (None, None))
    if event.record == "incident" and incident_status is not None:
        if incident_status == "resolved" and str(row.kind) == "criminal":
            incident_status = "handling"  # a criminal case is solved (破案) by the police's own report, not this one
        if incident_status == "resolved" and row.solved_at is None:
            row.solved_at = at
            applied.solved.append(row)
            deltas.incident_solved(row)
        column = {"dispatched": "dispatched_at", "handling": "handling_at", "closed": "closed_at"}.get(incident_status)
        if column and getattr(row, column) is None:
            setattr(row, column, at)
        if INCIDENT_RANK[incident_status] > INCIDENT_RANK[str(row.status)]:
            row.status = IncidentStatus(incident_status)
    if event.record == "hazard" and hazard_status is not None:
        column = {"rectifying": "rectifying_at", "rectified": "rectified_at", "closed": "closed_at"}[hazard_status]
        if column == "rectified_at" and row.rectified_at is None:
            row.rectified_at = at
            deltas.hazard_rectified(row)
        elif getattr(row, column) is None:
            setattr(row, column, at)
        if HAZARD_RANK[hazard_status] > HAZARD_RANK[str(row.status)]:
            row.status = hazard_status
        if str(row.status) in ("rectified", "closed"):
            applied.rectified.append(row)


def reopen_record(record: str, row: Any, status: str, at: datetime, deltas: RollupDeltas) -> None:
    """Back to work (the app's reopen, or an outside system's update after the close): no longer closed, and a
    hazard no longer rectified, with the rollups' rectified counts taken back. A case solved stays solved: the
    solve rate counts 破案, which reopening the work on it does not undo."""
    row.closed_at = None
    row.status = status
    if record == "hazard" and row.rectified_at is not None:
        deltas.hazard_unrectified(row)
        row.rectified_at = None
    column = {"dispatched": "dispatched_at", "handling": "handling_at", "rectifying": "rectifying_at"}.get(status)
    if column and getattr(row, column) is None:
        setattr(row, column, at)


def done_at(record: str, row: Any) -> datetime | None:
    """When the record's work ended, for an outside reopen: an incident's close; a hazard's rectification (or its
    close, for one closed without a word of its rectification)."""
    ended: datetime | None = row.closed_at if record == "incident" else row.rectified_at or row.closed_at
    return ended


def outside_reopens(record: str, row: Any, status: str, at: datetime) -> bool:
    """Whether an outside update reopens the record: a status of the work under way, sent for a moment after the
    work ended. One from before the end was only delivered late, and changes nothing."""
    ended = done_at(record, row)
    return status in REOPENING[record] and ended is not None and at > ended


def closed_before_reopening(session: Session, record: str, record_id: int, status: str, at: datetime) -> bool:
    """Whether an outside update closing the record (closed; a hazard's rectified) is from before the record was last
    reopened, and so delivered late: it must not close the work again."""
    if status not in CLOSING[record]:
        return False
    reopened = session.scalar(
        select(func.max(RecordStep.at)).where(
            RecordStep.record == record,
            RecordStep.record_id == record_id,
            RecordStep.step == Step.REOPEN.value,
            RecordStep.outcome == "applied",
        )
    )
    return reopened is not None and at <= reopened


def follow_outside(
    session: Session,
    event: IncidentUpdated | HazardUpdated,
    record: str,
    row: Any,
    *,
    at: datetime,
    status_before: str,
    department_before: int | None,
    reopened: bool,
) -> bool:
    """An outside update applied to the record (store.py), in the item's handling: an item someone acted on in the
    app moves to the state the record's new status stands for (forward only, but a reopen), or records the new
    department, as a step by the outside system. Whether the item moved."""
    handling = _locked_handling(session, record, row.id)
    if handling is None:
        return False  # its status is where it stands (casework.record_state)
    current, target = State(handling.state), record_state(record, str(row.status))
    if reopened:
        step = Step.REOPEN
    elif str(row.status) != status_before and STATE_RANK[target] > STATE_RANK[current]:
        step = STEP_TO[target]
    elif row.department_id != department_before:
        step, target = Step.REDISPATCH, current
    else:
        return False
    action = str(event.event_id)
    if session.scalar(select(RecordStep.id).where(RecordStep.action_id == action)) is not None:
        return False  # a replayed update found its step
    department_id = row.department_id if row.department_id != department_before else None
    handling.state, handling.version = target.value, handling.version + 1
    handling.updated_at = utc_now()
    if department_id is not None:
        handling.department_id = department_id
    session.add(
        RecordStep(
            action_id=action,
            record=record,
            record_id=row.id,
            step=step.value,
            outcome="applied",
            actor=event.worker_code,
            actor_role=OUTSIDE,
            from_state=current.value,
            to_state=target.value,
            department_id=department_id,
            note=event.note,
            version=handling.version,
            at=at,
            stored_at=utc_now(),
        )
    )
    session.flush()
    detail = {"record": record, "id": row.id, "step": step.value, "to": target.value, "action": action}
    audit.record(session, event.worker_code, AuditAction.RECORD_STEP, detail | {"by": OUTSIDE})
    return True


def _what_happened(session: Session, event: RecordStepTaken, refusal: Refusal) -> Refusal:
    """A lost race, told: who took which step since the version the actor saw, and when."""
    last = session.scalars(
        select(RecordStep)
        .where(
            RecordStep.record == event.record,
            RecordStep.record_id == event.row_id,
            RecordStep.outcome == "applied",
            RecordStep.version > event.seen_version,
        )
        .order_by(RecordStep.version)
        .limit(1)
    ).first()
    if last is None:
        return refusal
    values = {"step": event.step.value, "by": last.actor, "did": last.step, "at": last.stored_at.isoformat()}
    if last.actor_role == OUTSIDE:
        values["by_role"] = OUTSIDE  # the screen names it an outside system's
    return Refusal("stale", values)


def step_row(
    event: RecordStepTaken,
    outcome: str,
    from_state: State,
    to_state: State,
    version: int,
    *,
    department_id: int | None = None,
    reason: str | None = None,
) -> RecordStep:
    """A step as kept: applied (the record's version after it) or refused (its reason, the version as it stood)."""
    return RecordStep(
        action_id=str(event.event_id),
        record=event.record,
        record_id=event.row_id,
        step=event.step.value,
        outcome=outcome,
        reason=reason,
        actor=event.worker_code,
        actor_role=event.actor_role.value,
        from_state=from_state.value,
        to_state=to_state.value,
        department_id=department_id,
        note=event.note,
        version=version,
        at=event.occurred_utc,
        stored_at=utc_now(),
    )


def _refuse(
    session: Session,
    event: RecordStepTaken,
    refusal: Refusal,
    state: State,
    version: int,
) -> None:
    reason = json.dumps({"key": refusal.key, **refusal.values}, ensure_ascii=False, sort_keys=True)
    session.add(step_row(event, "refused", state, state, version, reason=reason))
    session.flush()
    detail = {"record": event.record, "id": event.row_id, "step": event.step.value, "reason": refusal.key}
    audit.record(session, event.worker_code, AuditAction.RECORD_STEP_REFUSED, detail | {"action": str(event.event_id)})
