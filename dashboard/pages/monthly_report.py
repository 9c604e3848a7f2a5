"""月度通报, the leaders' month: a month (default the last full one) against the same month last year and the month
before: the headline tiles, the 通报 (its 下步工作要求 edited and kept here), the areas ranked with up/down marks,
the grids that rose most, hazard rectification by department and patrol compliance by area; the month as a meeting
deck or a PDF.

The address holds the view (`?month=2026-10&area=331004&within=30`, dashboard/monthly_url.py); changing the month,
the area or the solve rate's window writes the address, which renders the page again from it."""

from __future__ import annotations

from dataclasses import replace

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.access.shown_area import shown_area
from dashboard.components.bulletin import bulletin_editor
from dashboard.components.cards import kpi_row
from dashboard.components.export_menu import export_menu, with_export
from dashboard.components.filter_bar import chart, definition_line, solve_window
from dashboard.components.footnote import footnote
from dashboard.components.month_area import month_area_filter
from dashboard.components.monthly import export_bar
from dashboard.components.page import page_frame
from dashboard.data.city_zone import city_today
from dashboard.exports.monthly_charts import HAZARDS, PATROLS, RANKING, RISING, SUMMARY
from dashboard.i18n import t
from dashboard.kpis import Headline
from dashboard.monthly_url import month_param, parse_month_query

PATH = "/monthly"

dash.register_page(__name__, path=PATH, name=t("page.monthly_report"), order=50)


def layout(**query: str | list[str]) -> html.Div:
    # Structure only (Dash calls this bare for validation): the callbacks scope the area and count the month.
    asked = parse_month_query(query, city_today())
    shown, refusal = shown_area(asked.area)  # an area outside the account's: refused once, here, for its own
    if refusal is not None:
        asked = replace(asked, area=shown, errors=[*asked.errors, refusal])
    area = {"level": asked.area.level.value, "code": asked.area.code}
    span = f"{asked.month.start.isoformat()}/{asked.month.end.isoformat()}"
    return page_frame(
        "monthly_report",
        dcc.Store(id=ids.Monthly.QUERY, data={**asked.to_query(), "errors": asked.errors}),
        month_area_filter(
            ids.Monthly.MONTH,
            ids.Monthly.AREA,
            ids.Monthly.MESSAGE,
            month=month_param(asked.month),
            area=asked.area.code,
            messages=asked.errors,
        ),
        solve_window(ids.Monthly.WITHIN, asked.within),
        kpi_row("monthly", list(Headline), period=span, area=area, within=asked.within),
        definition_line("criminal_filed", "rental_cases"),
        html.Section(
            [
                html.H2(t("monthly.summary_title")),
                dcc.Loading(html.Div(id=ids.Monthly.SUMMARY, className="monthly-summary-text"), type="dot"),
                bulletin_editor(),
                footnote(SUMMARY, within=asked.within),
                export_menu(SUMMARY, table=True),
                export_bar(),
            ],
            className="monthly-summary",
        ),
        html.Section(
            [
                html.H2(t("monthly.table.ranking")),
                dcc.Loading(html.Div(id=ids.Monthly.RANKING), type="dot"),
                footnote(RANKING, within=asked.within),
                export_menu(RANKING),
            ],
            className="drill-panel drill-panel-wide",
        ),
        html.Div(
            [
                with_export(chart(ids.Monthly.RISING, wide=True), RISING),
                with_export(chart(ids.Monthly.HAZARDS), HAZARDS),
                with_export(chart(ids.Monthly.PATROLS), PATROLS),
            ],
            className="drill-charts",
        ),
    )
