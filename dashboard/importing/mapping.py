"""The mapping files (YAML) that tell an import how another system's files map onto ours.

- `GridMapping`: a GeoJSON of grid polygons: which feature property holds the grid's code, name, township and county
  (codes and names), the coordinate system, and the city's name;
- `RecordMapping`: a CSV or XLSX of incidents or hazards: column → field, value maps for coded fields, date formats,
  the coordinate system, the encoding, and the source system's name (part of each record's identity).

A wrong mapping stops the import with one line per problem, naming the field, e.g.
`mapping.yaml: columns.reported_at: field required for incidents`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml  # type: ignore[import-untyped]
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dashboard.config import known_zone
from dashboard.data.coordinates import System

RecordKind = Literal["incidents", "hazards"]
SOURCE = re.compile(r"[a-z0-9][a-z0-9_-]{0,23}")

INCIDENT_FIELDS = (
    "id",
    "kind",
    "subtype",
    "reported_at",
    "filed_at",
    "solved_at",
    "closed_at",
    "lat",
    "lon",
    "grid_code",
    "place_type",
    "source",
    "status",
    "summary",
    "solved",  # a yes/no flag (已破案/是): sets the status; solved_at comes from its column or `solved_at_from`
)
HAZARD_FIELDS = (
    "id",
    "category",
    "subtype",
    "severity",
    "found_at",
    "deadline",
    "rectified_at",
    "closed_at",
    "lat",
    "lon",
    "grid_code",
    "status",
    "summary",
)
TIME_FIELDS = frozenset({"reported_at", "filed_at", "solved_at", "closed_at", "found_at", "deadline", "rectified_at"})
CODED_FIELDS = frozenset({"kind", "subtype", "place_type", "source", "status", "category", "severity", "solved"})


class MappingError(Exception):
    """The mapping file is wrong; the message names the file and each wrong field."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CityNames(Strict):
    name: str = Field(min_length=1, max_length=32)  # 样例市
    name_en: str = Field("", max_length=64)


class GridProperties(Strict):
    """Feature property names (keys of `properties` in the GeoJSON)."""

    code: str
    name: str
    county: str  # the county's code: 6 digits (GB/T 2260); with area_codes, any value naming the county
    # the township's code: 9 digits, beginning with its county's code; with area_codes, any value naming the township
    # within its county, or none (each county is then one township)
    township: str | None = None
    township_name: str | None = None
    county_name: str | None = None
    township_name_en: str | None = None
    county_name_en: str | None = None
    urban: str | None = None  # a yes/no property (1/0, true/false, 是/否)


class AreaCodes(Strict):
    """County and township codes made from properties that hold other values (district names, beat sectors)."""

    prefix: str = Field(pattern=r"^\d{4}$")  # the 4 digits every county code begins with (province and city)
    # digits: the digits in the value, e.g. 'District 5' → <prefix>05 (a township: <county>005);
    # number: the distinct values numbered in their natural order (a township's within its county)
    county: Literal["digits", "number"] = "number"
    township: Literal["digits", "number"] = "number"


class GridMapping(Strict):
    city: CityNames
    coordinates: System = "wgs84"
    properties: GridProperties
    # keep: the file's grid codes already follow <county>-<township 3>-<grid 4>; generate: number each township's
    # grids 0001, 0002, ... in the order of the file's codes (the file's code is kept as the grid's source code).
    codes: Literal["keep", "generate"] = "keep"
    area_codes: AreaCodes | None = None  # none: the county and township properties hold our codes as they are
    # features with one code: merged into one grid (a multipolygon), or the later ones rejected
    same_code: Literal["merge", "reject"] = "merge"
    # the city's clock, an IANA zone (America/New_York): stored with the city, used by its pages, figures and files,
    # and the clock its record files are read on; none: DASHBOARD_TIMEZONE as the import runs (grid_zone.py)
    timezone: str | None = None

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else known_zone(value)

    @model_validator(mode="after")
    def _township(self) -> GridMapping:
        if self.properties.township is None and self.area_codes is None:
            raise ValueError("properties.township: field required (or make the codes with area_codes)")
        return self


class LocalTimes(Strict):
    """What to do with a local time the city's clock skips or repeats (daylight saving). Both default to reject,
    with a reason naming the field, the cell and the rule."""

    # 01:30 on the night the clocks go back happens twice: the first (earlier) or the second (later) of the two.
    ambiguous: Literal["reject", "earlier", "later"] = "reject"
    # 02:30 on the night the clocks go forward never happens: shift_forward moves it to the end of the gap (03:00).
    nonexistent: Literal["reject", "shift_forward"] = "reject"


class RecordMapping(Strict):
    records: RecordKind
    source: str  # the source system, e.g. "old-ps": with the id column, each record's identity
    encoding: Literal["auto", "utf-8", "gbk"] = "auto"
    sheet: str | None = None  # an XLSX sheet (default: the first)
    coordinates: System = "wgs84"
    date_formats: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
    local_times: LocalTimes = Field(default_factory=LocalTimes)
    columns: dict[str, str]  # field → column header
    values: dict[str, dict[str, str]] = Field(default_factory=dict)  # field → {value in the file: our code name}
    defaults: dict[str, str] = Field(default_factory=dict)  # field → code name, for an unmapped column or empty cell
    filed_at_from: Literal["none", "reported_at"] = "none"  # criminal cases with no filing time
    solved_at_from: Literal["none", "reported_at", "filed_at", "closed_at"] = "none"  # solved, with no solving time
    deadline_days: int | None = Field(None, ge=0, le=3650)  # hazards with no deadline: found_at + this many days

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        if not SOURCE.fullmatch(value):
            raise ValueError("1 to 24 characters: lower-case letters, digits, '-' or '_'")
        return value

    @field_validator("date_formats")
    @classmethod
    def _formats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or any("%" not in fmt for fmt in value):
            raise ValueError("a list of strftime formats, e.g. '%Y/%m/%d %H:%M'")
        return value

    @model_validator(mode="after")
    def _fields(self) -> RecordMapping:
        known = INCIDENT_FIELDS if self.records == "incidents" else HAZARD_FIELDS
        problems = []
        for section, names in (("columns", self.columns), ("values", self.values), ("defaults", self.defaults)):
            problems += [f"{section}.{name}: not a field of {self.records}" for name in names if name not in known]
        problems += [
            f"values.{name}: only coded fields have value maps"
            for name in self.values
            if name in known and name not in CODED_FIELDS
        ]
        moment = "reported_at" if self.records == "incidents" else "found_at"
        problems += [
            f"columns.{name}: field required for {self.records}"
            for name in ("lat", "lon", moment)
            if name not in self.columns
        ]
        coded = ("kind", "subtype") if self.records == "incidents" else ("category", "subtype")
        problems += [
            f"columns.{name}: field required for {self.records} (or give defaults.{name})"
            for name in coded
            if name not in self.columns and name not in self.defaults
        ]
        if self.records == "hazards" and "deadline" not in self.columns and self.deadline_days is None:
            problems.append("columns.deadline: field required for hazards (or give deadline_days)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def moment(self) -> str:
        """The time a record happened: reported_at or found_at."""
        return "reported_at" if self.records == "incidents" else "found_at"


def _describe(path: Path, error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        if not where:  # a whole-model check: its message already names each field
            lines += [f"{path.name}: {part}" for part in message.split("; ")]
        else:
            lines.append(f"{path.name}: {where}: {message}")
    return "\n".join(lines)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise MappingError(f"{path.name}: not UTF-8 text") from None
    except yaml.YAMLError as error:
        raise MappingError(f"{path.name}: not valid YAML: {error}") from None


def load_grid_mapping(path: Path) -> GridMapping:
    try:
        return GridMapping.model_validate(_read_yaml(path))
    except ValidationError as error:
        raise MappingError(_describe(path, error)) from None


def load_record_mapping(path: Path) -> RecordMapping:
    try:
        return RecordMapping.model_validate(_read_yaml(path))
    except ValidationError as error:
        raise MappingError(_describe(path, error)) from None
