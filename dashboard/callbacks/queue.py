"""/queue: the account's open items, redrawn when a step moves one of them (the queue's version in Redis, bumped by
the consumer), when a filter changes, and every few seconds for new reports and the colours of passing deadlines;
a filter changed is written to the address (dashboard/queue_url.py)."""

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
from dashboard.data.vocab import Platform
from dashboard.queue_url import queue_search

REDRAW_TICKS = 20  # at least every 20 polls (10 s): new reports, deadlines passing


def chosen_filter(
    state: str | None, record: str | None, overdue: list[str] | None, platform: str | None = None
) -> QueueFilter:
    """The filters as the page holds them; a value no option has counts as no filter."""
    states = {item.value for item in ItemState}
    platforms = {item.value for item in Platform}
    return QueueFilter(
        state=ItemState(state) if state in states else None,
        mine=state == "mine",
        overdue="overdue" in (overdue if isinstance(overdue, list) else []),
        record=record if record in ("incident", "hazard") else None,
        platform=Platform(platform) if platform in platforms else None,
    )


def whole(value: Any) -> int:
    """A count the browser keeps (the interval's ticks); 0 for anything else a forged request may hold."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@callback(
    Output(ids.App.URL, "search", allow_duplicate=True),
    Input(ids.Queue.STATE, "value"),
    Input(ids.Queue.RECORD, "value"),
    Input(ids.Queue.OVERDUE, "value"),
    Input(ids.Queue.PLATFORM, "value"),
    State(ids.Queue.QUERY, "data"),
    prevent_initial_call=True,
)
def write_queue_address(
    state: str | None, record: str | None, overdue: list[str] | None, platform: str | None, shown: str | None
) -> Any:
    """The filters chosen, in the address (a link to this queue; back and forward step through them)."""
    wanted = queue_search(state, record, "overdue" in (overdue if isinstance(overdue, list) else []), platform)
    return no_update if wanted == (shown or "") else wanted


@callback(
    Output(ids.Queue.COUNTS, "children"),
    Output(ids.Queue.TABLE, "children"),
    Output(ids.Queue.SEEN, "data"),
    Input(ids.Queue.STATE, "value"),
    Input(ids.Queue.RECORD, "value"),
    Input(ids.Queue.OVERDUE, "value"),
    Input(ids.Queue.PLATFORM, "value"),
    Input(ids.Queue.CLOCK, "n_intervals"),
    State(ids.Queue.SEEN, "data"),
)
def show_queue(
    state: str | None,
    record: str | None,
    overdue: list[str] | None,
    platform: str | None,
    tick: int | None,
    seen: dict[str, Any] | None,
) -> tuple[Any, Any, Any]:
    account, tick = current_account(), whole(tick)
    chosen = chosen_filter(state, record, overdue, platform)
    try:
        version = queue_version(get_redis(), account.area_code)
    except REDIS_DOWN:
        version = -1  # the banner says Redis is down; the queue still comes from the database
    shown_filter = [state, record, chosen.overdue, platform]
    drawn = {"version": version, "filter": shown_filter, "tick": tick}
    if (
        isinstance(seen, dict)
        and seen.get("version") == version
        and seen.get("filter") == drawn["filter"]
        and 0 <= tick - whole(seen.get("tick")) < REDRAW_TICKS
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
