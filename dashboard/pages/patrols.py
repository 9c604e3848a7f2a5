"""巡查合规, patrol compliance: two patrols of two hours a day, per area, month and grid; who falls short; which
logs look wrong."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.filter_bar import chart
from dashboard.components.footnote import footnote
from dashboard.components.month_area import month_area_filter, plain_table
from dashboard.components.page import page_frame
from dashboard.i18n import t

dash.register_page(__name__, path="/patrols", name=t("page.patrols"), order=41)


def layout(month: str | None = None, area: str | None = None, **_unused_query: str) -> html.Div:
    min_days = html.Label(
        [t("filter.min_days"), dcc.Input(id=ids.Patrols.MIN_DAYS, type="number", min=1, max=31, value=3, debounce=True)]
    )
    return page_frame(
        "patrols",
        month_area_filter(
            ids.Patrols.MONTH, ids.Patrols.AREA, ids.Patrols.MESSAGE, month=month, area=area, extra=min_days
        ),
        html.Div(
            [chart(ids.Patrols.BY_AREA), chart(ids.Patrols.MAP), chart(ids.Patrols.BY_MONTH, wide=True)],
            className="drill-charts",
        ),
        footnote("patrols.rates"),
        plain_table(ids.Patrols.EXCEPTIONS),
        plain_table(ids.Patrols.SUSPICIOUS),
        plain_table(ids.Patrols.WORKER_DAYS),
        footnote("patrols.tables"),
    )
