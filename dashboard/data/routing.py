"""The routing matrix (分派矩阵, config/routing.yaml): each report's department, township platform and deadline.

`get_routing()` loads and validates the file once per process; a kind, subtype, hazard category or severity it
does not cover, or a department it does not list, raises `RoutingError` naming it (start-up stops there).
`routing.incident(kind, subtype)` and `routing.hazard(category, subtype, severity)` return a `Route`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from dashboard.config import ROOT
from dashboard.data.vocab import (
    HAZARD_SUBTYPES,
    SUBTYPES,
    HazardCategory,
    HazardSeverity,
    IncidentKind,
    Platform,
    values,
)

ROUTING_FILE = ROOT / "config" / "routing.yaml"


class RoutingError(ValueError):
    """The routing matrix is incomplete or wrong; the message names the entry."""


@dataclass(frozen=True)
class Route:
    department: str  # a department code, e.g. public_security
    platform: Platform
    severity: HazardSeverity
    deadline: timedelta  # from the report


@dataclass(frozen=True)
class Routing:
    incidents: dict[tuple[str, str], Route]  # (kind, subtype) → route
    hazards: dict[tuple[str, str, str], Route]  # (category, subtype, severity) → route
    departments: dict[str, Platform]

    def incident(self, kind: str, subtype: str) -> Route:
        try:
            return self.incidents[(str(kind), subtype)]
        except KeyError:
            raise RoutingError(f"no route for incident {kind}/{subtype}") from None

    def hazard(self, category: str, subtype: str, severity: str) -> Route:
        try:
            return self.hazards[(str(category), subtype, str(severity))]
        except KeyError:
            raise RoutingError(f"no route for hazard {category}/{subtype} ({severity})") from None


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RoutingError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _hours(value: Any, where: str) -> timedelta:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise RoutingError(f"{where}: expected a positive number of hours, got {value!r}")
    return timedelta(hours=float(value))


def _route(
    spec: Any, default: dict[str, Any], where: str, departments: dict[str, Platform], deadlines: dict[str, timedelta]
) -> Route:
    merged = {**default, **_mapping(spec, where)}
    department = merged.get("department")
    if department not in departments:
        raise RoutingError(f"{where}.department: unknown department {department!r} (not under departments:)")
    severity = merged.get("severity", HazardSeverity.GENERAL.value)
    if severity not in deadlines:
        raise RoutingError(f"{where}.severity: unknown severity {severity!r}; one of {', '.join(deadlines)}")
    unknown = set(merged) - {"department", "severity", "deadline_hours"}
    if unknown:
        raise RoutingError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    deadline = (
        _hours(merged["deadline_hours"], f"{where}.deadline_hours")
        if "deadline_hours" in merged
        else deadlines[severity]
    )
    return Route(department, departments[department], HazardSeverity(severity), deadline)


def _deadlines(raw: dict[str, Any], record: str) -> dict[str, timedelta]:
    table = _mapping(raw.get(record), f"deadlines.{record}")
    for severity in values(HazardSeverity):
        if severity not in table:
            raise RoutingError(f"deadlines.{record}: severity {severity!r} missing")
    return {severity: _hours(hours, f"deadlines.{record}.{severity}") for severity, hours in table.items()}


def _branch(section: dict[str, Any], name: str, subtypes: tuple[str, ...], where: str) -> dict[str, dict[str, Any]]:
    """The spec of each subtype of one kind or category: its override merged over the default."""
    if name not in section:
        raise RoutingError(f"{where}: {name!r} missing")
    entry = _mapping(section[name], f"{where}.{name}")
    default = _mapping(entry.get("default"), f"{where}.{name}.default")
    overrides = _mapping(entry.get("subtypes") or {}, f"{where}.{name}.subtypes")
    stray = set(overrides) - set(subtypes)
    if stray:
        raise RoutingError(f"{where}.{name}.subtypes: unknown subtype {sorted(stray)[0]!r}")
    return {
        subtype: {**default, **_mapping(overrides.get(subtype, {}), f"{where}.{name}.{subtype}")}
        for subtype in subtypes
    }


def parse(raw: Any) -> Routing:
    """Validate a loaded matrix: every kind, subtype, category and severity of the vocabulary must be covered."""
    raw = _mapping(raw, "routing")
    departments: dict[str, Platform] = {}
    for code, platform in _mapping(raw.get("departments"), "departments").items():
        if platform not in values(Platform):
            raise RoutingError(
                f"departments.{code}: unknown platform {platform!r}; one of {', '.join(values(Platform))}"
            )
        departments[str(code)] = Platform(platform)
    deadlines = _mapping(raw.get("deadlines"), "deadlines")
    incident_deadlines, hazard_deadlines = _deadlines(deadlines, "incident"), _deadlines(deadlines, "hazard")
    incidents = _mapping(raw.get("incidents"), "incidents")
    hazards = _mapping(raw.get("hazards"), "hazards")
    for section, known, where in (
        (incidents, values(IncidentKind), "incidents"),
        (hazards, values(HazardCategory), "hazards"),
    ):
        stray = set(section) - set(known)
        if stray:
            raise RoutingError(f"{where}: unknown {sorted(stray)[0]!r}")
    incident_routes = {
        (kind.value, subtype): _route(spec, {}, f"incidents.{kind.value}.{subtype}", departments, incident_deadlines)
        for kind in IncidentKind
        for subtype, spec in _branch(incidents, kind.value, SUBTYPES[kind], "incidents").items()
    }
    hazard_routes = {}
    for category in HazardCategory:
        for subtype, spec in _branch(hazards, category.value, HAZARD_SUBTYPES[category], "hazards").items():
            if "severity" in spec:
                raise RoutingError(f"hazards.{category.value}.{subtype}: a hazard's severity comes from its report")
            for severity in HazardSeverity:
                hazard_routes[(category.value, subtype, severity.value)] = _route(
                    {**spec, "severity": severity.value},
                    {},
                    f"hazards.{category.value}.{subtype}",
                    departments,
                    hazard_deadlines,
                )
    return Routing(incident_routes, hazard_routes, departments)


def load(path: Path = ROUTING_FILE) -> Routing:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RoutingError(f"{path}: cannot read the routing matrix ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise RoutingError(f"{path}: not valid YAML ({error})") from None
    try:
        return parse(raw)
    except RoutingError as error:
        raise RoutingError(f"{path}: {error}") from None


@lru_cache(maxsize=1)
def get_routing() -> Routing:
    return load()
