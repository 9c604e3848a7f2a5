"""Record tables behind the figures: incidents, hazards, patrols, rental houses and key persons, one page at a time.

A page of records is asked for the way dash-ag-grid's infinite row model asks: rows `start`..`end`, a sort model
(`[{"colId": "reported_at", "sort": "desc"}]`) and a filter model (`{"status": {"filterType": "text", "type":
"contains", "filter": "处置"}}`). Every column name, operator and value is checked against the columns below before
any SQL is built (values are bound parameters, LIKE wildcards escaped), and anything else is a `RecordQueryError`
that names the field. The area is already within the account's scope (the caller intersects it).

Personal fields (ID numbers, phone numbers) leave this module masked; they can be neither filtered nor sorted on
(a filter on a masked column would let anyone probe for the hidden digits). Report text always has its ID and
phone numbers masked. `unmask` hands one record's full numbers to a role allowed to see them, and audits it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, not_, or_, select, true
from sqlalchemy.orm import Session

from dashboard.access.masking import mask_id_number, mask_phone, mask_text
from dashboard.access.roles import may_unmask
from dashboard.access.scope import in_area
from dashboard.config import Language, get_settings
from dashboard.data import audit
from dashboard.data.areas import grids_in, records_in
from dashboard.data.city_zone import city_zone
from dashboard.data.filters import Compare, DrillFilter
from dashboard.data.models import Grid, GridWorker, Hazard, Incident, PatrolLog, PersonOfConcern, RentalHouse
from dashboard.data.periods import FIRST_YEAR, LAST_YEAR, Area, AreaLevel, Period
from dashboard.data.sla import overdue_ids
from dashboard.data.vocab import (
    HAZARD_SUBTYPES,
    SUBTYPES,
    AuditAction,
    HazardCategory,
    HazardSeverity,
    HazardStatus,
    IncidentKind,
    IncidentStatus,
    PersonCategory,
    PlaceType,
    Role,
    values,
)
from dashboard.formatting import local_time
from dashboard.i18n import TEXT, t

MAX_BLOCK = 500  # rows in one request, at most
COUNT_CAP = 10_000  # counted exactly up to here; beyond it the table says "more than 10,000"
MAX_FILTER_TEXT = 100
KEY_PERSON_REASONS = ("repeat_petitioner", "criminal_record", "stability_risk", "long_running_dispute",
                      "community_correction", "released_prisoner", "drug_rehabilitation", "severe_mental_illness",
                      "troubled_youth")  # fmt: skip


class RecordKind(StrEnum):
    INCIDENTS = "incidents"
    HAZARDS = "hazards"
    PATROLS = "patrols"
    RENTAL_HOUSES = "rental_houses"
    KEY_PERSONS = "key_persons"


class ColumnType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"  # a stored naive-UTC moment, shown and filtered on the city's clock
    CODE = "code"  # a code name shown by its label; filtered as text against the labels (and the codes)


class RecordQueryError(ValueError):
    """A request the tables cannot answer: `field` names what is wrong (a column, sort, startRow, …)."""

    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(f"{field_name}: {problem}")
        self.field = field_name
        self.problem = problem

    def text(self, lang: Language | None = None) -> str:
        return t("records.bad_request", lang, field=self.field, problem=self.problem)


class NotAllowed(PermissionError):
    """The account may not do this (unmask), or the record lies outside its area."""


@dataclass(frozen=True)
class Column:
    name: str
    expression: Any  # a SQL expression of the query below
    type: ColumnType
    sortable: bool = True
    filterable: bool = True
    labels: str = ""  # CODE columns: the i18n family of their labels, e.g. "kind"
    codes: tuple[str, ...] = ()  # CODE columns: every code
    mask: Callable[[str], str] | None = None  # personal columns: how they are masked (never sorted or filtered)

    def show(self, value: Any, lang: Language) -> Any:
        if value is None:
            return None
        if self.mask is not None:
            return self.mask(str(value))
        if self.type is ColumnType.DATE:
            return local_time(value, city_zone())[:16]
        if self.type is ColumnType.CODE:
            key = f"{self.labels}.{value}"
            return t(key, lang) if key in TEXT else str(value)
        if self.name == "summary":
            return mask_text(str(value))  # report text from the phone app: its numbers never leave masked
        return value


@dataclass(frozen=True)
class Table:
    kind: RecordKind
    model: Any
    columns: tuple[Column, ...]
    moment: Column | None  # the time the period counts by (None: a registry, not bound to a period)
    personal: tuple[str, ...] = ()  # columns that `unmask` reveals
    joins: tuple[tuple[Any, Any], ...] = field(default=())

    def column(self, name: Any, what: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise RecordQueryError(what, t("records.unknown_column", column=str(name)[:40]))


def _code(name: str, expression: Any, family: str, codes: Sequence[str]) -> Column:
    return Column(name, expression, ColumnType.CODE, labels=family, codes=tuple(codes))


def _tables() -> dict[RecordKind, Table]:
    incident_subtypes = list(dict.fromkeys(s for group in SUBTYPES.values() for s in group))  # `other` once
    hazard_subtypes = list(dict.fromkeys(s for group in HAZARD_SUBTYPES.values() for s in group))
    incident_moment = Column("reported_at", Incident.reported_at, ColumnType.DATE)
    hazard_moment = Column("found_at", Hazard.found_at, ColumnType.DATE)
    patrol_moment = Column("started_at", PatrolLog.started_at, ColumnType.DATE)
    return {
        RecordKind.INCIDENTS: Table(
            RecordKind.INCIDENTS,
            Incident,
            (
                Column("id", Incident.id, ColumnType.NUMBER),
                incident_moment,
                _code("kind", Incident.kind, "kind", values(IncidentKind)),
                _code("subtype", Incident.subtype, "subtype", incident_subtypes),
                _code("status", Incident.status, "records.status", values(IncidentStatus)),
                _code("place_type", Incident.place_type, "place", values(PlaceType)),
                Column("grid_code", Grid.code, ColumnType.TEXT),
                Column("summary", Incident.summary, ColumnType.TEXT, sortable=False, filterable=False),
            ),
            incident_moment,
            joins=((Grid, Grid.id == Incident.grid_id),),
        ),
        RecordKind.HAZARDS: Table(
            RecordKind.HAZARDS,
            Hazard,
            (
                Column("id", Hazard.id, ColumnType.NUMBER),
                hazard_moment,
                _code("category", Hazard.category, "category", values(HazardCategory)),
                _code("subtype", Hazard.subtype, "subtype", hazard_subtypes),
                _code("severity", Hazard.severity, "records.severity", values(HazardSeverity)),
                _code("status", Hazard.status, "records.hazard_status", values(HazardStatus)),
                Column("deadline", Hazard.deadline, ColumnType.DATE),
                Column("grid_code", Grid.code, ColumnType.TEXT),
                Column("summary", Hazard.summary, ColumnType.TEXT, sortable=False, filterable=False),
            ),
            hazard_moment,
            joins=((Grid, Grid.id == Hazard.grid_id),),
        ),
        RecordKind.PATROLS: Table(
            RecordKind.PATROLS,
            PatrolLog,
            (
                Column("id", PatrolLog.id, ColumnType.NUMBER),
                patrol_moment,
                Column("ended_at", PatrolLog.ended_at, ColumnType.DATE),
                Column("worker", GridWorker.name, ColumnType.TEXT),
                Column("grid_code", Grid.code, ColumnType.TEXT),
                Column("distance_m", PatrolLog.distance_m, ColumnType.NUMBER),
                Column("findings", PatrolLog.findings, ColumnType.NUMBER),
            ),
            patrol_moment,
            joins=((Grid, Grid.id == PatrolLog.grid_id), (GridWorker, GridWorker.id == PatrolLog.worker_id)),
        ),
        RecordKind.RENTAL_HOUSES: Table(
            RecordKind.RENTAL_HOUSES,
            RentalHouse,
            (
                Column("id", RentalHouse.id, ColumnType.NUMBER),
                Column("grid_code", Grid.code, ColumnType.TEXT),
                Column("address", RentalHouse.address, ColumnType.TEXT),
                Column("landlord_name", RentalHouse.landlord_name, ColumnType.TEXT),
                Column("landlord_phone", RentalHouse.landlord_phone, ColumnType.TEXT, False, False, mask=mask_phone),
                Column("registered_tenants", RentalHouse.registered_tenants, ColumnType.NUMBER),
            ),
            None,
            personal=("landlord_phone",),
            joins=((Grid, Grid.id == RentalHouse.grid_id),),
        ),
        RecordKind.KEY_PERSONS: Table(
            RecordKind.KEY_PERSONS,
            PersonOfConcern,
            (
                Column("id", PersonOfConcern.id, ColumnType.NUMBER),
                Column("grid_code", Grid.code, ColumnType.TEXT),
                Column("name", PersonOfConcern.name, ColumnType.TEXT),
                _code("category", PersonOfConcern.category, "records.person", values(PersonCategory)),
                _code("reason", PersonOfConcern.reason, "records.reason", KEY_PERSON_REASONS),
                Column("id_number", PersonOfConcern.id_number, ColumnType.TEXT, False, False, mask=mask_id_number),
                Column("phone", PersonOfConcern.phone, ColumnType.TEXT, False, False, mask=mask_phone),
            ),
            None,
            personal=("id_number", "phone"),
            joins=((Grid, Grid.id == PersonOfConcern.grid_id),),
        ),
    }


TABLES = _tables()


def table_of(kind: Any) -> Table:
    try:
        return TABLES[RecordKind(kind)]
    except ValueError:
        raise RecordQueryError("kind", t("records.unknown_kind", kind=str(kind)[:40])) from None


# --- the area, the period and the kind of incident (the page's filter) ---


def area_clause(table: Table, area: Area) -> ColumnElement[bool]:
    """Keep the table's rows in `area`, through an index each table has."""
    model = table.model
    if area.level is AreaLevel.CITY:
        return true()
    if table.kind is RecordKind.PATROLS:
        # patrol_log is indexed by (worker, started) only: reach it through the area's workers
        workers = select(GridWorker.id).where(GridWorker.grid_id.in_(select(Grid.id).where(grids_in(area))))
        return and_(PatrolLog.worker_id.in_(workers), PatrolLog.grid_id.in_(select(Grid.id).where(grids_in(area))))
    if table.kind in (RecordKind.INCIDENTS, RecordKind.HAZARDS):
        return records_in(model, area)
    if area.level is AreaLevel.GRID:
        return model.grid_id == select(Grid.id).where(grids_in(area)).scalar_subquery()  # type: ignore[no-any-return]
    return model.grid_id.in_(select(Grid.id).where(grids_in(area)))  # type: ignore[no-any-return]


def base_query(table: Table, drill: DrillFilter, place: PlaceType | None = None) -> Select[Any]:
    query = select(*(column.expression for column in table.columns)).select_from(table.model)
    for target, on in table.joins:
        query = query.join(target, on)
    query = query.where(area_clause(table, drill.area))
    if table.moment is not None:
        start, end = drill.period.utc_bounds(city_zone())
        query = query.where(table.moment.expression >= start, table.moment.expression < end)
    if table.kind is RecordKind.INCIDENTS and drill.kind is not None:
        query = query.where(Incident.kind == drill.kind)
    if table.kind is RecordKind.INCIDENTS and drill.subtype is not None:
        query = query.where(Incident.subtype == drill.subtype)
    if table.kind is RecordKind.INCIDENTS and place is not None:
        query = query.where(Incident.place_type == place)
    return query


# --- the grid's sort and filter models ---


def order_by(table: Table, sort_model: Any) -> list[Any]:
    if sort_model in (None, []):
        if table.moment is not None:
            return [table.moment.expression.desc(), table.model.id.desc()]
        return [table.model.id.asc()]
    if not isinstance(sort_model, list) or len(sort_model) > len(table.columns):
        raise RecordQueryError("sort", t("records.bad_sort"))
    clauses = []
    for entry in sort_model:
        if not isinstance(entry, Mapping) or entry.get("sort") not in ("asc", "desc"):
            raise RecordQueryError("sort", t("records.bad_sort"))
        column = table.column(entry.get("colId"), "sort")
        if not column.sortable:
            raise RecordQueryError(f"sort {column.name}", t("records.not_sortable"))
        clauses.append(column.expression.asc() if entry["sort"] == "asc" else column.expression.desc())
    tie = table.model.id.desc() if sort_model[-1]["sort"] == "desc" else table.model.id.asc()
    return [*clauses, tie]  # a unique last key: pages never overlap or skip


TEXT_TYPES = ("contains", "notContains", "equals", "notEqual", "startsWith", "endsWith", "blank", "notBlank")
NUMBER_TYPES = ("equals", "notEqual", "lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual", "inRange",
                "blank", "notBlank")  # fmt: skip
DATE_TYPES = ("equals", "notEqual", "lessThan", "greaterThan", "inRange", "blank", "notBlank")


def where(table: Table, filter_model: Any) -> list[ColumnElement[bool]]:
    if filter_model in (None, {}):
        return []
    if not isinstance(filter_model, Mapping):
        raise RecordQueryError("filter", t("records.bad_filter"))
    clauses = []
    for name, model in filter_model.items():
        column = table.column(name, "filter")
        if not column.filterable:
            raise RecordQueryError(f"filter {column.name}", t("records.not_filterable"))
        clauses.append(column_filter(column, model))
    return clauses


def column_filter(column: Column, model: Any) -> ColumnElement[bool]:
    what = f"filter {column.name}"
    if not isinstance(model, Mapping):
        raise RecordQueryError(what, t("records.bad_filter"))
    conditions = model.get("conditions")
    if conditions is None and "condition1" in model:  # the older form of a two-condition filter
        conditions = [model.get("condition1"), model.get("condition2")]
    if conditions is not None:
        if not isinstance(conditions, list) or not 1 <= len(conditions) <= 2:
            raise RecordQueryError(what, t("records.bad_filter"))
        operator = model.get("operator")
        if operator not in ("AND", "OR"):
            raise RecordQueryError(what, t("records.bad_filter"))
        parts = [condition(column, part) for part in conditions]
        return and_(*parts) if operator == "AND" else or_(*parts)
    return condition(column, model)


def condition(column: Column, model: Any) -> ColumnElement[bool]:
    what = f"filter {column.name}"
    if not isinstance(model, Mapping):
        raise RecordQueryError(what, t("records.bad_filter"))
    kind = model.get("type")
    expression = column.expression
    if kind == "blank":
        return expression.is_(None)  # type: ignore[no-any-return]
    if kind == "notBlank":
        return expression.is_not(None)  # type: ignore[no-any-return]
    if column.type is ColumnType.NUMBER:
        return number_condition(expression, kind, model, what)
    if column.type is ColumnType.DATE:
        return date_condition(expression, kind, model, what)
    if kind not in TEXT_TYPES:
        raise RecordQueryError(what, t("records.bad_operator", operator=str(kind)[:30]))
    text = model.get("filter")
    if not isinstance(text, str) or not text or len(text) > MAX_FILTER_TEXT:
        raise RecordQueryError(what, t("records.bad_text", limit=MAX_FILTER_TEXT))
    if column.type is ColumnType.CODE:
        return code_condition(column, kind, text)
    return text_condition(expression, kind, text)


def text_condition(expression: ColumnElement[Any], kind: str, text: str) -> ColumnElement[bool]:
    match kind:
        case "contains":
            return expression.icontains(text, autoescape=True)
        case "notContains":
            return not_(expression.icontains(text, autoescape=True))
        case "startsWith":
            return expression.istartswith(text, autoescape=True)
        case "endsWith":
            return expression.iendswith(text, autoescape=True)
        case "equals":
            return func.lower(expression) == text.lower()
        case _:  # notEqual
            return func.lower(expression) != text.lower()


def code_condition(column: Column, kind: str, text: str) -> ColumnElement[bool]:
    """A code column filtered by what the user reads: its labels (in the current language) or its codes."""
    wanted = text.casefold()

    def label(code: str) -> str:
        key = f"{column.labels}.{code}"
        return (t(key) if key in TEXT else code).casefold()

    def hit(code: str) -> bool:
        shown = label(code)
        match kind:
            case "contains" | "notContains":
                return wanted in shown or wanted in code.casefold()
            case "startsWith":
                return shown.startswith(wanted) or code.casefold().startswith(wanted)
            case "endsWith":
                return shown.endswith(wanted) or code.casefold().endswith(wanted)
            case _:  # equals, notEqual
                return wanted in (shown, code.casefold())

    codes = [code for code in column.codes if hit(code)]
    matching = column.expression.in_(codes) if codes else false()
    return not_(matching) if kind in ("notContains", "notEqual") else matching


def number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordQueryError(what, t("records.bad_number"))
    return float(value)


def number_condition(
    expression: ColumnElement[Any], kind: Any, model: Mapping[str, Any], what: str
) -> ColumnElement[bool]:
    if kind not in NUMBER_TYPES:
        raise RecordQueryError(what, t("records.bad_operator", operator=str(kind)[:30]))
    value = number(model.get("filter"), what)
    match kind:
        case "equals":
            return expression == value
        case "notEqual":
            return expression != value
        case "lessThan":
            return expression < value
        case "lessThanOrEqual":
            return expression <= value
        case "greaterThan":
            return expression > value
        case "greaterThanOrEqual":
            return expression >= value
        case _:  # inRange
            return and_(expression >= value, expression <= number(model.get("filterTo"), what))


def day_of(value: Any, what: str) -> date:
    """A date as the grid sends it: 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS' (a day on the city's clock)."""
    if not isinstance(value, str):
        raise RecordQueryError(what, t("records.bad_date"))
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise RecordQueryError(what, t("records.bad_date")) from None


def date_condition(
    expression: ColumnElement[Any], kind: Any, model: Mapping[str, Any], what: str
) -> ColumnElement[bool]:
    """Whole days on the city's clock: `equals` is that day, `lessThan` before it, `greaterThan` after it,
    `inRange` from the first day to the last, both included."""
    if kind not in DATE_TYPES:
        raise RecordQueryError(what, t("records.bad_operator", operator=str(kind)[:30]))
    zone = city_zone()
    first = day_of(model.get("dateFrom"), what)
    last = day_of(model.get("dateTo"), what) if kind == "inRange" else first
    if last < first:
        raise RecordQueryError(what, t("records.bad_date"))
    start, end = Period(first, last + timedelta(days=1)).utc_bounds(zone)
    match kind:
        case "equals" | "inRange":
            return and_(expression >= start, expression < end)
        case "notEqual":
            return or_(expression < start, expression >= end)
        case "lessThan":
            return expression < start
        case _:  # greaterThan
            return expression >= end


# --- pages of records ---


@dataclass(frozen=True)
class RecordPage:
    rows: list[dict[str, Any]]
    total: int  # how many records match, up to COUNT_CAP + 1
    exact: bool  # False when there are more than COUNT_CAP (total is then COUNT_CAP + 1)


def block(start: Any, end: Any) -> tuple[int, int]:
    for name, value in (("startRow", start), ("endRow", end)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RecordQueryError(name, t("records.bad_row"))
    if not 0 < end - start <= MAX_BLOCK:
        raise RecordQueryError("endRow", t("records.bad_block", limit=MAX_BLOCK))
    return start, end


def fetch_records(
    session: Session,
    kind: RecordKind | str,
    drill: DrillFilter,
    *,
    start: int = 0,
    end: int = 100,
    sort_model: Any = None,
    filter_model: Any = None,
    lang: Language | None = None,
    place: PlaceType | None = None,
) -> RecordPage:
    """Rows `start`..`end` of a kind of record in the drill filter's area (and period, kind and subtype of incident,
    and place: incidents in rental housing), as the sort and filter models ask; personal fields masked. Raises
    RecordQueryError naming the field of a bad request."""
    table = table_of(kind)
    start, end = block(start, end)
    query = base_query(table, drill, place).where(*where(table, filter_model))
    ordering = order_by(table, sort_model)
    result = session.execute(query.order_by(*ordering).offset(start).limit(end - start))
    chosen = lang or get_settings().language
    rows = [
        {column.name: column.show(value, chosen) for column, value in zip(table.columns, row, strict=True)}
        for row in result
    ]
    if table.model in (Incident, Hazard):  # overdue rows are highlighted (record_table.py, rowClassRules)
        late = overdue_ids(session, table.model, [row["id"] for row in rows])
        rows = [{**row, "overdue": row["id"] in late} for row in rows]
    capped = query.with_only_columns(table.model.id).order_by(None).limit(COUNT_CAP + 1).subquery()
    total = int(session.scalar(select(func.count()).select_from(capped)) or 0)
    return RecordPage(rows, total, total <= COUNT_CAP)


def _record_query(table: Table, record_id: int) -> Select[Any]:
    query = select(*(column.expression for column in table.columns)).select_from(table.model)
    for target, on in table.joins:
        query = query.join(target, on)
    return query.where(table.model.id == record_id)


def record_id_of(value: Any) -> int:
    try:
        number_id = int(str(value))
    except ValueError:
        raise RecordQueryError("id", t("records.bad_id")) from None
    if number_id <= 0:
        raise RecordQueryError("id", t("records.bad_id"))
    return number_id


def fetch_record(
    session: Session, kind: RecordKind | str, record_id: Any, *, scope: Area, lang: Language | None = None
) -> dict[str, Any] | None:
    """One record as its table row shows it (masked); None when there is none, or none inside `scope`."""
    table = table_of(kind)
    row = session.execute(_record_query(table, record_id_of(record_id))).one_or_none()
    if row is None:
        return None
    chosen = lang or get_settings().language
    record = {column.name: column.show(value, chosen) for column, value in zip(table.columns, row, strict=True)}
    return record if in_area(scope, record.get("grid_code")) else None


def unmask(session: Session, kind: RecordKind | str, record_id: Any, *, actor: str, role: Role, scope: Area
           ) -> dict[str, str]:  # fmt: skip
    """The full ID and phone numbers of one record, for a role allowed to see them, inside its scope; writes an
    UNMASK entry in the audit log (who, which record, which fields) in the caller's transaction.
    Raises NotAllowed (and writes nothing) for anyone else, or a record outside the scope."""
    table = table_of(kind)
    number_id = record_id_of(record_id)
    if not may_unmask(role):
        raise NotAllowed(f"unmask: the role {role.value} may not see personal data")
    if not table.personal:
        raise RecordQueryError("kind", t("records.nothing_to_unmask"))
    personal = [table.column(name, "unmask") for name in table.personal]
    row = session.execute(
        select(Grid.code, *(column.expression for column in personal))
        .select_from(table.model)
        .join(Grid, Grid.id == table.model.grid_id)
        .where(table.model.id == number_id)
    ).one_or_none()
    if row is None or not in_area(scope, row[0]):
        raise NotAllowed(f"unmask: no {table.kind.value} record {number_id} in this account's area")
    revealed = {column.name: str(value) for column, value in zip(personal, row[1:], strict=True)}
    detail = {"record": table.kind.value, "id": number_id, "grid": row[0], "fields": sorted(revealed)}
    audit.record(session, actor, AuditAction.UNMASK, detail)
    return revealed


# --- the page's filter, as the record tables and the analysis map keep it in a dcc.Store ---


def drill_to_data(drill: DrillFilter, *, place: PlaceType | None = None) -> dict[str, Any]:
    """`place` narrows an incident table to one place type (the rental-housing page's cases)."""
    data = {
        "period": {"start": drill.period.start.isoformat(), "end": drill.period.end.isoformat()},
        "compare": drill.compare.value,
        "area": {"level": drill.area.level.value, "code": drill.area.code},
        "kind": None if drill.kind is None else drill.kind.value,
        "subtype": drill.subtype,
    }
    return data if place is None else {**data, "place": place.value}


def place_from_data(data: Any) -> PlaceType | None:
    """The place type a table's store narrows to (None: every place); RecordQueryError naming `place` if bad."""
    raw = data.get("place") if isinstance(data, Mapping) else None
    if raw is None:
        return None
    try:
        return PlaceType(raw)
    except ValueError:
        raise RecordQueryError("place", t("records.bad_filter")) from None


def drill_from_data(data: Any) -> DrillFilter:
    """The inverse of drill_to_data; RecordQueryError naming the field for anything malformed (a client may send
    anything)."""
    if not isinstance(data, Mapping):
        raise RecordQueryError("filter", t("records.bad_filter"))
    try:
        period = Period(date.fromisoformat(data["period"]["start"]), date.fromisoformat(data["period"]["end"]))
    except (KeyError, TypeError, ValueError):
        raise RecordQueryError("period", t("records.bad_period")) from None
    if not period.in_supported_years:
        raise RecordQueryError("period", t("records.period_years", first=FIRST_YEAR, last=LAST_YEAR))
    try:
        level = AreaLevel(data["area"]["level"])
        code = data["area"].get("code") or None
        area = Area(level, None if level is AreaLevel.CITY else code)
    except (KeyError, TypeError, AttributeError, ValueError):
        raise RecordQueryError("area", t("area.bad")) from None
    if area.code is not None and not isinstance(area.code, str):
        raise RecordQueryError("area", t("area.bad"))
    try:
        kind = None if data.get("kind") is None else IncidentKind(data["kind"])
    except ValueError:
        raise RecordQueryError("kind", t("records.unknown_kind", kind=str(data.get("kind"))[:40])) from None
    try:
        compare = Compare(data.get("compare") or Compare.LAST_YEAR.value)
    except ValueError:
        raise RecordQueryError("compare", t("records.bad_filter")) from None
    subtype = data.get("subtype")
    try:
        return DrillFilter(period=period, compare=compare, area=area, kind=kind, subtype=subtype)
    except (TypeError, ValueError):
        raise RecordQueryError("subtype", t("records.bad_filter")) from None


def column_names(kind: RecordKind) -> list[str]:
    return [column.name for column in TABLES[kind].columns]
