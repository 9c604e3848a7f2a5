"""The ingest API for the phone app: `POST /api/v1/events`, one event (a JSON object) or a batch (a JSON array).

- A bearer token per device; the events must carry that device's id. A worker's phone reports only from its
  worker's grid (its scope); a gateway token (no worker: another system's bridge) reports from anywhere.
- Each event is checked (docs/events.md); invalid ones are answered item by item and field by field, and nothing is
  written for them. What it names must exist: its grid, a rental house, a department. A worker's phone updates
  only records of its worker's grid: a stored record elsewhere is refused here, and every update carries the grid
  it may touch (`scope_grid`), so the consumer refuses one whose record was stored after it arrived.
  The valid ones are appended to the Redis stream in one MULTI/EXEC, and the answer (202, or 400 when some were
  invalid) comes only after Redis took them.
- A body nested deeper than MAX_DEPTH is refused (400) before anything else looks at it.
- Redis down: 503 with Retry-After, nothing written. Body size and batch length are limited.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from dashboard.config import get_settings
from dashboard.data import audit
from dashboard.data.casework import Outcome, locate, outcome_of
from dashboard.data.db import session_scope
from dashboard.data.directories import Directory, GridPlace, department_directory, grid_directory
from dashboard.data.handling import Actor, Refusal, Step
from dashboard.data.handling import check as check_step
from dashboard.data.models import Grid, Hazard, Incident, RentalHouse
from dashboard.data.redis_client import REDIS_DOWN, get_redis
from dashboard.data.tokens import Device, TokenCache
from dashboard.data.vocab import AuditAction
from dashboard.pipeline.events import (
    AnyEvent,
    HazardUpdated,
    IncidentReported,
    IncidentUpdated,
    Located,
    MalformedEvent,
    RecordStepTaken,
    parse_event,
)
from dashboard.pipeline.streams import append_events

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
MAX_DEPTH = 16  # an event is an object of plain values: two or three levels; 16 is generous

api = Blueprint("ingest", __name__, url_prefix="/api/v1")
tokens = TokenCache()
grids: Directory[GridPlace] = grid_directory()
departments: Directory[int] = department_directory()


def reset_caches() -> None:
    """Forget cached tokens, grids and departments (after the database changed, e.g. between tests)."""
    global tokens, grids, departments
    tokens, grids, departments = TokenCache(), grid_directory(), department_directory()


def problem(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error": message, **extra}), status


def authenticate() -> Device | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return tokens.device(token.strip())


def check(item: Any, device: Device, now: datetime) -> AnyEvent:
    """One item of the body as an event of this device, or MalformedEvent naming the field(s)."""
    event = parse_event(item, now=now)
    if isinstance(event, RecordStepTaken):  # it carries an account's role and area: only the app may vouch for them
        raise MalformedEvent("type: 'record.step' is taken in the app by a signed-in account, never sent by a device")
    if event.device_id != device.device_id:
        raise MalformedEvent(f"device_id: {event.device_id!r} is not the device this token was issued to")
    if device.worker_code and event.worker_code != device.worker_code:
        raise MalformedEvent(f"worker_code: {event.worker_code!r} is not the worker this device belongs to")
    if isinstance(event, IncidentUpdated) and event.department and departments.get(event.department) is None:
        raise MalformedEvent(f"department: unknown department {event.department!r}")
    if isinstance(event, IncidentUpdated | HazardUpdated):  # the phone's own grid, whatever the phone sent
        event = event.model_copy(update={"scope_grid": device.grid_code if device.worker_code else None})
    if isinstance(event, Located):
        if grids.get(event.grid_code) is None:
            raise MalformedEvent(f"grid_code: unknown grid {event.grid_code!r}")
        if device.worker_code and event.grid_code != device.grid_code:
            raise MalformedEvent(
                f"grid_code: {event.grid_code!r} is outside the grid of worker {device.worker_code} "
                f"({device.grid_code or 'no grid'}): a phone reports from its worker's grid only"
            )
    return event


def depth_of(value: Any) -> int:
    """How deeply lists and objects nest in a decoded JSON value (iteratively: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if depth < MAX_DEPTH + 1:
            stack.extend((child, depth + 1) for child in children)
    return deepest


def stored_refusals(events: Sequence[AnyEvent], device: Device) -> dict[int, str]:
    """Problems only the database can tell, by index: a rental house that does not exist, and (for a worker's
    phone) an update of a record stored in another grid. One query per kind of reference, for the whole batch."""
    houses = {e.rental_house_id for e in events if isinstance(e, IncidentReported) and e.rental_house_id}
    incident_refs = {str(e.ref) for e in events if isinstance(e, IncidentUpdated) and e.scope_grid}
    hazard_refs = {str(e.ref) for e in events if isinstance(e, HazardUpdated) and e.scope_grid}
    if not (houses or incident_refs or hazard_refs):
        return {}
    with session_scope() as session:
        known = set(session.scalars(select(RentalHouse.id).where(RentalHouse.id.in_(houses)))) if houses else set()
        record_grids: dict[str, str] = {}
        for model, refs in ((Incident, incident_refs), (Hazard, hazard_refs)):
            if refs:
                rows = session.execute(
                    select(model.event_id, Grid.code)
                    .join(Grid, Grid.id == model.grid_id)
                    .where(model.event_id.in_(refs))
                )
                record_grids.update({str(ref): str(code) for ref, code in rows})
    problems = {}
    for index, event in enumerate(events):
        if isinstance(event, IncidentReported) and event.rental_house_id and event.rental_house_id not in known:
            problems[index] = f"rental_house_id: no rental house {event.rental_house_id}"
        if isinstance(event, IncidentUpdated | HazardUpdated) and event.scope_grid:
            grid = record_grids.get(str(event.ref))
            if grid is not None and grid != event.scope_grid:
                problems[index] = (
                    f"ref: the record is in grid {grid}, outside the grid of worker {device.worker_code} "
                    f"({event.scope_grid}): a phone updates its worker's grid's records only"
                )
    return problems


def problems_of(error: MalformedEvent) -> list[dict[str, str]]:
    """'field: message; field: message' back into per-field items."""
    items = []
    for part in str(error).split("; "):
        field, _, message = part.partition(": ")
        items.append({"field": field, "message": message})
    return items


@api.post("/events")
def post_events() -> tuple[Response, int]:
    settings = get_settings()
    device = authenticate()
    if device is None:
        response, status = problem(401, "a valid device token is required (Authorization: Bearer <token>)")
        response.headers["WWW-Authenticate"] = 'Bearer realm="events"'
        return response, status
    if request.content_length is None:
        return problem(411, "the request needs a Content-Length")
    if request.content_length > settings.ingest_max_bytes:
        return problem(413, f"body: larger than {settings.ingest_max_bytes} bytes; send smaller batches")
    try:
        body = json.loads(request.get_data(cache=False))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return problem(400, f"body: not JSON ({error})")
    except RecursionError:
        return problem(400, f"body: nested deeper than {MAX_DEPTH} levels")
    if depth_of(body) > MAX_DEPTH:
        return problem(400, f"body: nested deeper than {MAX_DEPTH} levels")
    items = body if isinstance(body, list) else [body]
    if not items:
        return problem(400, "body: an empty batch")
    if len(items) > settings.ingest_max_batch:
        return problem(413, f"body: at most {settings.ingest_max_batch} events per request, got {len(items)}")
    now = datetime.now(UTC)
    checked: list[tuple[int, AnyEvent]] = []
    rejected: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            checked.append((index, check(item, device, now)))
        except MalformedEvent as error:
            event_id = item.get("event_id") if isinstance(item, dict) else None
            rejected.append({"index": index, "event_id": event_id, "problems": problems_of(error)})
    try:
        refused = stored_refusals([event for _, event in checked], device)
    except SQLAlchemyError as error:
        log.error("database unavailable for the ingest checks: %s", error)
        response, status = problem(503, "the database is unavailable; nothing was written, retry later")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response, status
    accepted = [event for number, (_, event) in enumerate(checked) if number not in refused]
    for number, message in refused.items():
        index, event = checked[number]
        rejected.append(
            {"index": index, "event_id": str(event.event_id), "problems": problems_of(MalformedEvent(message))}
        )
    rejected.sort(key=lambda item: int(item["index"]))
    try:
        stream_ids = append_events(get_redis(), accepted, received_at=now) if accepted else []
    except REDIS_DOWN as error:
        log.error("stream unavailable: %s", error)
        response, status = problem(503, "the event stream is unavailable; nothing was written, retry later")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response, status
    body = {
        "accepted": [
            {"event_id": str(event.event_id), "stream_id": stream_id}
            for event, stream_id in zip(accepted, stream_ids, strict=True)
        ],
        "rejected": rejected,
    }
    return jsonify(body), 400 if rejected else 202


# Steps in handling a record, taken in the app ---------------------------------------------------------------------
# They enter the same stream as the phones' events and are applied by the same consumers: one way to change a record.

STEP_DEVICE = "dashboard"  # the device_id of every step taken in the app
OUTCOME_WAIT_S = 5.0  # how long the screen that asked waits to tell its user what became of the step


def step_event(
    actor: Actor,
    record: str,
    row_id: int,
    step: Step,
    *,
    seen_version: int,
    action_id: UUID,
    note: str = "",
    department: str | None = None,
) -> RecordStepTaken:
    """The event of a step, as the stream carries it (validated like any event: a bad value names its field)."""
    return RecordStepTaken(
        type="record.step",
        event_id=action_id,
        device_id=STEP_DEVICE,
        worker_code=actor.username,
        occurred_at=datetime.now(UTC),
        record=record,  # the caller found it: incident or hazard
        row_id=row_id,
        step=step,
        actor_role=actor.role,
        actor_area=actor.area_code,
        seen_version=seen_version,
        note=note.strip(),
        department=department,
    )


def take_step(event: RecordStepTaken, *, wait_s: float = OUTCOME_WAIT_S) -> Outcome | None:
    """Ask for a step (`step_event`): judged at once against the record as stored (a refusal needs no round trip),
    then appended to the stream; the consumer judges it again as the record stands when it comes, and applies it or
    refuses it. Returns its outcome, or None when the consumers have not come to it within `wait_s` (it is in the
    stream and will be applied or refused). An action id asked for again gets the first one's outcome."""
    action_id, actor = str(event.event_id), Actor(event.worker_code, event.actor_role, event.actor_area)
    with session_scope() as session:
        known = outcome_of(session, action_id)
        if known is not None:
            return known
        found = locate(session, event.record, event.row_id)
        if found is None:
            return Outcome(False, Refusal("missing", {}), 0)
        _row, item = found
        try:
            check_step(event.step, item, actor, seen_version=event.seen_version, note=event.note,
                       department=event.department)  # fmt: skip
        except Refusal as refusal:
            detail = {"record": event.record, "id": event.row_id, "step": event.step.value, "reason": refusal.key}
            audit.record(session, actor.username, AuditAction.RECORD_STEP_REFUSED, detail | {"action": action_id})
            return Outcome(False, refusal, item.version)
    append_events(get_redis(), [event])
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        time.sleep(0.05)
        with session_scope() as session:
            known = outcome_of(session, action_id)
        if known is not None:
            return known
    return None
