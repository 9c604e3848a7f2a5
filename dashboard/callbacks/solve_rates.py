"""破案率: read the filter the bar resolved, query the solve rates, hand the frames to the figure builders; a click
on a subtype selects it (the days-to-solve chart shows it alone), a click on an area drills into it."""

from __future__ import annotations

import logging
from typing import Any

import plotly.graph_objects as go
from dash import Input, Output, State, callback, ctx, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.callbacks.filter_bar import drill_href, picked, scoped_store
from dashboard.config import get_settings
from dashboard.data import solve_rates
from dashboard.data.db import session_scope
from dashboard.figures import solve_rates as figures
from dashboard.figures.common import empty, subtype_label
from dashboard.i18n import t

log = logging.getLogger(__name__)


@callback(
    Output(ids.Solve.AREAS, "figure"),
    Output(ids.Solve.SUBTYPES, "figure"),
    Output(ids.Solve.DAYS, "figure"),
    Output(ids.Solve.MONTHS, "figure"),
    Input(ids.Drill.FILTER, "data"),
    Input(ids.Solve.SELECTED, "data"),
)
def update_solve_rate_figures(stored: dict[str, Any] | None, selected: str | None) -> tuple[go.Figure, ...]:
    lang, shown = get_settings().language, scoped_store(stored)
    f, compare = shown.drill, shown.drill.compare.value
    try:
        with session_scope() as session:
            by_area = solve_rates.solve_rates(session, f, by="area")
            by_subtype = solve_rates.solve_rates(session, f, by="subtype")
            by_month = solve_rates.solve_rates(session, f, by="month")
            days = solve_rates.time_to_solve(session, f)
    except SQLAlchemyError:
        log.exception("solve rates unavailable")
        blank = empty("", t("status.unavailable", lang))
        return blank, blank, blank, blank
    pick = selected if isinstance(selected, str) and selected in set(by_subtype["subtype"]) else None
    return (
        figures.rate_by_area(by_area, compare=compare, lang=lang),
        figures.rate_by_subtype(by_subtype, compare=compare, lang=lang, selected=pick),
        figures.time_to_solve(days, compare=compare, lang=lang, selected=pick),
        figures.rate_by_month(by_month, compare=compare, lang=lang),
    )


@callback(
    Output(ids.Solve.SELECTED, "data"),
    Input(ids.Solve.SUBTYPES, "clickData"),
    Input(ids.Solve.CLEAR, "n_clicks"),
    State(ids.Solve.SELECTED, "data"),
    prevent_initial_call=True,
)
def select_solve_subtype(click: dict[str, Any] | None, _clear: int | None, selected: str | None) -> Any:
    if ctx.triggered_id == ids.Solve.CLEAR:
        return None
    custom = picked(click)
    if custom is None:
        return no_update
    choice = str(custom[0])
    return None if choice == selected else choice  # a second click on the same bar lets go


@callback(Output(ids.Solve.SELECTION, "children"), Input(ids.Solve.SELECTED, "data"))
def show_solve_selection(selected: str | None) -> str:
    lang = get_settings().language
    return "" if not selected else t("selection.shown", lang, name=subtype_label(str(selected), lang))


@callback(
    Output(ids.App.URL, "href", allow_duplicate=True),
    Input(ids.Solve.AREAS, "clickData"),
    State(ids.Drill.FILTER, "data"),
    prevent_initial_call=True,
)
def drill_into_solve_area(click: dict[str, Any] | None, stored: dict[str, Any] | None) -> Any:
    return drill_href(click, stored)
