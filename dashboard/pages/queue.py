"""待办: the open items of the account's area, nearest deadline first, with SLA colours, counts and filters; redrawn
as soon as a step is taken on one of them (an item dispatched to this township, say)."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.month_area import record_radio
from dashboard.components.page import page_frame
from dashboard.components.queue_table import POLL_MS
from dashboard.data.handling import State
from dashboard.i18n import t

dash.register_page(__name__, path="/queue", name=t("page.queue"), order=45)

OPEN_STATES = [state for state in State if state not in (State.CLOSED, State.REVIEWED)]


def layout(**_unused_query: str) -> html.Div:
    # Structure only: the callback reads the account's area and its items.
    states = [{"label": t("queue.all_states"), "value": "all"}, {"label": t("queue.mine"), "value": "mine"}]
    states += [{"label": t(f"state.{state.value}"), "value": state.value} for state in OPEN_STATES]
    filters = html.Div(
        [
            dcc.Dropdown(id=ids.Queue.STATE, options=states, value="all", clearable=False, className="queue-state"),
            record_radio(ids.Queue.RECORD),
            dcc.Checklist(
                id=ids.Queue.OVERDUE,
                options=[{"label": t("queue.overdue_only"), "value": "overdue"}],
                value=[],
                inline=True,
                className="filter-radio",
            ),
        ],
        className="filter-bar queue-filters",
    )
    return page_frame(
        "queue",
        filters,
        dcc.Interval(id=ids.Queue.CLOCK, interval=POLL_MS),
        dcc.Store(id=ids.Queue.SEEN),
        html.Div(id=ids.Queue.COUNTS, className="queue-counts"),
        html.Div(id=ids.Queue.TABLE, className="queue-table"),
    )
