"""The event contract of the phone app (平安通), version 1: what a report looks like on the wire and in the stream.

Every event carries a client-generated `event_id` (UUID: the idempotency key), the `device_id` and `worker_code`
that sent it, `occurred_at` on the device clock with its time zone, and gets `received_at` from the server.
Reports (`incident.reported`, `hazard.reported`, `patrol.started`) create a record whose identity is the report's
event id; the events that follow a record name it in `ref`. The same validation runs in the ingest API and in the
stream consumer, so an entry that reached the stream some other way is judged by the same rules.
docs/events.md describes the contract for the app's developers.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dashboard.data.areas import GRID_CODE
from dashboard.data.handling import Step
from dashboard.data.vocab import (
    HAZARD_SUBTYPES,
    SUBTYPES,
    HazardCategory,
    HazardSeverity,
    IncidentKind,
    PlaceType,
    ReportSource,
    Role,
)

CONTRACT_VERSION = 1
MAX_SUMMARY = 2000  # characters of free text in a report
MAX_FUTURE = timedelta(minutes=5)  # device clocks run a little fast; more than this is a broken clock
MAX_AGE = timedelta(days=30)  # a phone may be offline for a while, not for months
MAX_DEADLINE = timedelta(days=365)  # a rectification deadline a year out is a typing error, not a plan
GRID_CODE_PATTERN = f"^{GRID_CODE.pattern}$"
MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds, on PostgreSQL as on SQLite's side of the contract
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # control characters but tab, line feed, return


def no_control(value: str) -> str:
    """Refuse NUL and other control characters: PostgreSQL cannot store NUL in text, and none belongs in a report."""
    if found := CONTROL.search(value):
        raise ValueError(f"contains the control character U+{ord(found.group()):04X}")
    return value


Text = Annotated[str, AfterValidator(no_control)]
GridCode = Annotated[str, Field(pattern=GRID_CODE_PATTERN)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
ShortText = Annotated[Text, Field(min_length=1, max_length=64)]


class MalformedEvent(ValueError):
    """An event that no retry can fix. The message names the field, e.g. `occurred_at: more than 5 minutes …`."""


class Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    version: Literal[1] = 1  # CONTRACT_VERSION
    event_id: UUID
    device_id: ShortText
    worker_code: ShortText
    occurred_at: AwareDatetime
    received_at: AwareDatetime | None = None  # set by the server; a client's value is replaced

    @field_validator("occurred_at")
    @classmethod
    def _plausible_time(cls, value: datetime, info: ValidationInfo) -> datetime:
        now = (info.context or {}).get("now") or datetime.now(UTC)
        if value - now > MAX_FUTURE:
            raise ValueError(f"more than {MAX_FUTURE.seconds // 60} minutes in the future (device clock wrong?)")
        if now - value > MAX_AGE:
            raise ValueError(f"more than {MAX_AGE.days} days old")
        return value

    @property
    def occurred_utc(self) -> datetime:
        """`occurred_at` as naive UTC, the form the database stores."""
        return self.occurred_at.astimezone(UTC).replace(tzinfo=None)

    @property
    def record_id(self) -> str:
        """The id of the record this event is about: its own id for a report, `ref` for what follows."""
        return str(getattr(self, "ref", self.event_id))

    def to_json(self) -> str:
        return self.model_dump_json()


class Located(Event):
    grid_code: GridCode
    lat: Latitude
    lon: Longitude


class IncidentReported(Located):
    type: Literal["incident.reported"]
    kind: IncidentKind
    subtype: ShortText
    place_type: PlaceType
    source: ReportSource = ReportSource.PATROL
    rental_house_id: int | None = Field(None, ge=1, le=MAX_ID)  # a stored rental house (the ingest API checks)
    summary: Text = Field("", max_length=MAX_SUMMARY)
    filed: bool | None = None  # criminal cases: filed (立案) on report unless false; other kinds: never

    @field_validator("subtype")
    @classmethod
    def _known_subtype(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind is not None and value not in SUBTYPES[kind]:
            raise ValueError(f"not a subtype of {kind.value}: expected one of {', '.join(SUBTYPES[kind])}")
        return value

    @field_validator("filed")
    @classmethod
    def _only_criminal_cases_are_filed(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        if value and info.data.get("kind") not in (None, IncidentKind.CRIMINAL):
            raise ValueError("only criminal cases are filed")
        return value

    @property
    def is_filed(self) -> bool:
        return self.kind is IncidentKind.CRIMINAL and self.filed is not False


class IncidentUpdated(Event):
    type: Literal["incident.updated"]
    ref: UUID  # the incident.reported event
    # Set by the server: the only grid whose records the sending phone may update (its worker's); None for a gateway.
    # A value sent by the phone is replaced, like received_at.
    scope_grid: GridCode | None = None
    status: Literal["dispatched", "handling", "solved", "resolved", "closed"] | None = None
    filed: Literal[True] | None = None  # a criminal case filed after it was reported
    department: ShortText | None = None
    note: Text = Field("", max_length=MAX_SUMMARY)

    @model_validator(mode="after")
    def _something_changes(self) -> IncidentUpdated:
        if self.status is None and self.filed is None and self.department is None:
            raise ValueError("an update needs a status, filed or a department")
        return self


class HazardReported(Located):
    type: Literal["hazard.reported"]
    category: HazardCategory
    subtype: ShortText
    severity: HazardSeverity = HazardSeverity.GENERAL
    deadline: AwareDatetime | None = None  # by default, from the routing rules
    summary: Text = Field("", max_length=MAX_SUMMARY)

    @field_validator("subtype")
    @classmethod
    def _known_subtype(cls, value: str, info: ValidationInfo) -> str:
        category = info.data.get("category")
        if category is not None and value not in HAZARD_SUBTYPES[category]:
            raise ValueError(
                f"not a subtype of {category.value}: expected one of {', '.join(HAZARD_SUBTYPES[category])}"
            )
        return value

    @field_validator("deadline")
    @classmethod
    def _deadline_after_found(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        found = info.data.get("occurred_at")
        if value is not None and found is not None and value < found:
            raise ValueError("before the hazard was found (occurred_at)")
        if value is not None and found is not None and value - found > MAX_DEADLINE:
            raise ValueError(f"more than {MAX_DEADLINE.days} days after the hazard was found (occurred_at)")
        return value


class HazardUpdated(Event):
    type: Literal["hazard.updated"]
    ref: UUID
    scope_grid: GridCode | None = None  # set by the server, as for IncidentUpdated
    status: Literal["rectifying", "rectified", "closed"]
    note: Text = Field("", max_length=MAX_SUMMARY)


class PatrolStarted(Located):
    type: Literal["patrol.started"]


class PatrolPosition(Event):
    type: Literal["patrol.position"]
    ref: UUID  # the patrol.started event
    lat: Latitude
    lon: Longitude
    accuracy_m: float | None = Field(None, ge=0, le=10_000, allow_inf_nan=False)


class PatrolEnded(Event):
    type: Literal["patrol.ended"]
    ref: UUID
    distance_m: float = Field(ge=0, le=200_000, allow_inf_nan=False)
    findings: int = Field(0, ge=0, le=1000)


class RecordStepTaken(Event):
    """A step in handling a record (dashboard/data/handling.py), taken by an account in the app: `event_id` is the
    action's id (a double click sends it twice: one step), `worker_code` the account's username, `device_id` the
    app. The account's role and area travel with it: the consumer judges the step by them, against the record as
    it stands then. Never accepted from a phone (the ingest API refuses the type)."""

    type: Literal["record.step"]
    record: Literal["incident", "hazard"]
    row_id: int = Field(ge=1, le=2**63 - 1)  # the record's id in its table
    step: Step
    actor_role: Role
    actor_area: Annotated[str, Field(pattern=r"^\d{6}(\d{3})?$")] | None = None  # None: the whole city
    seen_version: int = Field(ge=0, le=MAX_ID)  # the version the actor's screen showed
    note: Text = Field("", max_length=MAX_SUMMARY)
    department: ShortText | None = None  # dispatched to


AnyEvent = Annotated[
    IncidentReported
    | IncidentUpdated
    | HazardReported
    | HazardUpdated
    | PatrolStarted
    | PatrolPosition
    | PatrolEnded
    | RecordStepTaken,
    Field(discriminator="type"),
]
EVENT = TypeAdapter(AnyEvent)
EVENT_TYPES = (
    "incident.reported", "incident.updated", "hazard.reported", "hazard.updated", "patrol.started",
    "patrol.position", "patrol.ended", "record.step",
)  # fmt: skip


def describe(error: ValidationError) -> list[dict[str, str]]:
    """Per-field messages, e.g. [{"field": "lat", "message": "Input should be less than or equal to 90"}]."""
    problems = []
    for item in error.errors():
        location = [str(part) for part in item["loc"] if part not in EVENT_TYPES]  # drop the union's branch name
        problems.append({"field": ".".join(location) or "event", "message": item["msg"].removeprefix("Value error, ")})
    return problems


def summarise(problems: list[dict[str, str]]) -> str:
    return "; ".join(f"{problem['field']}: {problem['message']}" for problem in problems)


def parse_event(data: Any, *, now: datetime | None = None) -> AnyEvent:
    """A validated event from a decoded JSON object. Raises MalformedEvent naming the field(s)."""
    if not isinstance(data, dict):
        raise MalformedEvent("event: expected a JSON object")
    try:
        return EVENT.validate_python(data, context={"now": now or datetime.now(UTC)})
    except ValidationError as error:
        raise MalformedEvent(summarise(describe(error))) from None


def stream_fields(event: AnyEvent, received_at: datetime) -> dict[str, str]:
    """The entry the ingest API appends to the stream: the event, stamped with the server's time (also a field of
    its own, so that a reader knows it before parsing the event)."""
    stamped = event.model_copy(update={"received_at": received_at})
    return {"type": event.type, "event": stamped.to_json(), "received_at": received_at.isoformat()}


def from_stream(fields: dict[str, str], *, now: datetime | None = None) -> AnyEvent:
    """The event in a stream entry. An old event is still good here: the API checked its age when it arrived."""
    raw = fields.get("event")
    if raw is None:
        raise MalformedEvent("event: the stream entry has no 'event' field")
    received = fields["received_at"] if "received_at" in fields else stamp_inside(raw)
    try:
        at = datetime.fromisoformat(received) if isinstance(received, str) else None
    except ValueError:
        at = None
    try:  # straight from the JSON text: half the CPU of json.loads and then validating the dict
        return EVENT.validate_json(raw, context={"now": at or now or datetime.now(UTC)})
    except ValidationError as error:
        raise MalformedEvent(summarise(describe(error))) from None


def stamp_inside(raw: str) -> object:
    """The `received_at` inside the event's JSON (entries written without it as a field of its own)."""
    try:
        data = json.loads(raw, parse_constant=lambda name: math.nan)
    except ValueError:
        return None
    return data.get("received_at") if isinstance(data, dict) else None
