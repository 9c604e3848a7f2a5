"""The filter row of /monthly, /sla and /patrols: a calendar month and an area (the account's, or one inside it),
with the line that names what was wrong with them. Both come from the address (`?month=2026-10&area=331004`,
dashboard/monthly_url.py) so a view is a link; the callbacks scope the area and fill its options
(dashboard/callbacks/month_area.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from dash import dcc, html

from dashboard.components.dropdown import dropdown
from dashboard.components.filter_bar import labelled
from dashboard.config import Language, get_settings
from dashboard.data.city_zone import city_today
from dashboard.data.periods import Period, shift_months
from dashboard.formatting import period_label
from dashboard.i18n import t
from dashboard.monthly_url import month_or_default, month_param

MONTHS_OFFERED = 36  # the months the picker lists, the current one first (the address may ask for older ones)


def month_options(shown: Period, today: date, lang: Language) -> list[dict[str, str]]:
    """The months offered: this month and the ones before it, and the month shown if it is older."""
    this_month = today.replace(day=1)
    months = [
        Period.month(m.year, m.month) for m in (shift_months(this_month, -back) for back in range(MONTHS_OFFERED))
    ]
    if shown not in months:
        months.append(shown)
    return [{"label": period_label(month, lang), "value": month_param(month)} for month in months]


def with_value(options: list[dict[str, str]], value: str | None) -> list[dict[str, str]]:
    """The options and the value if they lack it: a dropdown drops a value its options lack, so the address's value
    stays an option until the callbacks have checked it and listed the options."""
    listed = {option["value"] for option in options}
    return options if value is None or value in listed else [*options, {"label": value, "value": value}]


def month_area_filter(
    month_id: str,
    area_id: str,
    message_id: str,
    *,
    month: Any,
    area: Any,
    messages: Sequence[str] = (),
    extra: Any = None,
) -> html.Section:
    """The row showing `month` and `area` as the address wrote them (anything but a string is no value; no month: the
    default one), then what was wrong with them (`messages`; the callbacks replace them). The months offered are
    `month_options` around the month shown."""
    area_value = area if isinstance(area, str) and area else None
    today = city_today()
    shown, _error = month_or_default(month if isinstance(month, str) else None, today)  # the callbacks name the error
    month_value = month if isinstance(month, str) and month else month_param(shown)
    months = month_options(shown, today, get_settings().language)
    month_dropdown = dropdown(
        id=month_id,
        options=with_value(months, month_value),
        value=month_value,
        clearable=False,
        className="filter-dropdown",
    )
    area_dropdown = dropdown(
        id=area_id,
        options=with_value([], area_value),
        value=area_value,
        placeholder=t("filter.own_area"),
        className="filter-dropdown",
    )
    return html.Section(
        [
            html.Div(
                [
                    labelled(t("filter.month"), month_dropdown, "filter-month"),
                    labelled(t("filter.area"), area_dropdown, "filter-area-item"),
                    *([extra] if extra is not None else []),
                ],
                className="filter-bar month-area-filter",
            ),
            html.Div(
                [html.Div(message, className="drill-message-line") for message in messages],
                id=message_id,
                className="month-area-message",
                role="alert",
            ),
        ],
        className="drill-filter",
    )


def plain_table(table_id: str) -> html.Div:
    """A titled, scrollable table the callbacks fill (`table_rows`)."""
    return html.Div(id=table_id, className="plain-table")


def table_rows(title: str, headers: list[str], rows: list[list[Any]], *, empty_text: str) -> list[Any]:
    body = (
        [html.Tr([html.Td(cell) for cell in row]) for row in rows]
        if rows
        else [html.Tr(html.Td(empty_text, colSpan=len(headers)))]
    )
    return [
        html.H3(title),
        html.Div(
            html.Table([html.Thead(html.Tr([html.Th(h) for h in headers])), html.Tbody(body)]),
            className="plain-table-scroll",
        ),
    ]


def record_radio(component_id: str, value: str = "all") -> dcc.RadioItems:
    """All records, incidents or hazards (the value: all | incident | hazard)."""
    return dcc.RadioItems(
        id=component_id,
        options=[{"label": t(f"record.{choice}"), "value": choice} for choice in ("all", "incident", "hazard")],
        value=value,
        inline=True,
        className="filter-radio",
    )
