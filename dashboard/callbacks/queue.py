"""/queue: the account's open items, redrawn when a step moves one of them (the queue's version in Redis, bumped by
the consumer), when a filter changes, and every few seconds for new reports and the colours of passing deadlines."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, callback, no_update

from dashboard import ids
from dashboard.access.current import current_account
from dashboard.components.queue_table import queue_counts, queue_table
from dashboard.config import get_settings
from dashboard.data import area_tree
from dashboard.data.casework import QueueFilter, queue, queue_version
from dashboard.data.city_zone import city_zone
from dashboard.data.db import session_scope
from dashboard.data.handling import State as ItemState
from dashboard.data.periods import AreaLevel, utc_now
from dashboard.data.redis_client import REDIS_DOWN, get_redis

REDRAW_TICKS = 20  # at least every 20 polls (10 s): new reports, deadlines passing


def chosen_filter(state: str | None, record: str | None, overdue: list[str] | None) -> QueueFilter:
    """The filters as the page holds them; a value no option has counts as no filter."""
    states = {item.value for item in ItemState}
    return QueueFilter(
        state=ItemState(state) if state in states else None,
        mine=state == "mine",
        overdue="overdue" in (overdue or []),
        record=record if record in ("incident", "hazard") else None,
    )


@callback(
    Output(ids.Queue.COUNTS, "children"),
    Output(ids.Queue.TABLE, "children"),
    Output(ids.Queue.SEEN, "data"),
    Input(ids.Queue.STATE, "value"),
    Input(ids.Queue.RECORD, "value"),
    Input(ids.Queue.OVERDUE, "value"),
    Input(ids.Queue.CLOCK, "n_intervals"),
    State(ids.Queue.SEEN, "data"),
)
def show_queue(
    state: str | None, record: str | None, overdue: list[str] | None, tick: int | None, seen: dict[str, Any] | None
) -> tuple[Any, Any, Any]:
    account, tick = current_account(), int(tick or 0)
    chosen = chosen_filter(state, record, overdue)
    try:
        version = queue_version(get_redis(), account.area_code)
    except REDIS_DOWN:
        version = -1  # the banner says Redis is down; the queue still comes from the database
    drawn = {"version": version, "filter": [state, record, sorted(overdue or [])], "tick": tick}
    if (
        isinstance(seen, dict)
        and seen.get("version") == version
        and seen.get("filter") == drawn["filter"]
        and 0 <= tick - int(seen.get("tick", 0)) < REDRAW_TICKS
    ):
        return no_update, no_update, no_update
    lang, now = get_settings().language, utc_now()
    with session_scope() as session:
        rows, counts = queue(session, account.scope, account.role, chosen, now=now)
        townships = area_tree.names(session, AreaLevel.TOWNSHIP, sorted({row["township_code"] for row in rows}))
    return (
        queue_counts(counts, lang=lang),
        queue_table(rows, townships, lang=lang, zone=city_zone(), now=now),
        drawn,
    )
