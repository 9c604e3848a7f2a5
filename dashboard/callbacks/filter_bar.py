"""The drill-down filter bar: the address → the filter the figures count with (scoped, named, with breadcrumbs),
and a changed control → a new address (which re-renders the page from it, without a reload)."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, cast
from urllib.parse import urlencode

from dash import Input, Output, State, callback, ctx, html, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dashboard import ids
from dashboard.access.current import OutOfScope, current_scope, scoped
from dashboard.access.scope import area_of_code, contains
from dashboard.access.shown_area import refusal_text
from dashboard.components.breadcrumbs import breadcrumbs, lineage, trail
from dashboard.components.filter_bar import area_values
from dashboard.config import Language, get_settings
from dashboard.data import area_tree
from dashboard.data.city_zone import city_today
from dashboard.data.db import session_scope
from dashboard.data.filters import criminal_cases
from dashboard.data.periods import CITY, Area, AreaLevel
from dashboard.data.vocab import IncidentKind, PlaceType
from dashboard.filter_url import FilterParams, PeriodChoice, StoredFilter, StoredParams, filter_store, read_filter_store
from dashboard.formatting import period_label
from dashboard.i18n import t
from dashboard.views.records import drill_to_data

log = logging.getLogger(__name__)

Options = list[dict[str, str]]


def scoped_store(stored: dict[str, Any] | None) -> StoredFilter:
    """The filter store as the client sent it, read again and limited to the account's area. The figures count
    with this, never with the store as sent: a store is the client's to edit. PreventUpdate for a store that is
    missing, malformed or asks only for another area (the bar itself says what is wrong with the address)."""
    if not stored:
        raise PreventUpdate  # the filter bar has not resolved the address yet
    try:
        shown = read_filter_store(stored)
        return replace(shown, drill=replace(shown.drill, area=scoped(shown.drill.area)))
    except (KeyError, ValueError, TypeError, AssertionError, OutOfScope) as error:
        log.warning("filter store refused: %s", error)
        raise PreventUpdate from error


def view_query(
    stored: dict[str, Any] | None, *, criminal: bool = False, place: PlaceType | None = None
) -> dict[str, Any]:
    """What a page's analysis map and record tables count with (their `query` stores): the filter bar's filter, read
    again and scoped (scoped_store); `criminal`: criminal cases only (a subtype of another kind let go); `place`:
    incidents in one kind of place only."""
    drill = scoped_store(stored).drill
    return drill_to_data(criminal_cases(drill) if criminal else drill, place=place)


def overlaps(scope: Area, area: Area) -> bool:
    return contains(scope, area) or contains(area, scope)


def options(session: Session, parent: Area | None, scope: Area, lang: Language) -> Options:
    """The areas one level below `parent` that the account may see (none when no parent is picked)."""
    if parent is None:
        return []
    rows = area_tree.children(session, parent)
    label = "name" if lang == "zh-CN" else "name_en"
    return [
        {"label": str(row[label]), "value": str(row["code"])}
        for _, row in rows.iterrows()
        if overlaps(scope, Area(AreaLevel(str(row["level"])), str(row["code"])))
    ]


def level_of(area: Area, level: AreaLevel) -> Area | None:
    """The area of `level` that holds `area` (itself, when of that level), or None when `area` is above it."""
    return next((each for each in lineage(area) if each.level is level), None)


@callback(
    Output(ids.Drill.FILTER, "data"),
    Output(ids.Drill.MESSAGE, "children"),
    Output(ids.Drill.CRUMBS, "children"),
    Output(ids.Drill.SUMMARY, "children"),
    Output(ids.Drill.COUNTY, "options"),
    Output(ids.Drill.TOWNSHIP, "options"),
    Output(ids.Drill.GRID, "options"),
    Output(ids.Drill.COUNTY, "value"),  # set with the options, so the dropdown never drops a value it cannot find
    Output(ids.Drill.TOWNSHIP, "value"),
    Output(ids.Drill.GRID, "value"),
    Input(ids.Drill.PARAMS, "data"),
)
def resolve_filter(asked: StoredParams) -> tuple[Any, ...]:
    lang = get_settings().language
    keys = ("period", "from", "to", "compare", "area", "kind", "subtype", "grain", "within")
    params = FilterParams.from_dict({key: cast(str | None, asked.get(key)) for key in keys})
    messages = [str(message) for message in asked.get("errors") or []]
    path = str(asked.get("path") or "/")
    scope = current_scope()
    try:
        area = scoped(params.area)
    except OutOfScope:  # a store the page did not write (the page refuses an address's area itself: shown_query)
        messages.append(refusal_text(params.area, scope, lang))
        area = scope
    try:
        with session_scope() as session:
            try:
                names = {level: area_tree.area_name(session, level, lang=lang) for level in lineage(area)}
            except LookupError:
                messages.append(t("area.unknown", lang, code=area.code))
                area = scope
                names = {level: area_tree.area_name(session, level, lang=lang) for level in lineage(area)}
            params = params.with_area(area)
            county, township = (level_of(area, level) for level in (AreaLevel.COUNTY, AreaLevel.TOWNSHIP))
            choices = (
                options(session, CITY, scope, lang),
                options(session, county, scope, lang),
                options(session, township, scope, lang),
            )
    except SQLAlchemyError:
        log.exception("drill-down areas unavailable")
        return None, [*messages, t("status.unavailable", lang)], [], "", [], [], [], no_update, no_update, no_update
    drill = params.resolve(city_today(), area=area)
    summary = t(
        "filter.summary",
        lang,
        area=names[area],
        period=period_label(drill.period, lang),
        baseline=period_label(drill.baseline, lang),
    )
    crumbs = breadcrumbs(trail(path, params, names, scope))
    return (
        filter_store(drill, params, path),
        [html_line(message) for message in messages],
        crumbs,
        summary,
        *choices,
        *area_values(params),  # the area shown: what was asked, or the account's own area
    )


def html_line(message: str) -> html.Div:
    return html.Div(message, className="drill-message-line")


def area_from_controls(
    triggered: set[str], county: str | None, township: str | None, grid: str | None, shown: Area
) -> Area:
    """The area the area dropdowns now pick: the deepest one changed decides (a user changes one; the filter bar
    sets all three to the area shown), and a cleared one goes up a level."""
    if ids.Drill.GRID in triggered:
        chain = [grid, township, county]
    elif ids.Drill.TOWNSHIP in triggered:
        chain = [township, county]
    elif ids.Drill.COUNTY in triggered:
        chain = [county]
    else:
        return shown
    return area_of_code(next((code for code in chain if code), None))  # ValueError for a tampered value


@callback(
    Output(ids.App.URL, "search"),
    Input(ids.Drill.PERIOD, "value"),
    Input(ids.Drill.DATES, "start_date"),
    Input(ids.Drill.DATES, "end_date"),
    Input(ids.Drill.COMPARE, "value"),
    Input(ids.Drill.COUNTY, "value"),
    Input(ids.Drill.TOWNSHIP, "value"),
    Input(ids.Drill.GRID, "value"),
    Input(ids.Drill.KIND, "value"),
    State(ids.Drill.FILTER, "data"),
    prevent_initial_call=True,
)
def write_filter_to_url(
    period: str | None,
    start: str | None,
    end: str | None,
    compare: str | None,
    county: str | None,
    township: str | None,
    grid: str | None,
    kind: str | None,
    shown: dict[str, Any] | None,
) -> Any:
    if not shown:
        return no_update  # the page has not resolved its filter yet: nothing to change from
    current = scoped_store(shown)
    try:
        triggered = {prop.rsplit(".", 1)[0] for prop in ctx.triggered_prop_ids}
        area = area_from_controls(triggered, county, township, grid, current.drill.area)
    except ValueError:
        return no_update
    query: dict[str, str | None] = {"period": period, "compare": compare, "area": area.code, "kind": kind}
    kept = current.params  # what no control of the bar shows: the picked subtype (of the same kind), the grain
    same_kind = kind == (None if kept.kind is None else kept.kind.value)
    within = None if kept.solve_within is None else str(kept.solve_within)
    query |= {"subtype": kept.subtype if same_kind else None, "grain": kept.grain, "within": within}
    if period == PeriodChoice.CUSTOM.value:
        first, last = current.drill.period.start, current.drill.period.last_day  # until both days are picked
        query |= {"from": (start or first.isoformat())[:10], "to": (end or last.isoformat())[:10]}
    params = FilterParams.from_dict(query)
    search = params.to_search()
    return search if search != current.params.to_search() else no_update


def drill_href(click: dict[str, Any] | None, stored: dict[str, Any] | None) -> Any:
    """Where a click on an area's bar leads: that area on this page (same filters), or a grid's own page.
    Bars carry [code, level] (or [grid code]) as customdata."""
    custom = picked(click)
    if not stored or custom is None:
        return no_update
    return area_href(custom[0], stored)


def map_drill_href(feature: dict[str, Any] | None, stored: dict[str, Any] | None) -> Any:
    """Where a click on an area of the analysis map leads (its GeoJSON feature carries the code), as drill_href."""
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if not stored or not isinstance(properties, dict) or not properties.get("code"):
        return no_update
    return area_href(properties["code"], stored)


def area_href(code: Any, stored: dict[str, Any]) -> Any:
    try:
        area = area_of_code(str(code))
    except ValueError:
        return no_update
    if area.level is AreaLevel.GRID:
        return f"/grid?{urlencode({'code': area.code})}"  # the grid page checks the grid against the account's area
    return scoped_store(stored).link(area)  # the page checks the area it is sent to against the account's


def subtype_href(subtype: Any, stored: dict[str, Any] | None, kind: Any = None) -> Any:
    """This view with `subtype` picked (in the address, so every figure and table of the page counts with it, and a
    link reopens it), or let go when it is picked already; None lets go. A code that is no subtype of the view's
    kind changes nothing. `kind`: the clicked bar's, which picks `other` (every kind's) in a view of every kind."""
    if not stored:
        return no_update
    shown = scoped_store(stored)
    chosen = None if subtype is None or str(subtype) == shown.params.subtype else str(subtype)
    try:
        params = shown.params.with_subtype(chosen, IncidentKind(str(kind)) if kind is not None else None)
    except ValueError:
        return no_update
    return params.with_area(shown.drill.area).link(shown.path)


def grain_href(grain: Any, stored: dict[str, Any] | None) -> Any:
    """This view with the case-trend chart at `grain` (day, week or month), so a link reopens the same chart."""
    if not stored:
        return no_update
    shown = scoped_store(stored)
    if grain == shown.params.grain:
        return no_update
    try:
        params = shown.params.with_grain(None if grain is None else str(grain))
    except ValueError:
        return no_update
    return params.with_area(shown.drill.area).link(shown.path)


def within_href(days: Any, stored: dict[str, Any] | None) -> Any:
    """This view with its solve rates counted as the N-day rate (30 or 90), or as solved by now (None)."""
    if not stored:
        return no_update
    shown = scoped_store(stored)
    try:
        chosen = None if days in (None, "", "now") else int(str(days))
        params = shown.params.with_solve_within(chosen)
    except ValueError:
        return no_update
    if chosen == shown.params.solve_within:
        return no_update
    return params.with_area(shown.drill.area).link(shown.path)


def picked(click: dict[str, Any] | None) -> list[Any] | None:
    """The customdata of the clicked point, if any."""
    points = (click or {}).get("points") or [{}]
    custom = points[0].get("customdata")
    return custom if isinstance(custom, list) and custom else None
