"""待办: the open items of the account's area, nearest deadline first, with SLA colours, counts and filters; redrawn
as soon as a step is taken on one of them (an item dispatched to this township, say). The filters are in the address
(dashboard/queue_url.py), so a queue is a link: `/queue?platform=governance&overdue=1`."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.dropdown import dropdown
from dashboard.components.month_area import record_radio
from dashboard.components.page import page_frame
from dashboard.components.queue_table import POLL_MS
from dashboard.config import get_settings
from dashboard.data.vocab import Platform
from dashboard.i18n import t
from dashboard.queue_url import ALL, OPEN_STATES, parse_queue_query

dash.register_page(__name__, path="/queue", name=t("page.queue"), order=45)


def layout(**query: str | list[str]) -> html.Div:
    # Structure and the filters the address asks for: the callback reads the account's area and its items.
    asked = parse_queue_query(query, get_settings().language)
    states = [{"label": t("queue.all_states"), "value": ALL}, {"label": t("queue.mine"), "value": "mine"}]
    states += [{"label": t(f"state.{state}"), "value": state} for state in OPEN_STATES]
    platforms = [{"label": t("queue.all_platforms"), "value": ALL}]
    platforms += [{"label": t(f"platform.{platform.value}"), "value": platform.value} for platform in Platform]
    filters = html.Div(
        [
            dropdown(id=ids.Queue.STATE, options=states, value=asked.state, clearable=False, className="queue-state"),
            dropdown(
                id=ids.Queue.PLATFORM,
                options=platforms,
                value=asked.platform,
                clearable=False,
                className="queue-platform",
            ),
            record_radio(ids.Queue.RECORD, asked.record),
            dcc.Checklist(
                id=ids.Queue.OVERDUE,
                options=[{"label": t("queue.overdue_only"), "value": "overdue"}],
                value=["overdue"] if asked.overdue else [],
                inline=True,
                className="filter-radio",
            ),
        ],
        className="filter-bar queue-filters",
    )
    return page_frame(
        "queue",
        filters,
        html.Div(
            [html.Div(error, className="drill-message-line") for error in asked.errors],
            id=ids.Queue.MESSAGE,
            className="month-area-message",
            role="alert",
        ),
        dcc.Store(id=ids.Queue.QUERY, data=asked.search()),
        dcc.Interval(id=ids.Queue.CLOCK, interval=POLL_MS),
        dcc.Store(id=ids.Queue.SEEN),
        html.Div(id=ids.Queue.COUNTS, className="queue-counts"),
        # until the first answer (a city-wide queue takes seconds): said, not an empty page
        html.Div(html.P(t("queue.loading"), className="queue-loading"), id=ids.Queue.TABLE, className="queue-table"),
    )
