"""One item's own view: /record?kind=incident&id=N (or ?ref=<the report's event id>), opened from the feed, the map,
a grid page, a record table, an alert or the queue; with the steps the account may take."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.page import page_frame
from dashboard.i18n import t

dash.register_page(__name__, path="/record", name=t("page.record"), order=46)

REDRAW_MS = 3000  # how soon a step someone else took shows here


def layout(kind: str | None = None, id: str | None = None, ref: str | None = None, **_unused_query: str) -> html.Div:
    # Structure only: the callbacks read the item, check the account's area and draw it.
    actions = html.Div(
        [
            html.H2(t("item.actions")),
            dcc.Dropdown(id=ids.Item.DEPARTMENT, placeholder=t("item.department_pick"), className="item-department"),
            dcc.Textarea(id=ids.Item.NOTE, placeholder=t("item.note"), className="item-note", maxLength=2000),
            html.Div(id=ids.Item.BUTTONS, className="item-buttons"),
            html.Div(id=ids.Item.MESSAGE, className="item-message", role="status"),
        ],
        id=ids.Item.ACTIONS,
        className="item-actions",
        hidden=True,
    )
    return page_frame(
        "record",
        dcc.Store(id=ids.Item.WANTED, data={"kind": kind, "id": id, "ref": ref}),
        dcc.Store(id=ids.Item.SHOWN),
        dcc.Store(id=ids.Item.REFRESH),
        dcc.Interval(id=ids.Item.CLOCK, interval=REDRAW_MS),
        html.Div(id=ids.Item.VIEW),
        actions,
    )
