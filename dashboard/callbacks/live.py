"""The connection banner: says when Redis or the database cannot be reached, or a process of the install is being
started again, and goes away by itself when they are back. (New reports reach the pages without a callback:
assets/12-push.js fills the events store in the browser.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dash import Input, Output, callback, no_update

from dashboard import ids
from dashboard.data.city_zone import city_zone
from dashboard.data.health import database_up, redis_up
from dashboard.data.redis_client import REDIS_DOWN, get_redis, simulator_speedup_key
from dashboard.i18n import t
from dashboard.processes import troubled


@callback(
    Output(ids.App.STATUS, "children"),
    Output(ids.App.STATUS, "hidden"),
    Output(ids.WallMode.UPDATED, "children"),
    Input(ids.App.STATUS_CLOCK, "n_intervals"),
)
def show_connection_status(_tick: int | None) -> tuple[str, bool, Any]:
    """The banner while a source is down; "数据更新于" the last time both answered (it stops while one is down)."""
    problems = []
    if not redis_up():
        problems.append(t("status.stream_down"))
    if not database_up():
        problems.append(t("status.unavailable"))
    problems += process_problems()
    if problems:
        return " ".join(problems), False, no_update
    now = datetime.now(ZoneInfo(city_zone()))
    updated = t("status.updated_at", time=f"{now:%H:%M:%S}")
    speedup = simulator_speedup()
    if speedup:  # a demonstration: the figures move faster than the city's
        return t("status.speedup", speedup=speedup), False, updated
    return "", True, updated


def simulator_speedup() -> str | None:
    """The speedup a running simulator announced (dashboard/simulate.py), or None at the city's pace."""
    try:
        value = get_redis().get(simulator_speedup_key())
    except REDIS_DOWN:
        return None
    return str(value) if value else None


def process_problems() -> list[str]:
    """Processes of the install that exited and are being started again (dashboard/processes.py)."""
    try:
        states = troubled(get_redis())
    except REDIS_DOWN:
        return []  # the banner says Redis is down already
    return [
        t(f"status.process_{'restarting' if state.state == 'restarting' else 'restarted'}",
          name=t(f"process.{state.kind}"), exits=state.exits)
        for state in states
    ]  # fmt: skip
