"""Hypothesis strategies for stream entries that no retry can fix, each paired with the field its dead letter must
name: missing and extra fields, wrong types, huge strings, NaN and out-of-range coordinates, an unknown grid, times
in the future or the distant past (from when the API received the event), and entries that are no event at all."""

from __future__ import annotations

import json
import math
import string
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from dashboard.pipeline.events import HazardReported, IncidentReported
from tests.support.events import hazard_reported, incident_reported
from tests.support.factories import GRIDS

Entry = dict[str, str]  # the fields of a stream entry
Flawed = tuple[dict[str, Any], str]  # an event with one thing wrong, and the field its reason must name
Flaw = Callable[[dict[str, Any], datetime], st.SearchStrategy[Flawed]]

NOT_HEX = "ghijklmnopqrstuvwxyz"  # words that can never parse as a number, a UUID or a time
MODELS = {"incident.reported": IncidentReported, "hazard.reported": HazardReported}
OPTIONAL = {"version", "received_at", "source", "rental_house_id", "summary", "filed", "severity", "deadline"}
ENUMS = {"kind", "place_type", "category", "severity"}

words = st.text(alphabet=NOT_HEX, max_size=12)
containers = st.one_of(st.lists(st.integers(), max_size=3), st.dictionaries(words, st.integers(), max_size=2))
json_values = st.one_of(st.none(), st.booleans(), st.integers(), words, containers)
WRONG: dict[str, st.SearchStrategy[Any]] = {
    "type": st.one_of(st.integers(), words, containers),
    "event_id": st.one_of(st.integers(), words, containers, st.none()),
    "occurred_at": st.one_of(words, containers, st.none()),
    "lat": st.one_of(words, containers, st.none()),
    "lon": st.one_of(words, containers, st.none()),
    "device_id": st.one_of(st.integers(), st.floats(), containers, st.none()),
    "worker_code": st.one_of(st.integers(), st.floats(), containers, st.none()),
    "subtype": st.one_of(st.integers(), containers, st.none()),
    "grid_code": st.one_of(st.integers(), containers, st.none()),
    "summary": st.one_of(st.integers(), containers, st.none()),
    "kind": st.one_of(st.integers(), words, containers),
    "place_type": st.one_of(st.integers(), words, containers),
    "category": st.one_of(st.integers(), words, containers),
    "severity": st.one_of(st.integers(), words, containers),
}
MAX_LENGTH = {"summary": 2000, "device_id": 64, "worker_code": 64, "subtype": 64, "grid_code": 15}
visible = st.characters(exclude_categories=("Cs",)).filter(lambda char: not char.isspace())  # not stripped away


def reason_field(field: str) -> str:
    """Errors in the discriminator ('type') are reported for the event as a whole."""
    return "event" if field == "type" else field


def missing(event: dict[str, Any], _received: datetime) -> st.SearchStrategy[Flawed]:
    required = sorted(set(MODELS[event["type"]].model_fields) - OPTIONAL)
    return st.sampled_from(required).map(
        lambda field: ({key: value for key, value in event.items() if key != field}, reason_field(field))
    )


def extra(event: dict[str, Any], _received: datetime) -> st.SearchStrategy[Flawed]:
    names = st.from_regex(r"\A[a-z][a-z_]{0,15}\Z").filter(lambda name: name not in MODELS[event["type"]].model_fields)
    return st.tuples(names, json_values).map(lambda pair: ({**event, pair[0]: pair[1]}, pair[0]))


def wrong_type(event: dict[str, Any], _received: datetime) -> st.SearchStrategy[Flawed]:
    fields = sorted(field for field in WRONG if field in MODELS[event["type"]].model_fields)

    def with_value(field: str) -> st.SearchStrategy[Flawed]:
        allowed = enum_values(event["type"], field) if field in ENUMS else set()
        values = WRONG[field].filter(lambda value: not (isinstance(value, str) and value in allowed))
        return values.map(lambda value: ({**event, field: value}, reason_field(field)))

    return st.sampled_from(fields).flatmap(with_value)


def enum_values(event_type: str, field: str) -> set[str]:
    annotation = MODELS[event_type].model_fields[field].annotation
    return {member.value for member in annotation} if isinstance(annotation, type) else set()


def huge_string(event: dict[str, Any], _received: datetime) -> st.SearchStrategy[Flawed]:
    fields = sorted(field for field in MAX_LENGTH if field in event)

    def with_size(field: str) -> st.SearchStrategy[Flawed]:
        sizes = st.integers(MAX_LENGTH[field] + 1, 100_000)
        return st.tuples(visible, sizes).map(lambda drawn: ({**event, field: drawn[0] * drawn[1]}, field))

    return st.sampled_from(fields).flatmap(with_size)


def not_finite(event: dict[str, Any], _received: datetime) -> st.SearchStrategy[Flawed]:
    values = st.sampled_from([math.nan, math.inf, -math.inf])
    return st.tuples(st.sampled_from(["lat", "lon"]), values).map(lambda pair: ({**event, pair[0]: pair[1]}, pair[0]))


def out_of_range(event: dict[str, Any], _received: datetime) -> st.SearchStrategy[Flawed]:
    def beyond(limit: int) -> st.SearchStrategy[float | int]:
        return st.one_of(
            st.floats(min_value=limit, exclude_min=True, allow_infinity=False),
            st.floats(max_value=-limit, exclude_max=True, allow_infinity=False),
            st.integers(min_value=limit + 1),
            st.integers(max_value=-limit - 1),
            st.integers(min_value=10**300, max_value=10**400),  # too big even for a float
        )

    return st.one_of(
        beyond(90).map(lambda lat: ({**event, "lat": lat}, "lat")),
        beyond(180).map(lambda lon: ({**event, "lon": lon}, "lon")),
    )


def unknown_grid(event: dict[str, Any], _received: datetime) -> st.SearchStrategy[Flawed]:
    codes = st.from_regex(r"\A[0-9]{6}-[0-9]{3}-[0-9]{4}\Z").filter(lambda code: code not in GRIDS)
    return codes.map(lambda code: ({**event, "grid_code": code}, "grid_code"))


def implausible_time(event: dict[str, Any], received: datetime) -> st.SearchStrategy[Flawed]:
    future = st.integers(5 * 60 + 1, 10 * 365 * 86_400).map(lambda seconds: received + timedelta(seconds=seconds))
    ancient = st.integers(30 * 86_400 + 1, 200 * 365 * 86_400).map(
        lambda seconds: received - timedelta(seconds=seconds)
    )
    zones = st.integers(-12 * 4, 14 * 4).map(lambda quarters: timezone(timedelta(minutes=15 * quarters)))
    return st.tuples(st.one_of(future, ancient), zones).map(
        lambda drawn: ({**event, "occurred_at": drawn[0].astimezone(drawn[1]).isoformat()}, "occurred_at")
    )


FLAWS: list[Flaw] = [
    missing,
    extra,
    wrong_type,
    huge_string,
    not_finite,
    out_of_range,
    unknown_grid,
    implausible_time,
]


def no_event_field() -> st.SearchStrategy[Entry]:
    return st.dictionaries(words.filter(lambda name: name not in ("", "event")), words, min_size=1, max_size=3)


def not_json() -> st.SearchStrategy[Entry]:
    texts = st.text(alphabet=string.printable + "事件", max_size=40).filter(lambda text: not parses(text))
    return texts.map(lambda text: {"event": text})


def not_an_object() -> st.SearchStrategy[Entry]:
    values = st.one_of(st.none(), st.booleans(), st.integers(), words, st.lists(st.integers(), max_size=3))
    return values.map(lambda value: {"event": json.dumps(value)})


def parses(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


NO_EVENT = [no_event_field, not_json, not_an_object]


@st.composite
def malformed_entries(draw: st.DrawFn, received: datetime) -> tuple[Entry, str]:
    """A stream entry no retry can fix, and the field its dead letter's reason must name; each kind of flaw is
    about as likely as any other."""
    flaw = draw(st.sampled_from([*FLAWS, *NO_EVENT]))
    if flaw in NO_EVENT:
        return draw(flaw()), "event"
    at = received - timedelta(minutes=draw(st.integers(0, 600)))
    event = draw(st.sampled_from([incident_reported, hazard_reported]))(at)
    flawed, field = draw(flaw(event, received))
    stamped = {**flawed, "received_at": received.isoformat()}  # as the API stamps it
    return {"type": str(flawed.get("type")), "event": json.dumps(stamped, ensure_ascii=False)}, field
