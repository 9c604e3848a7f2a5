"""Records' handling in the database, read back: where an item stands (its handling row, or for a record no one
acted on yet its status, at version 0), what became of a step asked for, an item's detail and timeline, the queues,
the wall's counts and the handling times of /sla; and the queues' versions in Redis, which a step applied bumps.
Steps are applied by the stream consumer (dashboard/pipeline/steps.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from redis import Redis
from sqlalchemy import ColumnElement, Select, and_, func, null, select, true
from sqlalchemy.orm import Session

from dashboard.config import get_settings
from dashboard.data.city_zone import city_zone
from dashboard.data.handling import DONE, IN_PROGRESS, Level, Refusal, Situation, State
from dashboard.data.models import Department, Grid, GridWorker, Hazard, Incident, RecordHandling, RecordStep
from dashboard.data.periods import Area, AreaLevel, Period
from dashboard.data.sla import closing
from dashboard.data.vocab import Platform, Role

MODELS: dict[str, Any] = {"incident": Incident, "hazard": Hazard}
OUTSIDE = "outside"  # the actor_role of a step an outside system's update stood for (not an account's role)
INCIDENT_STATES = {
    "reported": State.REPORTED,
    "dispatched": State.DISPATCHED,
    "handling": State.HANDLING,
    "solved": State.RESOLVED,
    "resolved": State.RESOLVED,
    "closed": State.CLOSED,
}
HAZARD_STATES = {
    "open": State.REPORTED,
    "rectifying": State.HANDLING,
    "rectified": State.RESOLVED,
    "closed": State.CLOSED,
}


def record_state(record: str, status: str) -> State:
    """The state of a record no one acted on yet, from its status."""
    return (INCIDENT_STATES if record == "incident" else HAZARD_STATES).get(str(status), State.REPORTED)


def situation_of(record: str, row: Any, handling: RecordHandling | None, department: str | None) -> Situation:
    if handling is None:
        return Situation(record_state(record, row.status), 0, Level.TOWNSHIP, row.township_code, department)
    return Situation(State(handling.state), handling.version, Level(handling.level), row.township_code, department)


def department_code(session: Session, department_id: int | None) -> str | None:
    if department_id is None:
        return None
    return session.scalar(select(Department.code).where(Department.id == department_id))


# The queues' versions in Redis -----------------------------------------------------------------------------------


def queue_key(area_code: str | None) -> str:
    """A queue's version: a township's, a county's or (None) the city's; bumped by every step applied in it."""
    return f"{get_settings().live_prefix}queue:version:{area_code or 'city'}"


def bump_queues(client: Redis, townships: set[str]) -> None:
    if not townships:
        return
    pipe = client.pipeline(transaction=False)
    for code in {None, *townships, *(township[:6] for township in townships)}:
        pipe.incr(queue_key(code))
    pipe.execute()


def queue_version(client: Redis, area_code: str | None) -> int:
    return int(client.get(queue_key(area_code)) or 0)


# The outcome of an action, for the screen that asked --------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    applied: bool
    refusal: Refusal | None
    version: int


def outcome_of(session: Session, action_id: str) -> Outcome | None:
    """What became of an action (None: not stored yet)."""
    row = session.scalars(select(RecordStep).where(RecordStep.action_id == action_id)).first()
    if row is None:
        return None
    if row.outcome == "applied":
        return Outcome(True, None, row.version)
    reason = json.loads(row.reason or "{}")
    return Outcome(False, Refusal(str(reason.pop("key", "unknown")), reason), row.version)


def locate(session: Session, record: str, record_id: int) -> tuple[Any, Situation] | None:
    """A record and where it stands (None: no such record)."""
    model = MODELS.get(record)
    if model is None:
        return None
    row = session.get(model, record_id)
    if row is None:
        return None
    handling = session.scalars(
        select(RecordHandling).where(RecordHandling.record == record, RecordHandling.record_id == record_id)
    ).first()
    department = department_code(session, handling.department_id if handling else row.department_id)
    return row, situation_of(record, row, handling, department)


def timeline(session: Session, record: str, record_id: int) -> list[RecordStep]:
    """The steps applied to a record, oldest first."""
    query = (
        select(RecordStep)
        .where(RecordStep.record == record, RecordStep.record_id == record_id, RecordStep.outcome == "applied")
        .order_by(RecordStep.version)
    )
    return list(session.scalars(query))


# Reading: one item, the queues, the wall's counts -----------------------------------------------------------------

DUE_SOON = timedelta(hours=24)  # an item due within this is amber in the queue; past its deadline, red


def sla_colour(deadline: datetime | None, now: datetime) -> str:
    """The queue's colour of an open item: red past its deadline, amber within DUE_SOON of it, green before."""
    if deadline is None:
        return "none"
    if deadline < now:
        return "red"
    return "amber" if deadline - now < DUE_SOON else "green"


def _area_of(model: Any, area: Area) -> ColumnElement[bool]:
    """Records (or handling rows) of an area; a grid is read through its township (queues never go below)."""
    if area.level is AreaLevel.CITY or area.code is None:
        return true()
    if area.level is AreaLevel.COUNTY:
        return model.county_code == area.code  # type: ignore[no-any-return]
    township = area.code.replace("-", "")[:9]  # a grid's code begins with its township's, dashed
    return and_(model.county_code == township[:6], model.township_code == township)


def item_detail(session: Session, record: str, record_id: int) -> dict[str, Any] | None:
    """Everything the item's own view shows: what was reported, where, by whom, its routing, where it stands and its
    timeline (plain values; the caller checks the account's area against `township_code`)."""
    found = locate(session, record, record_id)
    if found is None:
        return None
    row, item = found
    grid = session.get(Grid, row.grid_id)
    worker = session.execute(
        select(GridWorker.code, GridWorker.name).where(GridWorker.grid_id == row.grid_id).order_by(GridWorker.id)
    ).first()
    handling = session.scalars(
        select(RecordHandling).where(RecordHandling.record == record, RecordHandling.record_id == record_id)
    ).first()
    department = None
    if row.department_id is not None:
        dept = session.get(Department, row.department_id)
        if dept is not None:
            platform = str(dept.platform) if dept.platform else None
            department = {"code": dept.code, "name": dept.name, "name_en": dept.name_en, "platform": platform}
    names = session.execute(select(Department.id, Department.name, Department.name_en)).all()
    department_names = {id_: (name, name_en) for id_, name, name_en in names}
    reported_at = row.reported_at if record == "incident" else row.found_at
    steps = [
        {
            "step": step.step,
            "actor": step.actor,
            "role": step.actor_role,
            "at": step.at,
            "note": step.note,
            "department": department_names.get(step.department_id) if step.department_id else None,
            "to_state": step.to_state,
        }
        for step in timeline(session, record, record_id)
    ]
    if not steps:  # handled before the app took part (or by another system): the times its status kept
        columns = (
            [
                ("dispatch", row.dispatched_at),
                ("note", row.handling_at),
                ("report", row.solved_at),
                ("close", row.closed_at),
            ]
            if record == "incident"
            else [("note", row.rectifying_at), ("report", row.rectified_at), ("close", row.closed_at)]
        )
        steps = [
            {"step": step, "actor": None, "role": None, "at": at, "note": "", "department": None, "to_state": None}
            for step, at in columns
            if at is not None
        ]
    return {
        "record": record,
        "id": record_id,
        "what": str(row.kind) if record == "incident" else str(row.category),
        "subtype": row.subtype,
        "severity": None if record == "incident" else str(row.severity),
        "summary": row.summary or "",
        "lat": row.lat,
        "lon": row.lon,
        "grid_code": grid.code if grid else None,
        "grid_name": grid.name if grid else None,
        "geometry": grid.geometry if grid else None,
        "township_code": row.township_code,
        "county_code": row.county_code,
        "worker": None if worker is None else {"code": worker.code, "name": worker.name},
        "source": str(row.source) if record == "incident" else "patrol",
        "reported_at": reported_at,
        "department": department,
        "deadline": row.deadline,
        # when the deadline's clock stopped: the close, or for a hazard its rectification (the SLA's rule)
        "done_at": row.closed_at if record == "incident" else (row.rectified_at or row.closed_at),
        "state": item.state.value,
        "version": item.version,
        "level": item.level.value,
        "urged": handling.urged if handling else 0,
        "steps": steps,
    }


@dataclass(frozen=True)
class QueueFilter:
    state: State | None = None  # one state only
    mine: bool = False  # only the items awaiting a step of this role
    overdue: bool = False
    record: str | None = None  # incident | hazard
    platform: Platform | None = None  # the township platform of the item's department


MINE = {  # the states in which an item waits for a step of the role's kind
    "command": frozenset({State.REPORTED, State.SENT_BACK, State.RESOLVED}),
    "township": frozenset({State.DISPATCHED, State.ACCEPTED, State.HANDLING}),
}
OPEN_STATES = frozenset(State) - DONE


def awaiting(role: Role) -> frozenset[State]:
    return MINE["township"] if role is Role.TOWNSHIP_STAFF else MINE["command"]


def _untouched_states(record: str) -> dict[str, State]:
    """The open statuses of a record no one acted on, and the state each stands for."""
    states = INCIDENT_STATES if record == "incident" else HAZARD_STATES
    return {status: state for status, state in states.items() if state not in DONE}


def overdue_now(model: Any, now: datetime) -> ColumnElement[bool]:
    """Overdue, by the SLA's rule (dashboard/data/sla.py): past the deadline and its clock still running (an
    incident not closed, a hazard not rectified). The queue, the wall's tile and /sla count the same records."""
    return and_(closing(model).is_(None), model.deadline < now)


def _of_platform(model: Any, platform: Platform | None) -> ColumnElement[bool]:
    """Records whose department belongs to the township platform (any, for None)."""
    if platform is None:
        return true()
    return model.department_id.in_(select(Department.id).where(Department.platform == platform))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class _Open:
    """The open items of one kind of record in an area, as two selects sharing their filters: those someone acted on
    in the app (their handling row says where they stand) and the others (their status says it)."""

    record: str
    model: Any
    area: Area
    where: ColumnElement[bool]  # on the record: the platform, overdue
    handled: ColumnElement[bool]  # whether a handling row exists for it

    @classmethod
    def of(cls, record: str, area: Area, chosen: QueueFilter, now: datetime) -> _Open:
        model = MODELS[record]
        where = _of_platform(model, chosen.platform)
        if chosen.overdue:
            where = and_(where, overdue_now(model, now))
        handled = (
            select(RecordHandling.id)
            .where(RecordHandling.record == record, RecordHandling.record_id == model.id)
            .exists()
        )
        return cls(record, model, area, where, handled)

    def acted_on(self, *columns: Any) -> Select[Any]:
        return (
            select(*columns)
            .select_from(RecordHandling)
            .join(self.model, and_(RecordHandling.record == self.record, RecordHandling.record_id == self.model.id))
            .where(_area_of(RecordHandling, self.area), self.where)
        )

    def untouched(self, *columns: Any, statuses: list[str] | None = None) -> Select[Any]:
        """The open records no one acted on (in `statuses`, else in any open one), read through closed_at NULL (a
        few thousand in the city, by its index)."""
        statuses = statuses or list(_untouched_states(self.record))
        return (
            select(*columns)
            .where(_area_of(self.model, self.area), self.model.closed_at.is_(None), self.where)
            .where(self.model.status.in_(statuses), ~self.handled)
        )

    def counts(self, session: Session) -> dict[str, int]:
        """How many are open in each state."""
        found: dict[str, int] = {}
        query = self.acted_on(RecordHandling.state, func.count()).where(
            RecordHandling.state.in_([state.value for state in OPEN_STATES])
        )
        for state, number in session.execute(query.group_by(RecordHandling.state)):
            found[state] = found.get(state, 0) + int(number)
        statuses = _untouched_states(self.record)
        for status, number in session.execute(
            self.untouched(self.model.status, func.count()).group_by(self.model.status)
        ):
            state = statuses[str(status)].value
            found[state] = found.get(state, 0) + int(number)
        return found

    def nearest(self, session: Session, wanted: set[State], limit: int) -> list[tuple[Any, ...]]:
        """The open items in the wanted states, nearest deadline first: (deadline, record, id, state, version, level,
        urged, whether its SLA clock stopped)."""
        model, stopped = self.model, closing(self.model).is_not(None)
        found: list[tuple[Any, ...]] = []
        rows = session.execute(
            self.acted_on(
                model.deadline,
                model.id,
                RecordHandling.state,
                RecordHandling.version,
                RecordHandling.level,
                RecordHandling.urged,
                stopped,
            )
            .where(RecordHandling.state.in_([state.value for state in wanted]))
            .order_by(model.deadline.is_(None), model.deadline, model.id)
            .limit(limit)
        )
        for deadline, record_id, state, version, level, urged, done in rows:
            found.append((deadline, self.record, record_id, State(state), version, level, urged, bool(done)))
        statuses = {status: state for status, state in _untouched_states(self.record).items() if state in wanted}
        if statuses:
            untouched = session.execute(
                self.untouched(model.deadline, model.id, model.status, stopped, statuses=list(statuses))
                .order_by(model.deadline.is_(None), model.deadline, model.id)
                .limit(limit)
            )
            for deadline, record_id, status, done in untouched:
                state = statuses[str(status)]
                found.append((deadline, self.record, record_id, state, 0, Level.TOWNSHIP.value, 0, bool(done)))
        return found


def queue(
    session: Session, area: Area, role: Role, chosen: QueueFilter, *, now: datetime, limit: int = 200
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The open items of an area, nearest deadline first (at most `limit`), and how many are open in each state
    (the filter's record, platform and overdue choices applied, not its state). An item is open until closed: those
    acted on by their handling row, the others by their status."""
    wanted = {chosen.state} if chosen.state else set(awaiting(role)) if chosen.mine else set(OPEN_STATES)
    counts: dict[str, int] = {}
    candidates: list[tuple[Any, ...]] = []
    for record in MODELS:
        if chosen.record not in (None, record):
            continue
        items = _Open.of(record, area, chosen, now)
        for state, number in items.counts(session).items():
            counts[state] = counts.get(state, 0) + number
        candidates += items.nearest(session, wanted, limit)
    # Ties broken by record and id: PostgreSQL returns equal deadlines in no fixed order, and a queue whose rows
    # swap places on each redraw (or whose 200th row changes) misleads the operator reading it.
    candidates.sort(key=lambda item: (item[0] is None, item[0] or now, item[1], item[2]))
    return _queue_rows(session, candidates[:limit], now), counts


def _queue_rows(session: Session, picked: list[Any], now: datetime) -> list[dict[str, Any]]:
    """The queue's rows: each item's kind, place and department, besides where it stands."""
    details: dict[tuple[str, int], Any] = {}
    for record, model in MODELS.items():
        ids = [record_id for _, kind, record_id, *_ in picked if kind == record]
        if not ids:
            continue
        what = model.kind if record == "incident" else model.category
        query = (
            select(
                model.id, what, model.subtype, model.township_code, model.summary, Department.code, Department.platform
            )
            .outerjoin(Department, Department.id == model.department_id)
            .where(model.id.in_(ids))
        )
        details.update({(record, row[0]): row for row in session.execute(query)})
    rows = []
    for deadline, record, record_id, state, version, level, urged, stopped in picked:
        _id, what, subtype, township, summary, department, platform = details[(record, record_id)]
        rows.append(
            {
                "record": record,
                "id": record_id,
                "what": str(what),
                "subtype": subtype,
                "township_code": township,
                "summary": summary or "",
                "department": department,
                "platform": str(platform) if platform else None,
                "state": state.value,
                "version": version,
                "level": level,
                "urged": urged or 0,
                "deadline": deadline,
                "clock_stopped": stopped,
                "colour": "none" if stopped else sla_colour(deadline, now),
            }
        )
    return rows


def loop_counts(session: Session, area: Area, *, now: datetime, day_start: datetime) -> dict[str, int]:
    """The wall's three figures: items in progress (dispatched and not yet closed: the queue's 待签收, 已签收, 处置中
    and 已反馈), overdue (by the SLA's rule, as /sla lists them) and closed today (since `day_start`, the city day's
    first moment, naive UTC)."""
    in_progress = overdue = closed = 0
    for record, model in MODELS.items():
        counts = _Open.of(record, area, QueueFilter(), now).counts(session)
        in_progress += sum(counts.get(state.value, 0) for state in IN_PROGRESS)
        overdue += session.scalar(
            select(func.count()).select_from(model).where(_area_of(model, area), overdue_now(model, now))
        ) or 0  # fmt: skip
        closed += _closed_since(session, model, area, day_start)
    return {"in_progress": in_progress, "overdue": overdue, "closed_today": closed}


def _closed_since(session: Session, model: Any, area: Area, since: datetime) -> int:
    """How many records of the area closed since `since` (today: a few thousand in the city at most). The day's closes
    are read by their index and counted by area here: asked for an area's, SQLite's planner walked the county's
    years instead (its statistics cannot tell how few records close in a day)."""
    townships = session.scalars(select(model.township_code).where(model.closed_at >= since))
    if area.level is AreaLevel.CITY or area.code is None:
        return sum(1 for _ in townships)
    if area.level is AreaLevel.COUNTY:
        return sum(1 for township in townships if township.startswith(area.code))
    wanted = area.code.replace("-", "")[:9]
    return sum(1 for township in townships if township == wanted)


# Handling times, for /sla ----------------------------------------------------------------------------------------

TIME_COLUMNS = ["key", "items", "to_dispatch", "to_accept", "to_close", "sent_back"]


def _handled_rows(session: Session, period: Period, area: Area, as_of: datetime) -> pd.DataFrame:
    """Incidents and hazards reported in the period, with the moments of their handling known by `as_of`: reported,
    first dispatched (the record's own time, or the first dispatch step), first signed for, closed (a hazard: when
    rectified, as the SLA counts it), and whether it was ever sent back."""
    start, end = period.utc_bounds(city_zone())
    frames = []
    for record, model in MODELS.items():
        found = model.reported_at if record == "incident" else model.found_at
        dispatched = model.dispatched_at if record == "incident" else null()
        closed = model.closed_at if record == "incident" else model.rectified_at
        query = (
            select(model.id, Department.code, model.township_code, model.county_code, found, dispatched, closed)
            .outerjoin(Department, Department.id == model.department_id)
            .where(_area_of(model, area), found >= start, found < end)
        )
        rows = pd.DataFrame(
            [tuple(row) for row in session.execute(query)],
            columns=["id", "department", "township", "county", "reported", "dispatched", "closed"],
        )
        steps = session.execute(
            select(RecordStep.record_id, RecordStep.step, func.min(RecordStep.at))
            .where(RecordStep.record == record, RecordStep.outcome == "applied", RecordStep.at >= start)
            .where(RecordStep.at <= as_of, RecordStep.step.in_(["dispatch", "accept", "send_back"]))
            .group_by(RecordStep.record_id, RecordStep.step)
        ).all()
        first = {(record_id, step): at for record_id, step, at in steps}
        if not rows.empty:
            rows["dispatched"] = [
                d if d is not None and d <= as_of else first.get((i, "dispatch"))
                for i, d in zip(rows["id"], rows["dispatched"], strict=True)
            ]
            rows["accepted"] = [first.get((i, "accept")) for i in rows["id"]]
            rows["sent_back"] = [(i, "send_back") in first for i in rows["id"]]
            rows["closed"] = [c if c is not None and c <= as_of else None for c in rows["closed"]]
            frames.append(rows)
    if not frames:
        return pd.DataFrame(columns=["department", "township", "county", "reported", "dispatched", "accepted",
                                     "closed", "sent_back"])  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def _hours(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.total_seconds() / 3600


def handling_times(session: Session, period: Period, area: Area, *, by: str, as_of: datetime) -> pd.DataFrame:
    """Per department, township or county (`by`): items reported in the period, and the median hours from report to
    dispatch, from dispatch to signing for, from report to close, and the share of the dispatched sent back at least
    once, as known at `as_of` (for last year's period: `as_of` one year back, so both had the same time to close)."""
    rows = _handled_rows(session, period, area, as_of)
    if rows.empty:
        return pd.DataFrame({name: [] for name in TIME_COLUMNS})
    rows = rows.assign(
        key=rows[by].fillna("unassigned"),
        to_dispatch=_hours(rows["dispatched"], rows["reported"]),
        to_accept=_hours(rows["accepted"], rows["dispatched"]),
        to_close=_hours(rows["closed"], rows["reported"]),
        was_dispatched=rows["dispatched"].notna(),
    )
    tally = rows.groupby("key", as_index=False).agg(
        items=("key", "size"),
        to_dispatch=("to_dispatch", "median"),
        to_accept=("to_accept", "median"),
        to_close=("to_close", "median"),
        dispatched=("was_dispatched", "sum"),
        sent=("sent_back", "sum"),
    )
    tally["sent_back"] = [s / d if d else None for s, d in zip(tally["sent"], tally["dispatched"], strict=True)]
    return tally[TIME_COLUMNS].sort_values("key", ignore_index=True)
