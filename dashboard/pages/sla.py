"""按期结案, on-time closure: the rate by area, department and month, and what is overdue now."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.filter_bar import chart
from dashboard.components.footnote import footnote
from dashboard.components.month_area import month_area_filter, plain_table, record_radio
from dashboard.components.page import page_frame
from dashboard.i18n import t

dash.register_page(__name__, path="/sla", name=t("page.sla"), order=40)


def layout(month: str | None = None, area: str | None = None, **_unused_query: str) -> html.Div:
    # Structure only: the callbacks check the month and area and scope the area to the account's.
    records = record_radio(ids.Sla.RECORD)
    return page_frame(
        "sla",
        month_area_filter(ids.Sla.MONTH, ids.Sla.AREA, ids.Sla.MESSAGE, month=month, area=area, extra=records),
        html.Div(
            [chart(ids.Sla.BY_AREA), chart(ids.Sla.BY_DEPARTMENT), chart(ids.Sla.BY_MONTH, wide=True)],
            className="drill-charts",
        ),
        footnote("sla.rates"),
        plain_table(ids.Sla.OVERDUE),
        footnote("sla.overdue"),
        dcc.RadioItems(
            id=ids.Sla.LOOP_BY,
            options=[{"label": t(f"sla.loop.{by}"), "value": by} for by in ("department", "township", "county")],
            value="department",
            inline=True,
            className="filter-radio",
        ),
        plain_table(ids.Sla.LOOP),
        footnote("sla.loop"),
    )
