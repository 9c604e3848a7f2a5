"""The one filter bar of the drill-down pages: period, comparison, area (county → township → grid) and kind.

Built from the address by the page's `layout()` (no database: the area options come from a callback, within the
account's area); changing a control writes the address (dashboard/callbacks/filter_bar.py), which re-renders the
page from it, so what is on screen is always what the address says and every view is a link.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dash import dcc, html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.access.shown_area import shown_area
from dashboard.city_clock import definition_sentence
from dashboard.components.dropdown import dropdown
from dashboard.data.city_zone import city_zone
from dashboard.data.periods import AreaLevel
from dashboard.data.queries import SOLVE_WINDOWS
from dashboard.data.vocab import IncidentKind
from dashboard.figures.common import WAITING
from dashboard.filter_url import FilterParams, Parsed, PeriodChoice, parse_query
from dashboard.i18n import t
from dashboard.kpis import Headline, figure_definition

HIDDEN = {"display": "none"}
# The chart toolbar with zoom, pan and reset alone (images come from the export menu; no upload to Plotly's cloud),
# shown only while the pointer is over the chart (assets/20-drill.css): the full bar of ten buttons, always shown,
# covered the titles of the narrower panels.
GRAPH_CONFIG: Any = {  # Dash types it as its own TypedDict
    "displaylogo": False,
    "modeBarButtonsToRemove": [
        "toImage",
        "sendChartToCloud",
        "select2d",
        "lasso2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
    ],
}


def shown_query(query: Mapping[str, str | list[str]]) -> Parsed:
    """What a drill-down page's address asks for, its area within the account's: an area outside it is refused
    here, once, for the account's own (dashboard/access/shown_area.py), so the tiles, charts, map, tables and export
    links of the page all count the one area the page names."""
    parsed = parse_query(query)
    area, refusal = shown_area(parsed.params.area)
    if refusal is None:
        return parsed
    return Parsed(parsed.params.with_area(area), parsed.errors, [*parsed.notes, refusal])


def area_values(params: FilterParams) -> tuple[str | None, str | None, str | None]:
    """The county, township and grid the address picks (None where it picks none)."""
    code, level = params.area.code, params.area.level
    if code is None:
        return None, None, None
    township = {AreaLevel.TOWNSHIP: code, AreaLevel.GRID: code[:6] + code[7:10]}.get(level)
    return code[:6], township, code if level is AreaLevel.GRID else None


def labelled(label: str, control: Component, class_name: str) -> html.Div:
    return html.Div([html.Label(label, className="filter-label"), control], className=f"filter-item {class_name}")


def filter_bar(path: str, parsed: Parsed, *, kinds: bool = True) -> html.Section:
    """The bar for the page at `path`, showing what the address asked for (bad fields at their defaults); `kinds`:
    offer the kinds of incident (a page of criminal cases alone, the solve rates, offers none)."""
    params = parsed.params
    county, township, grid = area_values(params)
    custom = params.period is PeriodChoice.CUSTOM
    period = dcc.RadioItems(
        id=ids.Drill.PERIOD,
        options=[{"label": t(f"filter.period.{choice.value}"), "value": choice.value} for choice in PeriodChoice],
        value=params.period.value,
        inline=True,
        className="filter-radio",
    )
    dates = dcc.DatePickerRange(
        id=ids.Drill.DATES,
        start_date=None if params.start is None else params.start.isoformat(),
        end_date=None if params.end is None else params.end.isoformat(),
        display_format="YYYY-MM-DD",
        updatemode="bothdates",  # one address change per range, not one per click
        first_day_of_week=1,
        min_date_allowed="2000-01-01",
        max_date_allowed="2100-12-31",
    )
    compare = dcc.RadioItems(
        id=ids.Drill.COMPARE,
        options=[{"label": t(f"filter.compare.{value}"), "value": value} for value in ("yoy", "prev")],
        value=params.compare.value,
        inline=True,
        className="filter-radio",
    )
    area = html.Div(
        [
            dropdown(id=ids.Drill.COUNTY, options=[], value=county, placeholder=t("filter.county")),
            dropdown(id=ids.Drill.TOWNSHIP, options=[], value=township, placeholder=t("filter.township")),
            dropdown(id=ids.Drill.GRID, options=[], value=grid, placeholder=t("filter.grid")),
        ],
        className="filter-area",
    )
    kind = dropdown(
        id=ids.Drill.KIND,
        options=[{"label": t(f"kind.{kind.value}"), "value": kind.value} for kind in IncidentKind],
        value=None if params.kind is None else params.kind.value,
        placeholder=t("filter.kind.all"),
    )
    aria_label: dict[str, Any] = {"aria-label": t("crumbs.label")}
    return html.Section(
        [
            dcc.Store(id=ids.Drill.PARAMS, data={**params.as_dict(), "path": path, "errors": parsed.messages()}),
            dcc.Store(id=ids.Drill.FILTER),
            html.Div(
                [
                    labelled(t("filter.period"), period, "filter-period"),
                    labelled(t("filter.dates"), dates, "filter-dates") if custom else html.Div(dates, style=HIDDEN),
                    labelled(t("filter.compare"), compare, "filter-compare"),
                    labelled(t("filter.area"), area, "filter-area-item"),
                    labelled(t("filter.kind"), kind, "filter-kind") if kinds else html.Div(kind, style=HIDDEN),
                ],
                className="filter-bar",
            ),
            html.Div(id=ids.Drill.MESSAGE, className="page-message", role="alert"),
            html.Nav(id=ids.Drill.CRUMBS, className="crumbs", **aria_label),
            html.Div(id=ids.Drill.SUMMARY, className="drill-summary"),
        ],
        className="drill-filter",
    )


def kpi_area(params: FilterParams) -> dict[str, str | None]:
    """The area of the address in the form the KPI tiles' scope takes (they scope it to the account themselves)."""
    return {"level": params.area.level.value, "code": params.area.code}


def kpi_period(params: FilterParams) -> str:
    """The period of the address for the KPI tiles' scope: 'YYYY-MM-DD/YYYY-MM-DD', the end exclusive.

    Read on the city's clock when the page is built (no query). The tiles' callback (callbacks/headline.py) counts
    'headline' and 'last_month' today; until it reads this form too it shows its headline period, labelled."""
    period = params.period_for(datetime.now(ZoneInfo(city_zone())).date())
    return f"{period.start.isoformat()}/{period.end.isoformat()}"


def solve_window(radio_id: str, within: int | None) -> html.Div:
    """Solved by now (a rate that still grows for recent periods), or within 30 or 90 days of filing, with the
    chosen rate's 口径 beside it (the choice goes into the address as `within=`)."""
    choices = [{"label": t("solve.within.now"), "value": "now"}] + [
        {"label": t("solve.within.days", days=days), "value": str(days)} for days in SOLVE_WINDOWS
    ]
    radio = dcc.RadioItems(
        id=radio_id,
        options=choices,
        value="now" if within is None else str(within),
        inline=True,
        className="filter-radio",
    )
    definition = figure_definition(Headline.SOLVE_RATE, within=within)
    return html.Div(
        [labelled(t("solve.within"), radio, "filter-within"), html.P(definition, className="chart-definition")],
        className="solve-window",
    )


def definition_line(*keys: str) -> html.P:
    """The 口径 of a page's figures, under its tiles (i18n `definition.*` keys, in order)."""
    return html.P(" ".join(definition_sentence(key) for key in keys), className="chart-definition")


def chart(graph_id: str, *controls: Component, wide: bool = False) -> html.Div:
    """A panel with one graph (its numbers on the bars and in the hover), optional controls above it."""
    graph = dcc.Graph(id=graph_id, figure=WAITING, config=GRAPH_CONFIG, className="drill-graph")
    return html.Div([*controls, graph], className="drill-panel drill-panel-wide" if wide else "drill-panel")


def selection_line(line_id: str, clear_id: str) -> html.Div:
    """Says what is selected in one chart (and so filters the others), with a button that clears it."""
    return html.Div(
        [html.Span(id=line_id), html.Button(t("selection.clear"), id=clear_id, className="selection-clear")],
        className="drill-selection",
    )
