"""The connection banner: says when Redis or the database cannot be reached, and goes away by itself when they are
back. (New reports reach the pages without a callback: assets/12-push.js fills the events store in the browser.)"""

from __future__ import annotations

from dash import Input, Output, callback

from dashboard import ids
from dashboard.i18n import t
from dashboard.routes import database_up, redis_up


@callback(
    Output(ids.App.STATUS, "children"),
    Output(ids.App.STATUS, "hidden"),
    Input(ids.App.STATUS_CLOCK, "n_intervals"),
)
def show_connection_status(_tick: int | None) -> tuple[str, bool]:
    problems = []
    if not redis_up():
        problems.append(t("status.stream_down"))
    if not database_up():
        problems.append(t("status.unavailable"))
    return " ".join(problems), not problems
