"""出租房: read the filter the bar resolved, query the rental-housing cases, hand the frames to the figure builders;
a click on an area drills into it, a click on a grid opens that grid's page."""

from __future__ import annotations

import logging
from typing import Any

from dash import Input, Output, State, callback, ctx, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.callbacks.filter_bar import drill_href, scoped_store
from dashboard.config import get_settings
from dashboard.data import rental
from dashboard.data.db import session_scope
from dashboard.figures import rental_housing as figures
from dashboard.figures.common import empty
from dashboard.i18n import t

log = logging.getLogger(__name__)


def facts_list(facts: list[figures.Fact]) -> list[html.Div]:
    return [
        html.Div(
            [html.Dt(fact.label), html.Dd(fact.value, className=f"trend-{fact.trend.value}")],
            className=f"drill-fact fact-{fact.key.replace('_', '-')}",
        )
        for fact in facts
    ]


@callback(
    Output(ids.Rental.FACTS, "children"),
    Output(ids.Rental.AREAS, "figure"),
    Output(ids.Rental.GRIDS, "figure"),
    Input(ids.Drill.FILTER, "data"),
)
def update_rental_figures(stored: dict[str, Any] | None) -> tuple[Any, ...]:
    lang, shown = get_settings().language, scoped_store(stored)
    f, compare = shown.drill, shown.drill.compare.value
    try:
        with session_scope() as session:
            summary = rental.rental_summary(session, f)
            by_area = rental.rental_by_area(session, f)
            grids = rental.top_rental_grids(session, f)
    except SQLAlchemyError:
        log.exception("rental-housing cases unavailable")
        blank = empty("", t("status.unavailable", lang))
        return [], blank, blank
    return (
        facts_list(figures.rental_facts(summary, compare=compare, lang=lang)),
        figures.rental_by_area(by_area, compare=compare, lang=lang),
        figures.top_grids(grids, lang=lang),
    )


@callback(
    Output(ids.App.URL, "href", allow_duplicate=True),
    Input(ids.Rental.AREAS, "clickData"),
    Input(ids.Rental.GRIDS, "clickData"),
    State(ids.Drill.FILTER, "data"),
    prevent_initial_call=True,
)
def drill_into_rental_area(
    area_click: dict[str, Any] | None, grid_click: dict[str, Any] | None, stored: dict[str, Any] | None
) -> Any:
    click = grid_click if ctx.triggered_id == ids.Rental.GRIDS else area_click
    return drill_href(click, stored)
