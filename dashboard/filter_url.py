"""The drill-down filter in the address: `?period=year&compare=yoy&area=331004&kind=criminal&subtype=theft` and back
(and `grain=day|week|month`, the buckets of the case-trend chart, so a deep link reopens the same chart; and
`within=30|90`, the N-day solve rate: cases solved within N days of filing, instead of solved by now).

The URL holds what the user chose (`period=year` is "this year to date", whatever today is), so a link reopens the
same view; `FilterParams.resolve(today)` turns it into the `DrillFilter` the queries count with. Defaults are left
out of the URL: `/trends` is the whole city, this year to date, against the same period last year, every kind.

Parsing never raises: each bad value becomes a `FieldError` naming the parameter and the value, and that field
falls back to its default, so the page shows the default view for it and says why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from urllib.parse import parse_qs, urlencode

from pydantic import ConfigDict
from typing_extensions import TypedDict  # pydantic checks it on Python 3.11

from dashboard.access.scope import area_of_code
from dashboard.config import Language
from dashboard.data.filters import Compare, DrillFilter
from dashboard.data.periods import CITY, FIRST_YEAR, LAST_YEAR, Area, AreaLevel, Period, shift_months
from dashboard.data.queries import SOLVE_WINDOWS, parse_solve_window
from dashboard.data.vocab import SUBTYPES, IncidentKind
from dashboard.i18n import t

MAX_CUSTOM_DAYS = 3660  # ten years: longer spans are refused rather than counted
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
SHOWN_CHARACTERS = 40  # how much of a bad value a message repeats
GRAINS = ("day", "week", "month")  # the buckets of the case-trend chart (dashboard.data.trends.GRAINS)


class PeriodChoice(StrEnum):
    MONTH = "month"  # this month to date
    YEAR = "year"  # this year to date
    LAST_12_MONTHS = "12m"  # the twelve whole months before this one
    CUSTOM = "custom"  # from .. to, both days included


class Param(StrEnum):
    """The URL parameters, by the names they have in the address."""

    PERIOD = "period"
    FROM = "from"
    TO = "to"
    COMPARE = "compare"
    AREA = "area"
    KIND = "kind"
    SUBTYPE = "subtype"
    GRAIN = "grain"
    WITHIN = "within"  # solve rates: solved within N days of filing (30 or 90); absent: solved by now


@dataclass(frozen=True)
class FieldError:
    """One bad parameter: which, the value as given, and why (an i18n key under `filter.hint.`)."""

    param: Param
    value: str
    reason: str

    def message(self, lang: Language | None = None) -> str:
        shown = self.value if len(self.value) <= SHOWN_CHARACTERS else self.value[:SHOWN_CHARACTERS] + "…"
        return t(
            "filter.bad_value",
            lang,
            field=self.param.value,
            label=t(f"filter.field.{self.param.value}", lang),
            value=shown,
            hint=t(f"filter.hint.{self.reason}", lang),
        )


@dataclass(frozen=True)
class FilterParams:
    """What the address asks for, before it meets today's date and the account's scope."""

    period: PeriodChoice = PeriodChoice.YEAR
    start: date | None = None  # custom periods only: the first day
    end: date | None = None  # custom periods only: the last day, included
    compare: Compare = Compare.LAST_YEAR
    area: Area = CITY
    kind: IncidentKind | None = None  # None: every kind
    subtype: str | None = None  # None: every subtype; else one of SUBTYPES[kind] (or of any kind, without a kind)
    grain: str | None = None  # the case-trend buckets; None: the period's default (day, week or month)
    solve_within: int | None = None  # the N-day solve rate (one of SOLVE_WINDOWS); None: solved by now

    def __post_init__(self) -> None:
        if self.subtype is not None and kind_of(self.subtype, self.kind) is None:
            of = "" if self.kind is None else f" of {self.kind}"
            raise ValueError(f"subtype: {self.subtype!r} is not a subtype{of}")
        if self.solve_within is not None and self.solve_within not in SOLVE_WINDOWS:
            raise ValueError(f"within: {self.solve_within!r} is not one of {SOLVE_WINDOWS}")
        if self.grain is not None and self.grain not in GRAINS:
            raise ValueError(f"grain: {self.grain!r} is not one of {GRAINS}")
        if (self.period is PeriodChoice.CUSTOM) != (self.start is not None and self.end is not None):
            raise ValueError("a custom period needs both days, and only a custom period has them")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"period: {self.end} is before {self.start}")

    def period_for(self, today: date) -> Period:
        """The calendar span the choice means on `today` (the city's date)."""
        first_of_month = today.replace(day=1)
        match self.period:
            case PeriodChoice.MONTH:
                return Period(first_of_month, today + timedelta(days=1))
            case PeriodChoice.YEAR:
                return Period.year_to_date(today)
            case PeriodChoice.LAST_12_MONTHS:
                return Period(shift_months(first_of_month, -12), first_of_month)
            case PeriodChoice.CUSTOM:
                assert self.start is not None and self.end is not None
                return Period(self.start, self.end + timedelta(days=1))

    def resolve(self, today: date, *, area: Area | None = None) -> DrillFilter:
        """The filter to count with; `area` replaces the asked one (the caller's scoped area)."""
        chosen = self.area if area is None else area
        kind = self.kind if self.subtype is None else kind_of(self.subtype, self.kind)  # counted with its kind
        return DrillFilter(self.period_for(today), self.compare, chosen, kind, self.subtype, self.solve_within)

    def with_area(self, area: Area) -> FilterParams:
        return replace(self, area=area)

    def with_subtype(self, subtype: str | None, kind: IncidentKind | None = None) -> FilterParams:
        """The same view with one subtype picked (ValueError for one not of the kind), or none. `kind`, the picked
        subtype's own (a chart's bar carries it), is taken when the view shows every kind and the subtype does not
        name its kind by itself (`other`, which every kind has)."""
        if subtype is not None and self.kind is None and kind is not None and kind_of(subtype) is None:
            return replace(self, subtype=subtype, kind=kind)
        return replace(self, subtype=subtype)

    def with_grain(self, grain: str | None) -> FilterParams:
        return replace(self, grain=grain)

    def with_solve_within(self, days: int | None) -> FilterParams:
        return replace(self, solve_within=days)

    def to_query(self) -> dict[str, str]:
        """The parameters that differ from the defaults, in a fixed order."""
        query: dict[str, str] = {}
        if self.period is not PeriodChoice.YEAR:
            query[Param.PERIOD.value] = self.period.value
        if self.start is not None and self.end is not None:
            query[Param.FROM.value], query[Param.TO.value] = self.start.isoformat(), self.end.isoformat()
        if self.compare is not Compare.LAST_YEAR:
            query[Param.COMPARE.value] = self.compare.value
        if self.area.code is not None:
            query[Param.AREA.value] = self.area.code
        if self.kind is not None:
            query[Param.KIND.value] = self.kind.value
        if self.subtype is not None:
            query[Param.SUBTYPE.value] = self.subtype
        if self.grain is not None:
            query[Param.GRAIN.value] = self.grain
        if self.solve_within is not None:
            query[Param.WITHIN.value] = str(self.solve_within)
        return query

    def to_search(self) -> str:
        """The query string, '?' included ('' for the default view)."""
        query = self.to_query()
        return f"?{urlencode(query)}" if query else ""

    def link(self, path: str) -> str:
        return f"{path}{self.to_search()}"

    def as_dict(self) -> dict[str, str | None]:
        """A JSON-able form, for a dcc.Store (read back with `from_dict`)."""
        return {
            "period": self.period.value,
            "from": None if self.start is None else self.start.isoformat(),
            "to": None if self.end is None else self.end.isoformat(),
            "compare": self.compare.value,
            "area": self.area.code,
            "kind": None if self.kind is None else self.kind.value,
            "subtype": self.subtype,
            "grain": self.grain,
            "within": None if self.solve_within is None else str(self.solve_within),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, str | None]) -> FilterParams:
        """The inverse of `as_dict`; a tampered store is parsed like an address (bad fields take defaults)."""
        return parse_query({key: value for key, value in data.items() if value is not None}).params


# The filter bar's store (ids.Drill.PARAMS): `as_dict()` plus the page's path and the messages of a bad address.
# Its callbacks take nothing else (dashboard/callback_inputs.py checks each input against its annotation), and a key
# it does not declare is refused rather than dropped silently (a new key forgotten here never reached the callbacks).
StoredParams = TypedDict(
    "StoredParams",
    {
        "period": str | None,
        "from": str | None,
        "to": str | None,
        "compare": str | None,
        "area": str | None,
        "kind": str | None,
        "subtype": str | None,
        "grain": str | None,
        "within": str | None,
        "path": str,
        "errors": list[str],
    },
    total=False,
)
StoredParams.__pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[attr-defined]  # as with_config does


@dataclass(frozen=True)
class Parsed:
    params: FilterParams
    errors: list[FieldError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said as they are: e.g. an area refused for the account's own

    def messages(self, lang: Language | None = None) -> list[str]:
        return [*(error.message(lang) for error in self.errors), *self.notes]


def parse_day(name: Param, raw: str, errors: list[FieldError]) -> date | None:
    try:  # fromisoformat alone would take 20260105 and 2026-W01-1 as well
        day = date.fromisoformat(raw) if ISO_DAY.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors.append(FieldError(name, raw, "date"))
        return None
    return day


def parse_period(query: Mapping[str, str], errors: list[FieldError]) -> tuple[PeriodChoice, date | None, date | None]:
    raw = query.get(Param.PERIOD.value, "")
    start_raw, end_raw = query.get(Param.FROM.value, ""), query.get(Param.TO.value, "")
    if not raw and (start_raw or end_raw):
        raw = PeriodChoice.CUSTOM.value  # ?from=…&to=… alone means a custom period
    if not raw:
        return PeriodChoice.YEAR, None, None
    try:
        choice = PeriodChoice(raw)
    except ValueError:
        errors.append(FieldError(Param.PERIOD, raw, "period"))
        return PeriodChoice.YEAR, None, None
    if choice is not PeriodChoice.CUSTOM:
        return choice, None, None  # stray from/to beside a named period are not used: nothing to complain about
    before = len(errors)
    if not start_raw or not end_raw:
        missing = Param.FROM if not start_raw else Param.TO
        errors.append(FieldError(missing, "", "missing"))
        return PeriodChoice.YEAR, None, None
    start, end = parse_day(Param.FROM, start_raw, errors), parse_day(Param.TO, end_raw, errors)
    if start is None or end is None or len(errors) > before:
        return PeriodChoice.YEAR, None, None
    if end < start:
        errors.append(FieldError(Param.TO, end_raw, "order"))
        return PeriodChoice.YEAR, None, None
    if (end - start).days >= MAX_CUSTOM_DAYS:
        errors.append(FieldError(Param.TO, end_raw, "span"))
        return PeriodChoice.YEAR, None, None
    return choice, start, end


def parse_query(query: Mapping[str, str | list[str]]) -> Parsed:
    """The filter a query asks for (as Dash hands it to `layout()`, or `parse_qs` gives it), and what was wrong."""
    errors: list[FieldError] = []
    single: dict[str, str] = {}
    for name in Param:
        value = query.get(name.value)
        if isinstance(value, list):  # ?kind=a&kind=b: which one was meant is anyone's guess
            errors.append(FieldError(name, ",".join(value), "repeated"))
        elif value is not None:
            single[name.value] = str(value).strip()
    period, start, end = parse_period(single, errors)
    compare = Compare.LAST_YEAR
    if raw := single.get(Param.COMPARE.value, ""):
        try:
            compare = Compare(raw)
        except ValueError:
            errors.append(FieldError(Param.COMPARE, raw, "compare"))
    area = CITY
    if raw := single.get(Param.AREA.value, ""):
        try:
            area = area_of_code(raw)
        except ValueError:
            errors.append(FieldError(Param.AREA, raw, "area"))
    kind = None
    if (raw := single.get(Param.KIND.value, "")) and raw != "all":
        try:
            kind = IncidentKind(raw)
        except ValueError:
            errors.append(FieldError(Param.KIND, raw, "kind"))
    subtype = parse_subtype(single, kind, errors)
    grain = None
    if raw := single.get(Param.GRAIN.value, ""):
        if raw in GRAINS:
            grain = raw
        else:
            errors.append(FieldError(Param.GRAIN, raw, "grain"))
    within = None
    try:
        within = parse_solve_window(single.get(Param.WITHIN.value))
    except ValueError:
        errors.append(FieldError(Param.WITHIN, single[Param.WITHIN.value], "within"))
    return Parsed(FilterParams(period, start, end, compare, area, kind, subtype, grain, within), errors)


def kind_of(subtype: str, kind: IncidentKind | None = None) -> IncidentKind | None:
    """The kind a subtype counts with: `kind` when it has that subtype, else (no kind given) the one kind that has
    it. None for a code no kind has, or, with no kind given, one every kind has (`other`: it needs its kind)."""
    owners = [owner for owner, subtypes in SUBTYPES.items() if subtype in subtypes]
    if kind is not None:
        return kind if kind in owners else None
    return owners[0] if len(owners) == 1 else None


def parse_subtype(query: Mapping[str, str], kind: IncidentKind | None, errors: list[FieldError]) -> str | None:
    """The subtype asked for: one of the kind's subtypes (dashboard.data.vocab.SUBTYPES), or of any kind without a
    kind (the kind shown stays "all"; the figures count that subtype of its kind). With a bad kind, none is used."""
    raw = query.get(Param.SUBTYPE.value, "")
    if not raw or raw == "all":
        return None
    if kind is None and query.get(Param.KIND.value, "") not in ("", "all"):
        return None  # the kind itself was bad (and named): the subtype cannot be checked against it
    if kind_of(raw, kind) is None:
        errors.append(FieldError(Param.SUBTYPE, raw, "subtype"))
        return None
    return raw


def parse_search(search: str | None) -> Parsed:
    """The same, from a query string as `dcc.Location.search` holds it ('?' optional)."""
    text = (search or "").removeprefix("?")
    parsed = parse_qs(text, keep_blank_values=True)
    return parse_query({key: values[0] if len(values) == 1 else values for key, values in parsed.items()})


def filter_store(drill: DrillFilter, params: FilterParams, path: str) -> dict[str, object]:
    """What the filter store holds: the filter the figures count with, and the address that shows it."""
    return {
        "start": drill.period.start.isoformat(),
        "end": drill.period.end.isoformat(),  # exclusive
        "compare": drill.compare.value,
        "level": drill.area.level.value,
        "area": drill.area.code,
        "kind": None if drill.kind is None else drill.kind.value,
        "subtype": drill.subtype,
        "within": drill.solve_within,
        "params": params.as_dict(),
        "path": path,
    }


@dataclass(frozen=True)
class StoredFilter:
    drill: DrillFilter  # resolved for today, within the account's area
    params: FilterParams  # the address of this view (its area the one shown)
    path: str  # the page

    def link(self, area: Area) -> str:
        """This page, these filters, another area."""
        return self.params.with_area(area).link(self.path)


def read_filter_store(data: Mapping[str, object]) -> StoredFilter:
    """The inverse of `filter_store` (ValueError or KeyError for a store that is not one)."""
    period = Period(date.fromisoformat(str(data["start"])), date.fromisoformat(str(data["end"])))
    area = Area(AreaLevel(str(data["level"])), None if data["area"] is None else str(data["area"]))
    kind = None if data["kind"] is None else IncidentKind(str(data["kind"]))
    subtype = data.get("subtype")
    params = data["params"]
    assert isinstance(params, Mapping)
    within = data.get("within")
    drill = DrillFilter(
        period,
        Compare(str(data["compare"])),
        area,
        kind,
        None if subtype is None else str(subtype),
        None if within is None else int(str(within)),
    )
    return StoredFilter(drill, FilterParams.from_dict(params), str(data["path"]))
