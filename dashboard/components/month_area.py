"""The filter row of the SLA and patrol pages: a calendar month and an area (the account's, or one inside it).
Both come from the address (`?month=2026-10&area=331004`) so a view is a link; the callbacks check them."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.i18n import t


def month_area_filter(
    month_id: str, area_id: str, message_id: str, *, month: Any, area: Any, extra: Any = None
) -> html.Div:
    month_value = month if isinstance(month, str) else None
    area_value = area if isinstance(area, str) else None
    # A dropdown drops a value its options lack: the address's values are options until the callback names them.
    months = [{"label": m, "value": m} for m in [month_value] if m]
    areas = [{"label": a, "value": a} for a in [area_value] if a]
    return html.Div(
        [
            html.Label(
                [t("filter.month"), dcc.Dropdown(id=month_id, options=months, value=month_value, clearable=False)]
            ),
            html.Label([t("filter.area"), dcc.Dropdown(id=area_id, options=areas, value=area_value, clearable=True)]),
            *([extra] if extra is not None else []),
            html.Div(id=message_id, className="filter-message", role="status"),
        ],
        className="filter-bar month-area-filter",
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
