"""月度通报, the leaders' month: a month (default the last full one) against the same month last year and the month
before: the headline tiles, a generated summary, the areas ranked with up/down marks, the grids that rose most,
hazard rectification by department and patrol compliance by area; the month as a meeting deck or a PDF.

The address holds the view (`?month=2026-10&area=331004`, dashboard/monthly_url.py); changing the month or the area
writes the address, which renders the page again from it."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.cards import kpi_row
from dashboard.components.export_menu import export_menu, with_export
from dashboard.components.filter_bar import chart
from dashboard.components.monthly import export_bar
from dashboard.components.page import page_frame
from dashboard.config import get_settings
from dashboard.data.periods import Period, shift_months
from dashboard.exports.monthly_charts import HAZARDS, PATROLS, RANKING, RISING, SUMMARY
from dashboard.formatting import period_label
from dashboard.i18n import t
from dashboard.kpis import Headline
from dashboard.monthly_url import city_today, month_param, parse_month_query

PATH = "/monthly"
MONTHS_OFFERED = 36  # the months the picker lists, the current one first (the address may ask for older ones)

dash.register_page(__name__, path=PATH, name=t("page.monthly_report"), order=50)


def month_options(current: Period) -> list[dict[str, str]]:
    """The months offered: this month and the 35 before it, and the month shown if it is older."""
    this_month = city_today().replace(day=1)
    months = [shift_months(this_month, -back) for back in range(MONTHS_OFFERED)]
    if current.start not in months:
        months.append(current.start)
    lang = get_settings().language
    return [{"label": period_label(Period.month(m.year, m.month), lang), "value": f"{m:%Y-%m}"} for m in months]


def layout(**query: str | list[str]) -> html.Div:
    # Structure only (Dash calls this bare for validation): the callbacks scope the area and count the month.
    asked = parse_month_query(query, city_today())
    area = {"level": asked.area.level.value, "code": asked.area.code}
    span = f"{asked.month.start.isoformat()}/{asked.month.end.isoformat()}"
    controls = html.Div(
        [
            html.Label(t("monthly.field.month"), htmlFor=ids.Monthly.MONTH, className="filter-label"),
            dcc.Dropdown(
                id=ids.Monthly.MONTH,
                options=month_options(asked.month),
                value=month_param(asked.month),
                clearable=False,
                className="filter-dropdown",
            ),
            html.Label(t("monthly.field.area"), htmlFor=ids.Monthly.AREA, className="filter-label"),
            dcc.Dropdown(
                id=ids.Monthly.AREA,
                options=[],
                value=asked.area.code,
                placeholder=t("monthly.all_areas"),
                className="filter-dropdown",
            ),
        ],
        className="filter-bar monthly-filter",
    )
    return page_frame(
        "monthly_report",
        dcc.Store(id=ids.Monthly.QUERY, data={**asked.to_query(), "errors": asked.errors}),
        controls,
        html.Div(
            [html.Div(error, className="drill-message-line") for error in asked.errors],
            id=ids.Monthly.MESSAGE,
            className="drill-message",
            role="alert",
        ),
        kpi_row("monthly", list(Headline), period=span, area=area),
        html.Section(
            [
                html.H2(t("monthly.summary_title")),
                dcc.Loading(html.P(id=ids.Monthly.SUMMARY, className="monthly-summary-text"), type="dot"),
                export_menu(SUMMARY, table=True),
                export_bar(),
            ],
            className="monthly-summary",
        ),
        html.Section(
            [
                html.H2(t("monthly.table.ranking")),
                dcc.Loading(html.Div(id=ids.Monthly.RANKING), type="dot"),
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
